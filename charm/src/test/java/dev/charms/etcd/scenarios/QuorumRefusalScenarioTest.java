package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.ops.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Removals that would cost the cluster its quorum are refused and said so. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class QuorumRefusalScenarioTest {
    @TempDir
    Path root;

    @Test
    void theLeaderKeepsTheMemberOfAGoneUnitWhileTheClusterHasNoQuorumAndSaysSoWithoutFailingAHook() {
        Deployment model = new Deployment(root).deploy(3);
        // etcd/1's machine is cut off, and etcd/2's machine died and its unit was force-removed.
        model.etcd().isolate(model.host("etcd/1"));
        model.forceRemoveUnit("etcd/2");
        // etcd/1's hooks after the leader's would read etcd/2's bag, which the harness cannot show (see Deployment).
        model.runAll("etcd/1");
        model.runAll("etcd/0");
        assertNoFailedHook(model);
        assertEquals(List.of("etcd-0", "etcd-1", "etcd-2"), model.etcd().voterNames(), "a member was removed without quorum");
        Roster roster = Roster.parse(model.appBag().get(PeerData.MEMBERS));
        assertEquals(List.of("etcd/0", "etcd/1", "etcd/2"), List.copyOf(roster.entries().keySet()));
        assertEquals(Status.blocked("(leader) no quorum reachable from this unit: 2 of 3 members unreachable, 1 unhealthy;"
                + " if they are lost for good: juju run etcd/leader rebuild-cluster"), model.status("etcd/0"));
        assertEquals(Status.blocked("no quorum: 0 of 3 members healthy"), model.appStatus());
        List<String> refusals = model.runs().stream().flatMap(r -> r.logs().stream())
                .filter(l -> l.startsWith("cannot remove member")).distinct().toList();
        assertEquals(List.of("cannot remove member etcd-2 (etcd/2): the cluster has no quorum (1 of 3 voting members"
                + " healthy); the leader tries again in its next hooks"), refusals);
    }

    /**
     * A unit whose removal would leave too few healthy voters waits, with its member and its etcd, and
     * says why (docs/operations.md, troubleshooting); no hook fails. Once the other member is back, the
     * leader removes the member and the unit's last hook finds it gone and leaves.
     */
    @Test
    void aUnitWhoseDepartureWouldLoseQuorumWaitsInTheClusterUntilTheOthersAreBack() {
        Deployment model = new Deployment(root).deploy(3);
        model.etcd().isolate(model.host("etcd/2"));
        model.removeUnit("etcd/1");
        for (String hook : List.of("cluster-relation-departed", "cluster-relation-departed", "stop")) {
            assertEquals(hook, model.runNext("etcd/1").hook());
        }
        assertEquals(Status.waiting("leaving the etcd cluster: waiting for the leader to remove this unit's member"),
                model.status("etcd/1"));
        model.runAll("etcd/0");
        assertNoFailedHook(model);
        assertEquals(Status.blocked("(leader) refusing to remove member etcd-1 (etcd/1): it would leave 1 healthy of 2"
                + " voting members, below quorum"), model.status("etcd/0"));
        assertTrue(model.host("etcd/1").isRunning(), "etcd/1's etcd stopped although its member stays");
        assertEquals(List.of("etcd-0", "etcd-1", "etcd-2"), model.etcd().voterNames());

        model.etcd().reconnect(model.host("etcd/2"));
        model.updateStatus("etcd/0");
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("etcd/0", "etcd/2"), model.units());
        assertHealthyCluster(model);
    }
}
