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

/**
 * Machines rebooting under the cluster: Juju runs {@code start} again on each unit whose machine booted
 * (docs/juju-contract.md, section 2). A member that comes back to a cluster still without quorum reads as
 * starting (waiting), never as lost or active, and no hook fails; once the others are back every unit is
 * active with the same membership.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RebootScenarioTest {
    @TempDir
    Path root;

    private Deployment fastElections() {
        Deployment model = new Deployment(root);
        model.config("heartbeat_interval", 10);
        model.config("election_timeout", 50);
        return model.deploy(3);
    }

    @Test
    void afterAPowerLossOfTheWholeClusterTheFirstMemberBackWaitsForQuorumAndTheClusterReformsWithoutAHookError() {
        Deployment model = fastElections();
        assertHealthyCluster(model);
        List<String> before = model.etcd().voterNames();

        model.powerLoss("etcd/0", "etcd/1", "etcd/2");
        model.boot("etcd/1");
        model.runAll("etcd/1");
        assertNoFailedHook(model);
        assertTrue(model.host("etcd/1").isRunning(), "the enabled etcd did not start at boot");
        assertEquals(Status.waiting("etcd starting, waiting for quorum: 2 of 3 members unreachable, 1 unhealthy"),
                model.status("etcd/1"));

        model.boot("etcd/0");
        model.boot("etcd/2");
        model.settle();
        assertNoFailedHook(model);
        assertEquals(Status.active("(leader) cluster is healthy, 3 members"), model.status("etcd/0"));
        // etcd/1 says what it saw in its own hook, until its next one.
        model.updateStatus("etcd/1");
        model.settle();
        assertEquals(before, model.etcd().voterNames());
        assertHealthyCluster(model);
    }

    @Test
    void aQuorumLostLongAfterTheLastStartIsStillReportedAsLost() {
        Deployment model = fastElections();
        model.powerLoss("etcd/0", "etcd/2");
        model.updateStatus("etcd/1");
        model.runAll("etcd/1");
        assertNoFailedHook(model);
        assertEquals(Status.blocked("no quorum reachable from this unit: 2 of 3 members unreachable, 1 unhealthy"),
                model.status("etcd/1"), "no start ran after the deploy: the quorum is lost, not starting");
    }

    @Test
    void oneMachineRebootingLeavesTheOthersActiveAndComesBackActive() {
        Deployment model = fastElections();
        model.powerLoss("etcd/2");
        model.updateStatus("etcd/0");
        model.runAll("etcd/0");
        assertEquals(Status.active("(leader) cluster-health check failed: 1 of 3 members unreachable"), model.status("etcd/0"));
        model.boot("etcd/2");
        model.settle();
        assertNoFailedHook(model);
        List<String> hooks = model.runs().stream().filter(r -> r.unit().equals("etcd/2")).map(Deployment.HookRun::hook).toList();
        assertEquals(List.of("start", "leader-settings-changed"), hooks.subList(hooks.size() - 2, hooks.size()));
        assertEquals(Status.active("cluster is healthy, 3 members"), model.status("etcd/2"));
        model.updateStatus("etcd/0");
        model.settle();
        assertHealthyCluster(model);
    }
}
