package dev.charms.etcd.actions;

import dev.charms.etcd.workload.MemberStatus;
import java.net.URI;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code rebuild-cluster} decides before it changes anything, from a {@link ClusterHealth.Report}
 * taken on the leader: whether the cluster really lost its quorum (fewer voting members answer than a
 * quorum needs), which answering member holds the most data (the highest applied raft index: the
 * source of the rebuild), and which silent voting members belong to units that are still deployed
 * (they may be alive behind a network partition, with a quorum of their own).
 */
public final class RebuildPlan {
    private final ClusterHealth.Report report;
    private final String localMember;
    private final Map<String, String> deployed;

    /**
     * @param report the health of every member etcd lists, as this unit sees it
     * @param localMember this unit's member name
     * @param deployed member name to unit name of every other unit still in the peer relation
     */
    public RebuildPlan(ClusterHealth.Report report, String localMember, Map<String, String> deployed) {
        this.report = report;
        this.localMember = localMember;
        this.deployed = Map.copyOf(deployed);
    }

    private List<ClusterHealth.MemberHealth> voters() {
        return report.members().stream().filter(m -> !m.role().equals("learner")).toList();
    }

    /** Voting members that answered. */
    public long reachableVoters() {
        return voters().stream().filter(ClusterHealth.MemberHealth::reachable).count();
    }

    /** Whether fewer voting members answer than a quorum needs. */
    public boolean quorumLost() {
        return reachableVoters() < report.quorum();
    }

    /**
     * Silent voting members whose unit is still in the peer relation (member name to unit name), in unit
     * order (etcd/2 before etcd/10).
     */
    public Map<String, String> silentButDeployed() {
        Map<String, String> out = new LinkedHashMap<>();
        voters().stream().filter(m -> !m.reachable() && deployed.containsKey(m.member().name()))
                .sorted(Comparator.comparing((ClusterHealth.MemberHealth m) -> unitNumber(deployed.get(m.member().name())))
                        .thenComparing(ClusterHealth.MemberHealth::key))
                .forEach(m -> out.put(m.key(), deployed.get(m.member().name())));
        return out;
    }

    /**
     * Members of units that are neither this one nor in the peer relation (their machines are gone): the
     * new cluster leaves them out. Result keys, in unit order.
     */
    public List<String> gone() {
        return report.members().stream()
                .filter(m -> !m.member().name().equals(localMember) && !deployed.containsKey(m.member().name()))
                .sorted(Comparator.comparing((ClusterHealth.MemberHealth m) -> unitNumber(m.member().name().replace('-', '/')))
                        .thenComparing(ClusterHealth.MemberHealth::key))
                .map(ClusterHealth.MemberHealth::key).toList();
    }

    private static long unitNumber(String unit) {
        try {
            return Long.parseLong(unit.substring(unit.lastIndexOf('/') + 1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * The answering member holding the most data: the highest applied raft index; on a tie this unit's
     * own member (no copy over the network), then a voting member, then by name.
     */
    public Optional<ClusterHealth.MemberHealth> source() {
        Comparator<ClusterHealth.MemberHealth> best = Comparator
                .comparingLong((ClusterHealth.MemberHealth m) -> m.status().orElseThrow().raftAppliedIndex())
                .thenComparing(m -> m.member().name().equals(localMember))
                .thenComparing(m -> !m.role().equals("learner"))
                .thenComparing(ClusterHealth.MemberHealth::key, Comparator.reverseOrder());
        return report.members().stream().filter(m -> m.reachable() && m.endpoint().isPresent()).max(best);
    }

    /**
     * Why the rebuild must not go ahead, if it must not: the cluster still has a quorum; no member
     * answers; or (unless {@code force}) silent voting members whose units are still deployed.
     */
    public Optional<String> refusal(boolean force) {
        int voters = voters().size();
        if (!quorumLost()) {
            String leader = report.leader().equals("none")
                    ? "but no raft leader yet: an election is under way, or they cannot reach each other"
                    : "and " + report.leader() + " leads";
            return Optional.of("the cluster has not lost its quorum: " + reachableVoters() + " of " + voters
                    + " voting members answer (" + report.quorum() + " needed) " + leader + ". rebuild-cluster is"
                    + " only for a cluster that lost a majority of its members; nothing was changed (remove a dead"
                    + " unit with juju remove-unit, or roll back with the restore action)");
        }
        if (source().isEmpty()) {
            return Optional.of("no member of the cluster answers, so there is no data to rebuild from: start etcd on a"
                    + " surviving unit, or restore a snapshot with the restore action");
        }
        Map<String, String> silent = silentButDeployed();
        if (!force && !silent.isEmpty()) {
            String units = String.join(" ", silent.values());
            return Optional.of(String.join(", ", silent.keySet()) + (silent.size() == 1 ? " does" : " do")
                    + " not answer, but " + (silent.size() == 1 ? "its unit is" : "their units are") + " still deployed ("
                    + units + "): they may be alive on the other side of a network partition, with a quorum of their"
                    + " own. If their machines are gone, remove them first (juju remove-unit --force " + units
                    + ") and run rebuild-cluster again once this unit has seen them leave (its cluster-relation-departed"
                    + " hooks); force=true rebuilds anyway and discards whatever they hold. Nothing was changed");
        }
        return Optional.empty();
    }

    /** {@code members.<name>.*}: role, whether it answered, its applied raft index and revision, its unit. */
    public Map<String, Object> surveyResults() {
        Map<String, Object> each = new LinkedHashMap<>();
        for (ClusterHealth.MemberHealth m : report.members()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("role", m.role());
            r.put("reachable", m.reachable());
            m.status().ifPresent(s -> {
                r.put("raft-applied-index", s.raftAppliedIndex());
                r.put("revision", s.revision());
            });
            String name = m.member().name();
            r.put("unit", name.equals(localMember) ? "this unit" : deployed.containsKey(name) ? deployed.get(name)
                    : "gone (not in the peer relation)");
            each.put(m.key(), r);
        }
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("voters", voters().size());
        cluster.put("reachable-voters", reachableVoters());
        cluster.put("quorum", report.quorum());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cluster", cluster);
        out.put("members", each);
        return out;
    }

    /** {@code source.*}: the member the cluster is rebuilt from. */
    public Map<String, Object> sourceResults() {
        ClusterHealth.MemberHealth m = source().orElseThrow();
        MemberStatus s = m.status().orElseThrow();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", m.key());
        out.put("endpoint", m.endpoint().map(URI::toString).orElse("none"));
        out.put("raft-applied-index", s.raftAppliedIndex());
        out.put("revision", s.revision());
        return out;
    }
}
