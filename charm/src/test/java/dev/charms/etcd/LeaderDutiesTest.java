package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.workload.Member;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which etcd members the leader takes for strangers (never one whose peer URL is moving), since when
 * a departed unit counts as gone, and who has the rolling-restart turn.
 */
class LeaderDutiesTest {
    private static Member member(long id, String name, String peerUrl) {
        return new Member(id, name, List.of(URI.create(peerUrl)),
                name.isEmpty() ? List.of() : List.of(URI.create(peerUrl.replace("2380", "2379"))), name.isEmpty());
    }

    private static final Roster ROSTER = Roster.empty()
            .with("etcd/0", new Roster.Entry("a", "etcd-0", "https://10.0.0.1:2380", "voter", "", "existing"))
            .with("etcd/1", new Roster.Entry("b", "etcd-1", "https://10.0.0.2:2380", "voter", "", "existing"));

    @Test
    void aMemberThatMovedItsPeerUrlIsStillKnownByItsId() {
        // etcd/1 has just run `member update` to its new management_port; the roster still has the old URL.
        Member moved = member(0xb, "etcd-1", "https://10.0.0.2:2390");
        List<Member> members = List.of(member(0xa, "etcd-0", "https://10.0.0.1:2380"), moved);
        assertEquals(List.of(), LeaderDuties.stale(members, ROSTER));
        assertEquals(Optional.of(moved), LeaderDuties.memberOf(members, ROSTER.get("etcd/1")));
    }

    @Test
    void aDepartedUnitsGraceRunsFromWhenItWasFirstSeenDeparted() {
        dev.charms.ops.StoredState stored = dev.charms.ops.StoredState.inMemory(java.util.Map.of());
        assertEquals(java.util.Map.of("etcd/2", 1000L), LeaderDuties.departedSince(stored, List.of("etcd/2"), 1000));
        // a later hook (a refused removal tried again) keeps the first sighting; a new departure starts now
        assertEquals(java.util.Map.of("etcd/2", 1000L, "etcd/3", 9000L),
                LeaderDuties.departedSince(stored, List.of("etcd/2", "etcd/3"), 9000));
        // removed members are forgotten; a clock that went back restarts the grace instead of skipping it
        assertEquals(java.util.Map.of("etcd/3", 500L), LeaderDuties.departedSince(stored, List.of("etcd/3"), 500));
        LeaderDuties.departedSince(stored, List.of(), 600);
        assertEquals(null, stored.get(LeaderDuties.DEPARTED_SINCE));
    }

    @Test
    void membersOfNoRosterEntryAreStale() {
        Member forcedOut = member(0xc, "etcd-2", "https://10.0.0.3:2380");
        Member halfAdded = member(0xd, "", "https://10.0.0.4:2380");
        List<Member> members = List.of(member(0xa, "etcd-0", "https://10.0.0.1:2380"),
                member(0xb, "etcd-1", "https://10.0.0.2:2380"), forcedOut, halfAdded);
        assertEquals(List.of(forcedOut, halfAdded), LeaderDuties.stale(members, ROSTER));
    }

    @Test
    void anEntryWithoutAnIdYetIsFoundByItsPeerUrl() {
        Roster.Entry fresh = new Roster.Entry("", "etcd-0", "https://10.0.0.1:2380", "voter", "", "new");
        Member m = member(0xa, "etcd-0", "https://10.0.0.1:2380");
        assertEquals(Optional.of(m), LeaderDuties.memberOf(List.of(m), fresh));
    }

    private static java.util.Map<String, String> asks(String request, String restarted) {
        return java.util.Map.of(PeerData.RESTART_REQUEST, request, PeerData.RESTARTED, restarted);
    }

    @Test
    void theRestartTurnGoesInUnitOrderAndStaysUntilItsHolderRestarted() {
        var units = new java.util.HashMap<String, java.util.Map<String, String>>();
        units.put("etcd/10", asks("f10", ""));
        units.put("etcd/2", asks("f2", ""));
        units.put("etcd/0", asks("f0", "f0"));
        assertEquals("etcd/2:f2", LeaderDuties.nextRestartTurn("", units));
        assertEquals("etcd/2:f2", LeaderDuties.nextRestartTurn("etcd/2:f2", units));
        units.put("etcd/2", asks("f2", "f2"));
        assertEquals("etcd/10:f10", LeaderDuties.nextRestartTurn("etcd/2:f2", units));
        units.put("etcd/10", asks("f10", "f10"));
        assertEquals("", LeaderDuties.nextRestartTurn("etcd/10:f10", units));
        // a holder that is gone (removed) passes the turn on
        units.put("etcd/3", asks("f3", ""));
        assertEquals("etcd/3:f3", LeaderDuties.nextRestartTurn("etcd/7:f7", units));
    }

    @Test
    void aTurnWhoseRequestNoLongerStandsMovesOn() {
        var units = new java.util.HashMap<String, java.util.Map<String, String>>();
        units.put("etcd/0", asks("f0", "f0"));
        units.put("etcd/2", asks("f2", ""));
        // The configuration changed again before etcd/1 used its turn: it asks for the newer restart, and
        // gets a turn for that one (it is still first in order); waiting for "a" would wait for ever.
        units.put("etcd/1", asks("b", "old"));
        assertEquals("etcd/1:b", LeaderDuties.nextRestartTurn("etcd/1:a", units));
        // Its etcd was started after a crash with the new configuration: the request is met, no restart comes.
        units.put("etcd/1", asks("a", "a"));
        assertEquals("etcd/2:f2", LeaderDuties.nextRestartTurn("etcd/1:a", units));
        // A restore dropped its request.
        units.put("etcd/1", asks("", "old"));
        assertEquals("etcd/2:f2", LeaderDuties.nextRestartTurn("etcd/1:a", units));
    }
}
