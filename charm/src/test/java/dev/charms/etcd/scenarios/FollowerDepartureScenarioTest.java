package dev.charms.etcd.scenarios;

import dev.charms.etcd.state.UnitProgress;
import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.fakes.InMemoryHost;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code juju remove-unit} of a unit that is neither Juju's leader nor etcd's raft leader. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FollowerDepartureScenarioTest {
    @TempDir
    Path root;

    @Test
    void aRemovedFollowerTakesItsMemberOutOfTheClusterAndTheRestStayHealthy() {
        Deployment model = new Deployment(root).deploy(3);
        model.removeUnit("etcd/1");
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("etcd/0", "etcd/2"), model.units());
        assertEquals(List.of("remove etcd-1"), Scenarios.history(model, "remove "));
        assertHealthyCluster(model);
        assertEquals("etcd-0", model.etcd().leaderName(), "raft leadership stayed where it was");
        InMemoryHost gone = model.host("etcd/1");
        assertFalse(gone.isRunning(), "the removed unit's etcd still runs");
        assertFalse(gone.enabled(), "the removed unit's etcd would start at boot");
        assertEquals(List.of("removed"), gone.dataMovedAside());
        assertEquals(UnitProgress.LEAVING.wire(), model.unitBag("etcd/1").get(PeerData.STATE), "its last peer-bag write, in its departed hooks");
        for (String unit : model.units()) {
            assertEquals(0, model.host(unit).restarts(), unit + " restarted");
        }
    }

    @Test
    void aClusterShrunkByAFollowerStillAdmitsANewUnit() {
        Deployment model = new Deployment(root).deploy(3);
        model.removeUnit("etcd/2");
        model.settle();
        model.addUnit();
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("etcd/0", "etcd/1", "etcd/3"), model.units());
        assertHealthyCluster(model);
    }

    @Test
    void aUnitRemovedWhileStillALearnerLeavesNoMemberBehind() {
        Deployment model = new Deployment(root).deploy(3);
        String added = model.addUnit();
        Scenarios.runUntilLearnerStarted(model, "etcd-3");
        model.removeUnit(added);
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("remove etcd-3"), Scenarios.history(model, "remove "));
        assertEquals(List.of("etcd/0", "etcd/1", "etcd/2"), model.units());
        assertHealthyCluster(model);
    }
}
