package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.steps.Bootstrap;
import dev.charms.etcd.workload.InitialClusterState;
import dev.charms.ops.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code juju deploy etcd -n N}: the units deployed together form the initial cluster at once, from the
 * static initial cluster the leader publishes once every unit {@code goal-state} lists is ready; a unit
 * not ready within {@link Bootstrap#WAIT} joins later as a learner.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StaticBootstrapScenarioTest {
    private static final String THREE = "etcd-0=https://10.0.0.11:2380,etcd-1=https://10.0.0.12:2380,etcd-2=https://10.0.0.13:2380";

    @TempDir
    Path root;

    @Test
    void threeUnitsDeployedTogetherStartAsOneClusterWithoutALearner() {
        Deployment model = new Deployment(root).deploy(3);
        assertNoFailedHook(model);
        assertEquals(List.of("bootstrap etcd-0 (initial cluster " + THREE + ")"), Scenarios.membershipChanges(model));
        assertHealthyCluster(model);
        Roster roster = Roster.parse(model.appBag().get(PeerData.MEMBERS));
        for (String unit : model.units()) {
            assertEquals(InitialClusterState.NEW, roster.get(unit).clusterState(), unit);
            assertEquals(THREE, roster.get(unit).initialCluster(), unit);
            assertEquals(1, model.host(unit).starts(), unit + " started its etcd once");
            assertEquals(0, model.host(unit).restarts(), unit + " restarted");
        }
        assertEquals(List.of(
                Status.waiting("etcd 3.5.17 installed; waiting for the peer relation"),
                Status.waiting("waiting for the leader to sign this unit's certificate"),
                Status.waiting("waiting for the leader to bootstrap the cluster"),
                Status.active("cluster-health check failed: 1 of 3 members unreachable"),
                Status.active("cluster is healthy, 3 members")), Scenarios.statusesOf(model, "etcd/1"));
    }

    @Test
    void fiveUnitsDeployedTogetherFormOneClusterAndALaterUnitJoinsAsALearner() {
        Deployment model = new Deployment(root).deploy(5);
        assertNoFailedHook(model);
        List<String> changes = Scenarios.membershipChanges(model);
        assertEquals(1, changes.size(), "membership changes: " + changes);
        assertTrue(changes.get(0).contains("etcd-4=https://10.0.0.15:2380"), changes.get(0));
        assertHealthyCluster(model);
        String added = model.addUnit();
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("add learner https://10.0.0.16:2380", "joined etcd-5 as learner", "promote etcd-5"),
                Scenarios.membershipChanges(model).subList(1, 4));
        assertHealthyCluster(model);
        assertEquals(InitialClusterState.EXISTING, Roster.parse(model.appBag().get(PeerData.MEMBERS)).get(added).clusterState());
    }

    @Test
    void aSingleUnitStartsAtOnce() {
        Deployment model = new Deployment(root).deploy(1);
        assertNoFailedHook(model);
        assertEquals(List.of("bootstrap etcd-0 (initial cluster etcd-0=https://10.0.0.11:2380)"), Scenarios.membershipChanges(model));
        assertHealthyCluster(model);
    }

    @Test
    void aUnitLatePastTheWaitDoesNotHoldTheOthersBackAndJoinsAsALearner() {
        Deployment model = new Deployment(root);
        model.addUnit();
        model.addUnit();
        model.addUnit();
        model.runAll("etcd/1");
        model.runAll("etcd/0");
        model.runAll("etcd/1");
        model.runAll("etcd/0");
        assertEquals(List.of(), Scenarios.membershipChanges(model), "the leader formed the cluster without waiting");
        assertEquals(Status.waiting("(leader) waiting for etcd/2 to join before the cluster forms (at most 60 s more)"),
                model.status("etcd/0"));
        model.updateStatus("etcd/0");
        model.runAll("etcd/0");
        assertEquals(List.of(), Scenarios.membershipChanges(model), "the leader stopped waiting early");
        model.age("etcd/0", UnitState.BOOTSTRAP_WAIT_SINCE, Bootstrap.WAIT.plus(Duration.ofSeconds(1)));
        model.updateStatus("etcd/0");
        model.runAll("etcd/0");
        assertEquals(List.of("bootstrap etcd-0 (initial cluster etcd-0=https://10.0.0.11:2380,etcd-1=https://10.0.0.12:2380)"),
                Scenarios.membershipChanges(model));
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("add learner https://10.0.0.13:2380", "joined etcd-2 as learner", "promote etcd-2"),
                Scenarios.membershipChanges(model).subList(1, 4));
        assertHealthyCluster(model);
    }

    @Test
    void aNewLeaderWhileTheLeaderWaitsFormsTheClusterOfAllTheUnits() {
        Deployment model = new Deployment(root);
        model.addUnit();
        model.addUnit();
        model.addUnit();
        model.runAll("etcd/1");
        model.runAll("etcd/0");
        model.elect("etcd/1");
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("bootstrap etcd-1 (initial cluster " + THREE + ")"), Scenarios.membershipChanges(model));
        assertHealthyCluster(model);
    }

    @Test
    void aNewLeaderAfterTheInitialClusterWasPublishedKeepsItAndPublishesNoOther() {
        Deployment model = new Deployment(root);
        model.addUnit();
        model.addUnit();
        model.addUnit();
        model.runAll("etcd/1");
        model.runAll("etcd/2");
        model.runAll("etcd/0");
        String published = model.appBag().get(PeerData.MEMBERS);
        assertEquals(List.of("bootstrap etcd-0 (initial cluster " + THREE + ")"), Scenarios.membershipChanges(model));
        model.elect("etcd/2");
        model.runAll("etcd/2");
        assertNoFailedHook(model);
        assertTrue(model.etcd().member("etcd-2").orElseThrow().started(), "the new leader started its member of the initial cluster");
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("bootstrap etcd-0 (initial cluster " + THREE + ")"), Scenarios.membershipChanges(model));
        Roster roster = Roster.parse(model.appBag().get(PeerData.MEMBERS));
        Roster before = Roster.parse(published);
        for (String unit : model.units()) {
            assertEquals(before.get(unit).memberId(), roster.get(unit).memberId(), unit);
        }
        assertHealthyCluster(model);
    }

    @Test
    void aUnitRemovedBeforeTheClusterFormsIsLeftOutWithoutAWait() {
        Deployment model = new Deployment(root);
        model.addUnit();
        model.addUnit();
        model.addUnit();
        model.runAll("etcd/1");
        model.removeUnit("etcd/2");
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("bootstrap etcd-0 (initial cluster etcd-0=https://10.0.0.11:2380,etcd-1=https://10.0.0.12:2380)"),
                Scenarios.membershipChanges(model));
        assertHealthyCluster(model);
    }

    // Without goal-state the leader bootstraps alone and the others join as learners:
    // ClusterFormationScenarioTest.threeUnitsFormOneHealthyClusterAdmittingAndPromotingOneLearnerAtATime.
}
