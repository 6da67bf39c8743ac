package dev.charms.etcd.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.EtcdCharm;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.state.UnitState;
import dev.charms.ops.testing.Context;
import dev.charms.ops.testing.JujuEvent;
import dev.charms.ops.testing.Output;
import dev.charms.ops.testing.PeerRelation;
import dev.charms.ops.testing.State;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * When the leader's hook talks to etcd at all: only for membership work the peer data shows, or for the
 * periodic audit of etcd's member list; every other leader hook leaves jetcd unloaded.
 */
class LeaderWorkTest {
    private static final long NOW = System.currentTimeMillis();
    private final AtomicReference<Boolean> seen = new AtomicReference<>();
    private final AtomicReference<java.util.List<String>> waiting = new AtomicReference<>();
    private final Context ctx = Context.fromCharmDir(EtcdCharm.SPEC,
            fw -> {
                seen.set(MembershipPlan.expectsEtcdWork(fw.model(), fw.stored()));
                var peer = fw.model().relation(PeerData.PEER).orElseThrow();
                waiting.set(MembershipPlan.candidates(peer, fw.model().unitName(),
                        Roster.parse(peer.localAppData().get(PeerData.MEMBERS)), false));
                return null;
            }, Path.of("."));

    private static Map<String, String> unit(String n, String state) {
        return Map.of(PeerData.PEER_URL, "https://10.0.0." + n + ":2380", PeerData.STATE, state);
    }

    private static final Roster TWO = Roster.empty()
            .with("etcd/0", MembershipPlanTest.voter("a", "etcd-0", "https://10.0.0.1:2380"))
            .with("etcd/1", MembershipPlanTest.voter("b", "etcd-1", "https://10.0.0.2:2380"));

    private boolean expects(Roster roster, PeerRelation peer, long auditedAt) {
        return expects(roster, peer, auditedAt, "");
    }

    private boolean expects(Roster roster, PeerRelation peer, long auditedAt, String admitted) {
        return expects(roster, peer, auditedAt, admitted, UnitProgress.STARTED.wire());
    }

    private boolean expects(Roster roster, PeerRelation peer, long auditedAt, String admitted, String ownState) {
        PeerRelation p = peer.withLocalData(Map.of(PeerData.MEMBERS, roster.toJson()), unit("1", ownState));
        State state = State.builder().unitName("etcd/0").leader(true).relation(p)
                .stored(UnitState.AUDITED_AT, auditedAt).stored(UnitState.ADMITTED, admitted)
                // This leader has seen etcd/1 in the relation: missing from it, etcd/1 has departed.
                .stored(UnitState.PEERS_SEEN, java.util.List.of("etcd/1")).build();
        Output out = ctx.run(JujuEvent.relationChanged(p, p.remoteUnitsData().keySet().iterator().next()), state);
        assertEquals(0, out.exitCode(), out.stderr());
        return seen.get();
    }

    private static Roster.Entry learner(String id, String name, String peerUrl) {
        return new Roster.Entry(id, name, peerUrl, dev.charms.etcd.state.MemberRole.LEARNER, "",
                dev.charms.etcd.workload.InitialClusterState.EXISTING);
    }

    private static PeerRelation peers(Map<String, Map<String, String>> units) {
        PeerRelation p = PeerRelation.of("cluster", 0);
        for (Map.Entry<String, Map<String, String>> e : new java.util.TreeMap<>(units).entrySet()) {
            p = p.withPeer(e.getKey(), e.getValue());
        }
        return p;
    }

    @Test
    void aSettledClusterNeedsNoEtcdCallUntilTheAuditIsDue() {
        PeerRelation settled = peers(Map.of("etcd/1", unit("2", UnitProgress.STARTED.wire())));
        assertFalse(expects(TWO, settled, NOW - 60_000));
        assertTrue(expects(TWO, settled, NOW - MembershipPlan.AUDIT_INTERVAL.toMillis() - 1), "audit overdue");
        assertTrue(expects(TWO, settled, 0), "never audited (a new leader)");
        assertTrue(expects(TWO, settled, NOW + 3_600_000), "clock went back");
    }

    @Test
    void aWaitingUnitIsWorkUnlessALearnerIsStillCatchingUp() {
        PeerRelation waiting = peers(Map.of("etcd/1", unit("2", UnitProgress.STARTED.wire()), "etcd/2", unit("3", UnitProgress.READY.wire())));
        assertTrue(expects(TWO, waiting, NOW));
        Roster learnerNotStarted = TWO.with("etcd/3", learner("c", "etcd-3", "https://10.0.0.4:2380"));
        PeerRelation withLearner = peers(Map.of("etcd/1", unit("2", UnitProgress.STARTED.wire()), "etcd/2", unit("3", UnitProgress.READY.wire()),
                "etcd/3", unit("4", UnitProgress.READY.wire())));
        assertFalse(expects(learnerNotStarted, withLearner, NOW), "the learner has not started: nothing to do yet");
        PeerRelation learnerStarted = peers(Map.of("etcd/1", unit("2", UnitProgress.STARTED.wire()), "etcd/2", unit("3", UnitProgress.READY.wire()),
                "etcd/3", unit("4", UnitProgress.STARTED.wire())));
        assertTrue(expects(learnerNotStarted, learnerStarted, NOW), "a started learner is to be promoted");
    }

    @Test
    void aLearnerThisLeaderAdmittedMomentsAgoIsAwaitedBeforeItsUnitReportsIt() {
        Roster learner = TWO.with("etcd/3", learner("c", "etcd-3", "https://10.0.0.4:2380"));
        PeerRelation notReported = peers(Map.of("etcd/1", unit("2", UnitProgress.STARTED.wire()), "etcd/3", unit("4", UnitProgress.READY.wire())));
        assertTrue(expects(learner, notReported, NOW, "etcd/3@" + (NOW - 1_000)), "admitted a second ago: wait for it");
        assertFalse(expects(learner, notReported, NOW, "etcd/3@" + (NOW - MembershipPlan.LEARNER_WAIT_WINDOW.toMillis() - 1)),
                "admitted too long ago: its unit must report it started");
        assertFalse(expects(learner, notReported, NOW, "etcd/2@" + (NOW - 1_000)), "another unit was admitted");
        assertFalse(expects(learner, notReported, NOW, "etcd/3@" + (NOW + 3_600_000)), "clock went back");
        assertFalse(expects(learner, notReported, NOW, "etcd/3@garbage"), "unreadable record");
        assertFalse(expects(TWO, peers(Map.of("etcd/1", unit("2", UnitProgress.STARTED.wire()))), NOW, "etcd/1@" + (NOW - 1_000)),
                "no learner pending: nothing to wait for");
    }

    @Test
    void aDepartedUnitOrAMovedPeerUrlIsWork() {
        assertTrue(expects(TWO, peers(Map.of("etcd/5", unit("6", UnitProgress.READY.wire()))).withoutPeer("etcd/5")
                .withPeer("etcd/7", Map.of()), NOW), "etcd/1 is in the roster but gone from the relation");
        Map<String, String> moved = Map.of(PeerData.PEER_URL, "https://10.0.0.2:2390", PeerData.STATE, UnitProgress.STARTED.wire());
        assertTrue(expects(TWO, peers(Map.of("etcd/1", moved)), NOW), "etcd/1 published a new peer URL");
    }

    @Test
    void aLeaderOutsideTheExistingClusterAdmitsItselfInUnitOrder() {
        // Leadership moved to etcd/0 before it joined: etcd/1 and etcd/2 are the cluster, etcd/3 waits too.
        Roster others = Roster.empty()
                .with("etcd/1", MembershipPlanTest.voter("b", "etcd-1", "https://10.0.0.2:2380"))
                .with("etcd/2", new Roster.Entry("c", "etcd-2", "https://10.0.0.3:2380", dev.charms.etcd.state.MemberRole.VOTER, "",
                        dev.charms.etcd.workload.InitialClusterState.NEW));
        PeerRelation cluster = peers(Map.of("etcd/1", unit("2", UnitProgress.STARTED.wire()), "etcd/2", unit("3", UnitProgress.STARTED.wire()),
                "etcd/3", unit("4", UnitProgress.READY.wire())));
        for (String own : new String[] {UnitProgress.READY.wire(), UnitProgress.WAITING_CERTIFICATE.wire(), UnitProgress.STARTED.wire()}) {
            assertTrue(expects(others, cluster, NOW, "", own), "leader in state " + own + " outside the cluster");
            assertEquals(java.util.List.of("etcd/0", "etcd/3"), waiting.get(), "leader in state " + own);
        }
        assertTrue(expects(others, cluster, NOW, "", UnitProgress.LEFT.wire()), "etcd/3 still waits");
        assertEquals(java.util.List.of("etcd/3"), waiting.get(), "a leader that left the cluster does not rejoin");
        PeerRelation nobodyElse = peers(Map.of("etcd/1", unit("2", UnitProgress.STARTED.wire()), "etcd/2", unit("3", UnitProgress.STARTED.wire())));
        assertFalse(expects(TWO, nobodyElse, NOW, "", UnitProgress.READY.wire()), "a leader in the roster is no candidate");
        assertEquals(java.util.List.of(), waiting.get());
        assertFalse(expects(Roster.empty(), nobodyElse, NOW, "", UnitProgress.READY.wire()), "no cluster yet: the leader bootstraps it");
        assertEquals(java.util.List.of(), waiting.get());
    }
}
