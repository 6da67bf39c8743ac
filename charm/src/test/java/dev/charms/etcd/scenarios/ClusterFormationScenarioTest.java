package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.fakes.Deployment;
import dev.charms.ops.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code juju deploy etcd -n 3} where {@code goal-state} fails (docs/juju-contract.md, section 4): the leader
 * bootstraps a one-member cluster at once, then admits the others one learner at a time.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClusterFormationScenarioTest {
    @TempDir
    Path root;

    @Test
    void threeUnitsFormOneHealthyClusterAdmittingAndPromotingOneLearnerAtATime() {
        Deployment model = new Deployment(root).withoutGoalState().deploy(3);
        assertNoFailedHook(model);
        assertEquals(List.of(
                "bootstrap etcd-0 (initial cluster etcd-0=https://10.0.0.11:2380)",
                "add learner https://10.0.0.12:2380", "joined etcd-1 as learner", "promote etcd-1",
                "add learner https://10.0.0.13:2380", "joined etcd-2 as learner", "promote etcd-2"),
                Scenarios.membershipChanges(model));
        assertHealthyCluster(model);
        for (String unit : model.units()) {
            assertEquals(1, model.host(unit).starts(), unit + " started its etcd once");
            assertEquals(0, model.host(unit).restarts(), unit + " restarted");
        }
    }

    @Test
    void aJoiningUnitShowsItWaitsForItsCertificateThenJoinsAsALearnerUntilPromoted() {
        Deployment model = new Deployment(root).withoutGoalState().deploy(3);
        assertEquals(List.of(
                Status.waiting("etcd 3.5.17 installed; waiting for the peer relation"),
                Status.waiting("waiting for the leader to sign this unit's certificate"),
                Status.maintenance("joining as learner (2 of 2)"),
                Status.active("cluster is healthy, 2 members"),
                Status.active("cluster is healthy, 2 members, etcd/2 joining as learner"),
                Status.active("cluster is healthy, 3 members")), Scenarios.statusesOf(model, "etcd/1"));
    }
}
