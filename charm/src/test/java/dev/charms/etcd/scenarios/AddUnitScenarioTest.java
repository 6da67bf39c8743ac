package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.fakes.Deployment;
import dev.charms.ops.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code juju add-unit etcd} on a running three-member cluster. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AddUnitScenarioTest {
    @TempDir
    Path root;

    @Test
    void anAddedUnitJoinsAsALearnerAndIsPromotedWithoutRestartingAnyOtherMember() {
        Deployment model = new Deployment(root).deploy(3);
        int before = Scenarios.membershipChanges(model).size();
        String added = model.addUnit();
        model.settle();
        assertNoFailedHook(model);
        List<String> changes = Scenarios.membershipChanges(model);
        assertEquals(List.of("add learner https://10.0.0.14:2380", "joined etcd-3 as learner", "promote etcd-3"),
                changes.subList(before, changes.size()));
        assertHealthyCluster(model);
        assertEquals(1, model.host(added).starts());
        for (String unit : List.of("etcd/0", "etcd/1", "etcd/2")) {
            assertEquals(1, model.host(unit).starts(), unit);
            assertEquals(0, model.host(unit).restarts(), unit + " restarted for a new member");
        }
        assertEquals(List.of(
                Status.waiting("etcd 3.5.17 installed; waiting for the peer relation"),
                Status.waiting("waiting for the leader to sign this unit's certificate"),
                Status.maintenance("joining as learner (4 of 4)"),
                Status.active("cluster is healthy, 4 members")), Scenarios.statusesOf(model, added));
    }

    @Test
    void twoUnitsAddedTogetherJoinOneAfterTheOtherNeverTwoLearnersAtOnce() {
        Deployment model = new Deployment(root).deploy(3);
        int before = Scenarios.membershipChanges(model).size();
        model.addUnit();
        model.addUnit();
        model.settle();
        assertNoFailedHook(model);
        List<String> changes = Scenarios.membershipChanges(model);
        assertEquals(List.of("add learner https://10.0.0.14:2380", "joined etcd-3 as learner", "promote etcd-3",
                "add learner https://10.0.0.15:2380", "joined etcd-4 as learner", "promote etcd-4"),
                changes.subList(before, changes.size()));
        assertHealthyCluster(model);
    }

    @Test
    void aLearnerWhoseEtcdDiedIsPromotedOnceItRunsAgainWithoutHoldingTheLeadersHooks() {
        Deployment model = new Deployment(root).deploy(3);
        String added = model.addUnit();
        Scenarios.runUntilLearnerStarted(model, "etcd-3");
        model.host(added).crash();
        Deployment.HookRun leaderHook = model.runNext(model.leader());
        assertTrue(leaderHook.millis() < 2_000, "the leader's hook waited " + leaderHook.millis() + " ms for a dead learner");
        assertTrue(model.etcd().member("etcd-3").orElseThrow().learner(), "a learner that does not run was promoted");
        model.settle();
        model.updateStatus(added);
        model.settle();
        model.updateStatus(model.leader());
        model.settle();
        assertNoFailedHook(model);
        assertHealthyCluster(model);
    }
}
