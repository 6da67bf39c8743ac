package dev.charms.etcd.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.EtcdCharm;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.workload.InitialClusterState;
import dev.charms.ops.testing.Context;
import dev.charms.ops.testing.JujuEvent;
import dev.charms.ops.testing.Output;
import dev.charms.ops.testing.PeerRelation;
import dev.charms.ops.testing.State;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A leader counts a roster unit as departed only when it has evidence the unit left: Juju lists a peer
 * in relation-list only after this unit's -joined hook for it, so a unit that became leader before its
 * -joined hooks ran must not take the peers it has not seen yet for departed ones (it would remove their
 * members).
 */
class PeersSeenTest {
    private static final long NOW = 1_800_000_000_000L;
    private final AtomicReference<List<String>> departed = new AtomicReference<>();
    private final AtomicReference<Long> clock = new AtomicReference<>(NOW);
    private final Context ctx = Context.fromCharmDir(EtcdCharm.SPEC, fw -> {
        var peer = fw.model().relation(PeerData.PEER).orElseThrow();
        Roster roster = Roster.parse(peer.localAppData().get(PeerData.MEMBERS));
        UnitState state = new UnitState(fw.stored());
        PeersSeen.record(state, peer, roster, fw.model().unitName(), fw.model().isLeader(), clock.get());
        departed.set(PeersSeen.departed(peer, fw.model().unitName(), roster, state, clock.get()));
        // The query only reads: asked again, it answers the same and leaves the stored state as it was.
        Map<String, Object> before = fw.stored().snapshot();
        assertEquals(departed.get(), PeersSeen.departed(peer, fw.model().unitName(), roster, state, clock.get()));
        assertEquals(before, fw.stored().snapshot());
        return null;
    }, Path.of("."));

    private static final Roster THREE = Roster.empty()
            .with("etcd/0", voter("a", "etcd-0", "https://10.0.0.1:2380"))
            .with("etcd/1", voter("b", "etcd-1", "https://10.0.0.2:2380"))
            .with("etcd/2", voter("c", "etcd-2", "https://10.0.0.3:2380"));

    private static Roster.Entry voter(String id, String name, String peerUrl) {
        return new Roster.Entry(id, name, peerUrl, MemberRole.VOTER, "", InitialClusterState.EXISTING);
    }

    /** A hook on etcd/3 (leader) whose relation-list holds {@code listed}; returns the stored state after it. */
    private Map<String, Object> hook(Map<String, Object> stored, String... listed) {
        PeerRelation p = PeerRelation.of("cluster", 0).withLocalAppData(Map.of(PeerData.MEMBERS, THREE.toJson()));
        for (String unit : listed) {
            p = p.withPeer(unit, Map.of(PeerData.STATE, UnitProgress.STARTED.wire()));
        }
        State state = State.builder().unitName("etcd/3").leader(true).relation(p).storedState(stored).build();
        Output out = ctx.run(JujuEvent.updateStatus(), state);
        assertEquals(0, out.exitCode(), out.stderr());
        return new HashMap<>(out.state().storedState());
    }

    @Test
    void peersNotSeenYetAreNotDepartedUntilTheyStayMissingForTheWait() {
        Map<String, Object> s = hook(Map.of());
        assertEquals(List.of(), departed.get(), "a new leader before its -joined hooks: nobody departed");
        clock.set(NOW + PeersSeen.UNSEEN_WAIT.toMillis() - 1);
        s = hook(s);
        assertEquals(List.of(), departed.get(), "not yet: the wait counts from the first hook that missed them");
        clock.set(NOW + PeersSeen.UNSEEN_WAIT.toMillis());
        hook(s);
        assertEquals(List.of("etcd/0", "etcd/1", "etcd/2"), departed.get(), "never seen for the whole wait: gone");
    }

    @Test
    void aPeerSeenOnceAndThenMissingHasDepartedAtOnce() {
        Map<String, Object> s = hook(Map.of(), "etcd/0", "etcd/1", "etcd/2");
        assertEquals(List.of(), departed.get());
        s = hook(s, "etcd/0", "etcd/2");
        assertEquals(List.of("etcd/1"), departed.get());
        // etcd/1 stays remembered while the roster still has it (its removal may have been refused).
        hook(s, "etcd/0", "etcd/2");
        assertEquals(List.of("etcd/1"), departed.get());
    }

    @Test
    void aPeerThatJoinsWithinTheWaitIsNeverDeparted() {
        Map<String, Object> s = hook(Map.of(), "etcd/0");
        assertEquals(List.of(), departed.get());
        clock.set(NOW + 60_000);
        s = hook(s, "etcd/0", "etcd/1", "etcd/2");
        assertEquals(List.of(), departed.get());
        assertEquals(null, s.get(UnitState.UNSEEN_MISSING_SINCE), "nothing missing any more");
        clock.set(NOW + PeersSeen.UNSEEN_WAIT.toMillis() * 2);
        s = hook(s, "etcd/0", "etcd/2");
        assertEquals(List.of("etcd/1"), departed.get(), "seen once, then missing: departed");
    }

    @Test
    void seenUnitsOutsideTheRelationAndTheRosterAreForgotten() {
        Map<String, Object> s = hook(Map.of(), "etcd/0", "etcd/1", "etcd/2", "etcd/7");
        assertEquals(List.of("etcd/0", "etcd/1", "etcd/2", "etcd/7"), s.get(UnitState.PEERS_SEEN));
        s = hook(s, "etcd/0", "etcd/1", "etcd/2");
        assertEquals(List.of("etcd/0", "etcd/1", "etcd/2"), s.get(UnitState.PEERS_SEEN), "etcd/7 left and has no member");
    }
}
