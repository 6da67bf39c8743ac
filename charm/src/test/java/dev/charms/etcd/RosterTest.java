package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.state.MemberRole;
import dev.charms.etcd.workload.InitialClusterState;
import java.util.List;
import org.junit.jupiter.api.Test;

class RosterTest {
    private static Roster.Entry entry(String name, MemberRole role) {
        return new Roster.Entry("8e9e05c52164694d", name, "https://10.0.0.1:2380", role, name + "=https://10.0.0.1:2380",
                InitialClusterState.EXISTING);
    }

    @Test
    void roundTripKeepsEveryFieldAndNumericUnitOrder() {
        Roster r = Roster.empty().with("etcd/10", entry("etcd-10", MemberRole.VOTER)).with("etcd/2", entry("etcd-2", MemberRole.LEARNER))
                .with("etcd/1", entry("etcd-1", MemberRole.VOTER));
        Roster back = Roster.parse(r.toJson());
        assertEquals(List.of("etcd/1", "etcd/2", "etcd/10"), List.copyOf(back.entries().keySet()));
        assertEquals(r.get("etcd/2"), back.get("etcd/2"));
        assertEquals("etcd/2", back.pendingLearner());
        assertEquals(2, back.entries().values().stream().filter(e -> !e.isLearner()).count());
    }

    @Test
    void theJsonKeepsItsWireValuesForRolesAndClusterStates() {
        String json = Roster.empty().with("etcd/2", entry("etcd-2", MemberRole.LEARNER))
                .with("etcd/0", new Roster.Entry("a", "etcd-0", "u", MemberRole.VOTER, "", InitialClusterState.NEW)).toJson();
        assertTrue(json.contains("\"role\":\"learner\"") && json.contains("\"role\":\"voter\""), json);
        assertTrue(json.contains("\"cluster-state\":\"existing\"") && json.contains("\"cluster-state\":\"new\""), json);
    }

    @Test
    void withoutAndRoleChanges() {
        Roster r = Roster.empty().with("etcd/0", entry("etcd-0", MemberRole.LEARNER));
        assertEquals(MemberRole.VOTER, r.with("etcd/0", r.get("etcd/0").withRole(MemberRole.VOTER)).get("etcd/0").role());
        assertTrue(r.without("etcd/0").isEmpty());
        assertNull(Roster.empty().pendingLearner());
        assertEquals(InitialClusterState.EXISTING, new Roster.Entry("", "a", "u", MemberRole.VOTER, "", InitialClusterState.NEW).existing().clusterState());
    }

    @Test
    void emptyAndCorruptValues() {
        assertTrue(Roster.parse(null).isEmpty());
        assertTrue(Roster.parse("").isEmpty());
        assertEquals("peer data 'members' is corrupt: not a JSON object",
                assertThrows(IllegalStateException.class, () -> Roster.parse("[1]")).getMessage());
        assertTrue(assertThrows(IllegalStateException.class, () -> Roster.parse("{oops")).getMessage()
                .startsWith("peer data 'members' is corrupt: malformed JSON"));
    }

    @Test
    void unitHelpers() {
        assertEquals("etcd-3", Units.memberName("etcd/3"));
        assertEquals("cert-etcd-3", Units.certKey("etcd/3"));
        assertTrue(Units.ORDER.compare("etcd/2", "etcd/10") < 0);
    }
}
