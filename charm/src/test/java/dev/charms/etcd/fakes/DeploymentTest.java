package dev.charms.etcd.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.charms.ops.testing.InconsistentStateException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Deployment refuses because Juju would not do it, and the hook order it gives a new unit. */
class DeploymentTest {
    @TempDir
    Path root;

    @Test
    void aNewUnitRunsJujusDeployHooksInOrderAndJoinsItsPeersAfterStart() {
        Deployment model = new Deployment(root).deploy(1);
        String added = model.addUnit();
        model.settle();
        List<String> hooks = model.runs().stream().filter(r -> r.unit().equals(added))
                .map(r -> r.hook() + (r.remote() == null ? "" : "(" + r.remote() + ")")).toList();
        assertEquals(List.of("install", "cluster-relation-created", "leader-settings-changed", "config-changed", "start",
                "cluster-relation-joined(etcd/0)", "cluster-relation-changed(etcd/0)"), hooks.subList(0, 7));
    }

    @Test
    void whatJujuWouldRefuseIsRefused() {
        Deployment model = new Deployment(root).deploy(2);
        assertThrows(InconsistentStateException.class, () -> model.config("no_such_option", 1));
        assertThrows(InconsistentStateException.class, () -> model.config("heartbeat_interval", "fast"));
        assertThrows(InconsistentStateException.class, () -> model.retry("etcd/1"), "no failed hook to retry");
        assertThrows(InconsistentStateException.class, () -> model.runNext("etcd/1"), "nothing queued");
        model.removeUnit("etcd/1");
        assertThrows(InconsistentStateException.class, () -> model.elect("etcd/1"), "a dying unit cannot lead");
        assertThrows(InconsistentStateException.class, () -> model.removeUnit("etcd/1"), "already dying");
        model.settle();
        assertEquals(List.of("etcd/0"), model.units());
        assertThrows(InconsistentStateException.class, () -> model.updateStatus("etcd/1"), "a removed unit runs no hook");
    }
}
