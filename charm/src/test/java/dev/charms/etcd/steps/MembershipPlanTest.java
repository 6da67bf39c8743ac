package dev.charms.etcd.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.Roster;
import dev.charms.etcd.state.MemberRole;
import dev.charms.etcd.workload.InitialClusterState;
import dev.charms.etcd.workload.Member;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which etcd members the leader takes for strangers (never one whose peer URL is moving), and whose member is whose. */
class MembershipPlanTest {
    private static Member member(long id, String name, String peerUrl) {
        return new Member(id, name, List.of(URI.create(peerUrl)),
                name.isEmpty() ? List.of() : List.of(URI.create(peerUrl.replace("2380", "2379"))), name.isEmpty());
    }

    static Roster.Entry voter(String id, String name, String peerUrl) {
        return new Roster.Entry(id, name, peerUrl, MemberRole.VOTER, "", InitialClusterState.EXISTING);
    }

    private static final Roster ROSTER = Roster.empty()
            .with("etcd/0", voter("a", "etcd-0", "https://10.0.0.1:2380"))
            .with("etcd/1", voter("b", "etcd-1", "https://10.0.0.2:2380"));

    @Test
    void aMemberThatMovedItsPeerUrlIsStillKnownByItsId() {
        // etcd/1 has just run `member update` to its new management_port; the roster still has the old URL.
        Member moved = member(0xb, "etcd-1", "https://10.0.0.2:2390");
        List<Member> members = List.of(member(0xa, "etcd-0", "https://10.0.0.1:2380"), moved);
        assertEquals(List.of(), MembershipPlan.stale(members, ROSTER));
        assertEquals(Optional.of(moved), MembershipPlan.memberOf(members, ROSTER.get("etcd/1")));
    }

    @Test
    void membersOfNoRosterEntryAreStale() {
        Member forcedOut = member(0xc, "etcd-2", "https://10.0.0.3:2380");
        Member halfAdded = member(0xd, "", "https://10.0.0.4:2380");
        List<Member> members = List.of(member(0xa, "etcd-0", "https://10.0.0.1:2380"),
                member(0xb, "etcd-1", "https://10.0.0.2:2380"), forcedOut, halfAdded);
        assertEquals(List.of(forcedOut, halfAdded), MembershipPlan.stale(members, ROSTER));
    }

    @Test
    void anEntryWithoutAnIdYetIsFoundByItsPeerUrl() {
        Roster.Entry fresh = new Roster.Entry("", "etcd-0", "https://10.0.0.1:2380", MemberRole.VOTER, "", InitialClusterState.NEW);
        Member m = member(0xa, "etcd-0", "https://10.0.0.1:2380");
        assertEquals(Optional.of(m), MembershipPlan.memberOf(List.of(m), fresh));
    }
}
