package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.charms.etcd.fakes.Deployment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code juju remove-unit} of the unit whose member is etcd's raft leader (not Juju's leader). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RaftLeaderDepartureScenarioTest {
    @TempDir
    Path root;

    @Test
    void removingTheRaftLeadersUnitHandsRaftLeadershipOnBeforeItsMemberIsRemoved() {
        Deployment model = new Deployment(root).deploy(3);
        model.etcd().electLeader("etcd-2");
        model.removeUnit("etcd/2");
        model.settle();
        assertNoFailedHook(model);
        Scenarios.assertRaftLeadershipMovedBeforeRemoval(model, "etcd-0", "etcd-2");
        assertEquals("etcd/0", model.leader(), "Juju's leader is another matter and stays");
        assertNotEquals("etcd-2", model.etcd().leaderName());
        assertHealthyCluster(model);
    }
}
