package dev.charms.etcd.actions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.MemberStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Quorum arithmetic of the health report, for sizes the integration tests do not build. */
class ClusterHealthReportTest {
    private static ClusterHealth.MemberHealth member(int i, String role, boolean up) {
        URI url = URI.create("https://10.0.0." + i + ":2379");
        Member m = new Member(i, "etcd-" + i, List.of(URI.create("https://10.0.0." + i + ":2380")), List.of(url),
                role.equals("learner"));
        Optional<MemberStatus> status = up ? Optional.of(new MemberStatus(url, i, 1, 2, 10, 10, 5, 4096, 4096, "3.4.23",
                role.equals("learner"), List.of())) : Optional.empty();
        return new ClusterHealth.MemberHealth("etcd-" + i, m, Optional.of(url), status, up ? role : "unknown", List.of(), 1,
                up ? "" : "unreachable: refused");
    }

    /** {@code roles}: one letter per member, V voter up, D voter down, L learner up. */
    private static List<Object> quorum(String roles) {
        List<ClusterHealth.MemberHealth> members = new ArrayList<>();
        for (int i = 0; i < roles.length(); i++) {
            char c = roles.charAt(i);
            members.add(member(i + 1, c == 'L' ? "learner" : i == 0 ? "leader" : "follower", c != 'D'));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> cluster = (Map<String, Object>) new ClusterHealth.Report("healthy", "m", "etcd-1", members)
                .toResults().get("cluster");
        return List.of(cluster.get("voters"), cluster.get("quorum"), cluster.get("failures-tolerated"));
    }

    @Test
    void failuresToleratedCountsVotersThatAnswerAgainstQuorum() {
        assertEquals(List.of(1, 1, 0), quorum("V"));
        assertEquals(List.of(2, 2, 0), quorum("VV"), "two voters tolerate no failure");
        assertEquals(List.of(3, 2, 1), quorum("VVV"));
        assertEquals(List.of(3, 2, 0), quorum("VVD"));
        assertEquals(List.of(4, 3, 1), quorum("VVVV"), "four tolerate no more than three");
        assertEquals(List.of(4, 3, 0), quorum("VVVD"));
        assertEquals(List.of(5, 3, 2), quorum("VVVVV"));
        assertEquals(List.of(5, 3, 0), quorum("VVVDD"));
        assertEquals(List.of(3, 2, 1), quorum("VVVL"), "a learner is no voter");
        assertEquals(List.of(3, 2, 0), quorum("VDDL"), "below quorum: none, not negative");
    }

    @Test
    void alarmsAreUnknownWithoutAQuorum() {
        List<ClusterHealth.MemberHealth> members = List.of(member(1, "follower", true), member(2, "unknown", false),
                member(3, "unknown", false));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> each = (Map<String, Map<String, Object>>) new ClusterHealth.Report(
                ClusterHealth.UNHEALTHY, "no quorum", "none", members).toResults().get("members");
        assertEquals("unknown (etcd lists alarms only with a quorum)", each.get("etcd-1").get("alarms"));
        assertEquals("unknown (etcd lists alarms only with a quorum)", each.get("etcd-3").get("alarms"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> healthy = (Map<String, Map<String, Object>>) new ClusterHealth.Report(
                ClusterHealth.DEGRADED, "1 of 3 unreachable", "etcd-1", members).toResults().get("members");
        assertEquals("none", healthy.get("etcd-1").get("alarms"));
    }
}
