package dev.charms.etcd.actions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.MemberStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decisions of rebuild-cluster: when it may go ahead, and which member it rebuilds from. */
class RebuildPlanTest {
    /**
     * A member: {@code spec} is V (voter answering), D (voter silent), L (learner answering), with the
     * applied raft index it answers with.
     */
    private static ClusterHealth.MemberHealth member(int i, char spec, long applied) {
        URI url = URI.create("https://10.0.0." + i + ":2379");
        boolean learner = spec == 'L';
        boolean up = spec != 'D';
        Member m = new Member(i, "etcd-" + i, List.of(URI.create("https://10.0.0." + i + ":2380")), List.of(url), learner);
        Optional<MemberStatus> status = up ? Optional.of(new MemberStatus(url, i, 0, 7, applied + 1, applied,
                100 + applied, 4096, 4096, "3.4.23", learner, List.of())) : Optional.empty();
        return new ClusterHealth.MemberHealth("etcd-" + i, m, Optional.of(url), status,
                learner ? "learner" : up ? "follower" : "unknown", List.of(), 1, up ? "" : "unreachable: refused");
    }

    /** Members etcd-0.. with {@code specs} (see {@link #member}) and applied indexes {@code applied}. */
    private static ClusterHealth.Report report(String specs, long... applied) {
        List<ClusterHealth.MemberHealth> members = new ArrayList<>();
        for (int i = 0; i < specs.length(); i++) {
            members.add(member(i, specs.charAt(i), applied.length > i ? applied[i] : 0));
        }
        return new ClusterHealth.Report(ClusterHealth.UNHEALTHY, "no quorum", "none", members);
    }

    private static RebuildPlan plan(ClusterHealth.Report report, Map<String, String> deployed) {
        return new RebuildPlan(report, "etcd-0", deployed);
    }

    @Test
    void aClusterThatStillHasItsQuorumIsNotRebuiltEvenWithForce() {
        RebuildPlan plan = plan(report("VVD", 9, 9), Map.of("etcd-1", "etcd/1", "etcd-2", "etcd/2"));
        assertFalse(plan.quorumLost());
        String why = plan.refusal(true).orElseThrow();
        assertTrue(why.startsWith("the cluster has not lost its quorum: 2 of 3 voting members answer (2 needed) but no"
                + " raft leader yet"), why);
        assertTrue(why.contains("nothing was changed"), why);
        // with a leader, the message names it
        ClusterHealth.Report led = new ClusterHealth.Report(ClusterHealth.DEGRADED, "m", "etcd-1", report("VVD").members());
        assertTrue(plan(led, Map.of()).refusal(false).orElseThrow().contains("(2 needed) and etcd-1 leads"));
    }

    @Test
    void learnersDoNotMakeAQuorum() {
        // three voters of which one answers, plus an answering learner: quorum is lost
        RebuildPlan plan = plan(report("VDDL", 5, 0, 0, 5), Map.of());
        assertEquals(1, plan.reachableVoters());
        assertTrue(plan.quorumLost());
        assertEquals(Optional.empty(), plan.refusal(false));
    }

    @Test
    void silentMembersOfDeployedUnitsBlockTheRebuildUnlessForced() {
        RebuildPlan plan = plan(report("VDD", 9), Map.of("etcd-1", "etcd/1", "etcd-2", "etcd/2"));
        assertTrue(plan.quorumLost());
        String why = plan.refusal(false).orElseThrow();
        assertEquals("etcd-1, etcd-2 do not answer, but their units are still deployed (etcd/1 etcd/2): they may be alive"
                + " on the other side of a network partition, with a quorum of their own. If their machines are gone,"
                + " remove them first (juju remove-unit --force etcd/1 etcd/2) and run rebuild-cluster again once this"
                + " unit has seen them leave (its cluster-relation-departed hooks); force=true rebuilds anyway and"
                + " discards whatever they hold. Nothing was changed", why);
        assertEquals(Optional.empty(), plan.refusal(true));
        // named in unit order, whatever order etcd lists them in
        List<ClusterHealth.MemberHealth> shuffled = new ArrayList<>(report("VDDDDDDDDDD", 9).members());
        java.util.Collections.reverse(shuffled);
        Map<String, String> all = new java.util.HashMap<>();
        for (int i = 1; i <= 10; i++) {
            all.put("etcd-" + i, "etcd/" + i);
        }
        String ordered = plan(new ClusterHealth.Report(ClusterHealth.UNHEALTHY, "m", "none", shuffled), all)
                .refusal(false).orElseThrow();
        assertTrue(ordered.startsWith("etcd-1, etcd-2, etcd-3, etcd-4, etcd-5, etcd-6, etcd-7, etcd-8, etcd-9, etcd-10 do"
                + " not answer, but their units are still deployed (etcd/1 etcd/2 etcd/3 etcd/4 etcd/5 etcd/6 etcd/7"
                + " etcd/8 etcd/9 etcd/10)"), ordered);
        // one deployed and silent, one gone: only the deployed one is named
        String one = plan(report("VDD", 9), Map.of("etcd-2", "etcd/2")).refusal(false).orElseThrow();
        assertTrue(one.startsWith("etcd-2 does not answer, but its unit is still deployed (etcd/2)"), one);
        // all silent members gone: no objection
        assertEquals(Optional.empty(), plan(report("VDD", 9), Map.of()).refusal(false));
    }

    @Test
    void theSourceIsTheAnsweringMemberWithTheHighestAppliedIndex() {
        // 5 members, 2 answer: etcd-3 is ahead of this unit's etcd-0
        RebuildPlan plan = plan(report("VDDVD", 40, 0, 0, 52), Map.of("etcd-3", "etcd/3"));
        assertEquals(Optional.empty(), plan.refusal(false));
        assertEquals("etcd-3", plan.source().orElseThrow().key());
        assertEquals(Map.of("member", "etcd-3", "endpoint", "https://10.0.0.3:2379", "raft-applied-index", 52L,
                "revision", 152L), plan.sourceResults());
        // a tie goes to this unit's own member, then to a voter over a learner
        assertEquals("etcd-0", plan(report("VDDV", 52, 0, 0, 52), Map.of()).source().orElseThrow().key());
        assertEquals("etcd-3", plan(report("DDLVD", 0, 0, 52, 52), Map.of()).source().orElseThrow().key());
        // a learner with more data than any answering voter is still the best copy there is
        assertEquals("etcd-2", plan(report("DDLVD", 0, 0, 60, 52), Map.of()).source().orElseThrow().key());
    }

    @Test
    void noAnsweringMemberMeansNothingToRebuildFrom() {
        RebuildPlan plan = plan(report("DDD"), Map.of());
        assertTrue(plan.refusal(true).orElseThrow().startsWith("no member of the cluster answers"));
    }

    @Test
    void theSurveyNamesEachMembersUnit() {
        RebuildPlan plan = plan(report("VVD", 9, 8), Map.of("etcd-1", "etcd/1"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> members = (Map<String, Map<String, Object>>) plan.surveyResults().get("members");
        assertEquals(Map.of("role", "follower", "reachable", true, "raft-applied-index", 9L, "revision", 109L,
                "unit", "this unit"), members.get("etcd-0"));
        assertEquals("etcd/1", members.get("etcd-1").get("unit"));
        assertEquals(Map.of("role", "unknown", "reachable", false, "unit", "gone (not in the peer relation)"),
                members.get("etcd-2"));
        assertEquals(Map.of("voters", 3, "reachable-voters", 2L, "quorum", 2), plan.surveyResults().get("cluster"));
        assertEquals(List.of("etcd-2"), plan.gone());
    }

    @Test
    void goneMembersAreListedInUnitOrder() {
        List<ClusterHealth.MemberHealth> members = new ArrayList<>(report("VDDDDDDDDDDD", 9).members());
        java.util.Collections.reverse(members);
        RebuildPlan plan = plan(new ClusterHealth.Report(ClusterHealth.UNHEALTHY, "m", "none", members),
                Map.of("etcd-1", "etcd/1"));
        assertEquals(List.of("etcd-2", "etcd-3", "etcd-4", "etcd-5", "etcd-6", "etcd-7", "etcd-8", "etcd-9", "etcd-10",
                "etcd-11"), plan.gone());
    }
}
