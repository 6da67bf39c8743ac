package dev.charms.etcd.scenarios;

import dev.charms.etcd.state.UnitProgress;
import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.fakes.InMemoryHost;
import dev.charms.ops.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code juju deploy etcd}: the first unit bootstraps a one-member cluster on its own. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BootstrapScenarioTest {
    @TempDir
    Path root;

    @Test
    void aSingleUnitBootstrapsAHealthyOneMemberClusterAndOpensItsClientPort() {
        Deployment model = new Deployment(root).deploy(1);
        assertNoFailedHook(model);
        assertEquals(List.of("bootstrap etcd-0 (initial cluster etcd-0=https://10.0.0.11:2380)"),
                Scenarios.membershipChanges(model));
        assertHealthyCluster(model);
        assertEquals("etcd-0", model.etcd().leaderName());
        InMemoryHost host = model.host("etcd/0");
        assertEquals(1, host.starts(), "etcd started once");
        assertEquals(0, host.restarts());
        assertTrue(host.enabled(), "etcd enabled at boot");
        assertEquals(Set.of("2379/tcp", "2381/tcp"), model.openedPorts("etcd/0"));
        assertEquals(UnitProgress.STARTED.wire(), model.unitBag("etcd/0").get(PeerData.STATE));
    }

    @Test
    void theUnitSaysItIsWaitingForThePeerRelationUntilJujuCreatesIt() {
        Deployment model = new Deployment(root);
        model.addUnit();
        Deployment.HookRun install = model.runNext("etcd/0");
        assertEquals("install", install.hook());
        assertEquals(Status.waiting("etcd " + InMemoryHost.ETCD_VERSION + " installed; waiting for the peer relation"),
                install.status());
        assertEquals(1, model.host("etcd/0").installs());
        assertEquals(0, model.host("etcd/0").starts(), "nothing runs before the cluster is bootstrapped");
    }
}
