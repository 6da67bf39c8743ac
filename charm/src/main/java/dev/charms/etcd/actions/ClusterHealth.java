package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Alarm;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.MemberStatus;
import dev.charms.ops.ActionFailedException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code health} action: every member from etcd's member list, asked for its own status in
 * parallel (reachable, raft role, term, index, DB size, version, alarms, round-trip time), and a
 * cluster summary: {@code healthy}, {@code degraded} (what is wrong) or {@code unhealthy} (no raft
 * leader, or fewer reachable voting members than quorum). Answers with what it knows while members
 * are down; fails only when no member answers at all.
 */
public final class ClusterHealth {
    /** Summary states. */
    public static final String HEALTHY = "healthy";
    /** Works, with problems. */
    public static final String DEGRADED = "degraded";
    /** No leader or no quorum. */
    public static final String UNHEALTHY = "unhealthy";
    /** A member's alarms when the cluster is unhealthy: etcd lists alarms only through raft. */
    static final String ALARMS_UNKNOWN = "unknown (etcd lists alarms only with a quorum)";

    /**
     * One member's health.
     *
     * @param key result key (member name, or member-&lt;id&gt; while unstarted)
     * @param member the member as etcd lists it
     * @param endpoint the URL asked (empty when it has none)
     * @param status its status, when it answered
     * @param role leader, follower or learner; for an unreachable member what the others know
     *             (leader or learner), else unknown
     * @param alarms active alarms raised by this member
     * @param rttMillis round-trip time of a status call on a warm connection
     * @param error why it did not answer
     */
    public record MemberHealth(String key, Member member, Optional<URI> endpoint, Optional<MemberStatus> status,
                               String role, List<String> alarms, long rttMillis, String error) {
        /** Whether it answered. */
        public boolean reachable() {
            return status.isPresent();
        }

        Map<String, Object> toResults() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", member.idHex());
            m.put("reachable", reachable());
            m.put("role", role);
            m.put("endpoint", endpoint.map(URI::toString).orElse("none"));
            status.ifPresent(s -> {
                m.put("raft-term", s.raftTerm());
                m.put("raft-index", s.raftIndex());
                m.put("db-size-bytes", s.dbSize());
                m.put("db-in-use-bytes", s.dbSizeInUse());
                m.put("version", s.version());
                m.put("rtt-ms", rttMillis);
            });
            m.put("alarms", alarms.isEmpty() ? "none" : String.join(",", alarms));
            if (!error.isEmpty()) {
                m.put("error", error);
            }
            return m;
        }
    }

    /**
     * The whole answer.
     *
     * @param status healthy, degraded or unhealthy
     * @param message what is wrong, or a one-line summary
     * @param leader name (key) of the raft leader, or "none"
     * @param members every member, in member-list order
     */
    public record Report(String status, String message, String leader, List<MemberHealth> members) {
        /** Voting members (learners do not count towards quorum). */
        public int voters() {
            return (int) members.stream().filter(m -> !m.role().equals("learner")).count();
        }

        /** Voting members needed for quorum. */
        public int quorum() {
            return voters() / 2 + 1;
        }

        /**
         * How many more voting members may fail before quorum is lost, counting only those that answered
         * now: 1 for three healthy voters, 0 for three with one down (or for two, or four with one down).
         */
        public int failuresTolerated() {
            long reachable = members.stream().filter(m -> !m.role().equals("learner") && m.reachable()).count();
            return (int) Math.max(0, reachable - quorum());
        }

        /** Results: {@code cluster.*} and {@code members.<name>.*}. */
        public Map<String, Object> toResults() {
            Map<String, Object> cluster = new LinkedHashMap<>();
            cluster.put("status", status);
            cluster.put("message", message);
            cluster.put("leader", leader);
            cluster.put("members", members.size());
            cluster.put("reachable", members.stream().filter(MemberHealth::reachable).count());
            cluster.put("voters", voters());
            cluster.put("quorum", quorum());
            cluster.put("failures-tolerated", failuresTolerated());
            Map<String, Object> each = new LinkedHashMap<>();
            for (MemberHealth m : members) {
                Map<String, Object> r = m.toResults();
                if (UNHEALTHY.equals(status)) {
                    r.put("alarms", ALARMS_UNKNOWN); // not asked: see check()
                }
                each.put(m.key(), r);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("cluster", cluster);
            out.put("members", each);
            return out;
        }
    }

    private final EtcdCluster admin;
    private final MemberEndpoints endpoints;

    /** Health of the cluster {@code admin} reaches, asking each member at {@code endpoints}. */
    public ClusterHealth(EtcdCluster admin, MemberEndpoints endpoints) {
        this.admin = admin;
        this.endpoints = endpoints;
    }

    /**
     * Checks every member; throws {@link ActionFailedException} only when no member answers. Alarms are
     * asked for only when a quorum of voting members answers and knows a leader: etcd serves the alarm
     * list through raft, so without a quorum the call would only cost a timeout per endpoint.
     */
    public Report check() {
        List<Member> members;
        try {
            members = admin.memberList();
        } catch (RuntimeException e) {
            throw new ActionFailedException("no etcd member answers (" + admin.endpoints().size()
                    + " endpoints tried): " + e.getMessage());
        }
        List<Probe> probes = probeAll(members);
        long leaderId = leaderId(probes);
        long voters = probes.stream().filter(p -> !isLearner(p)).count();
        long reachableVoters = probes.stream().filter(p -> !isLearner(p) && p.status().isPresent()).count();
        Map<Long, List<String>> alarms = new HashMap<>();
        String alarmError = "";
        if (leaderId != 0 && reachableVoters >= voters / 2 + 1) {
            try {
                for (Alarm a : admin.alarms()) {
                    alarms.computeIfAbsent(a.memberId(), id -> new ArrayList<>()).add(a.type());
                }
            } catch (RuntimeException e) {
                alarmError = "alarm list failed: " + e.getMessage();
            }
        }
        List<MemberHealth> out = new ArrayList<>();
        for (Probe p : probes) {
            out.add(new MemberHealth(MemberEndpoints.key(p.member()), p.member(), p.endpoint(), p.status(),
                    role(p, leaderId), alarms.getOrDefault(p.member().id(), List.of()), p.rttMillis(), p.error()));
        }
        return summarize(out, leaderId, alarmError);
    }

    private static boolean isLearner(Probe p) {
        return p.status().map(MemberStatus::isLearner).orElse(p.member().learner());
    }

    private record Probe(Member member, Optional<URI> endpoint, Optional<MemberStatus> status, long rttMillis,
                         String error) {
    }

    private List<Probe> probeAll(List<Member> members) {
        return MemberCalls.askEach(members, this::probe, "health-probe", "checking members");
    }

    private Probe probe(Member m) {
        Optional<URI> url = endpoints.of(m);
        if (url.isEmpty()) {
            return new Probe(m, url, Optional.empty(), 0, "not started yet (no client URL)");
        }
        try {
            MemberStatus status = admin.status(url.get());
            long rtt = admin.roundTripMillis(url.get());
            return new Probe(m, url, Optional.of(status), rtt, "");
        } catch (RuntimeException e) {
            return new Probe(m, url, Optional.empty(), 0, "unreachable: " + e.getMessage());
        }
    }

    /** The leader most reachable members agree on (0: none). */
    private static long leaderId(List<Probe> probes) {
        Map<Long, Long> votes = probes.stream().flatMap(p -> p.status().stream()).map(MemberStatus::leaderId)
                .filter(id -> id != 0).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(0L);
    }

    private static String role(Probe p, long leaderId) {
        if (isLearner(p)) {
            return "learner";
        }
        if (leaderId != 0 && p.member().id() == leaderId) {
            return "leader";
        }
        return p.status().isPresent() ? "follower" : "unknown";
    }

    private static Report summarize(List<MemberHealth> members, long leaderId, String alarmError) {
        String leader = members.stream().filter(m -> m.member().id() == leaderId).map(MemberHealth::key)
                .findFirst().orElse("none");
        List<MemberHealth> voters = members.stream().filter(m -> !m.role().equals("learner")).toList();
        long reachableVoters = voters.stream().filter(MemberHealth::reachable).count();
        int quorum = voters.size() / 2 + 1;
        if (leaderId == 0) {
            return new Report(UNHEALTHY, "no raft leader: " + reachableVoters + " of " + voters.size()
                    + " voting members reachable, none knows a leader", leader, members);
        }
        if (reachableVoters < quorum) {
            return new Report(UNHEALTHY, "no quorum: " + reachableVoters + " of " + voters.size()
                    + " voting members reachable, " + quorum + " needed", leader, members);
        }
        List<String> problems = new ArrayList<>();
        List<String> down = members.stream().filter(m -> !m.reachable()).map(MemberHealth::key).toList();
        if (!down.isEmpty()) {
            problems.add(down.size() + " of " + members.size() + " members unreachable (" + String.join(", ", down) + ")");
        }
        for (MemberHealth m : members) {
            for (String alarm : m.alarms()) {
                problems.add("alarm " + alarm + " on " + m.key());
            }
        }
        List<String> disagree = members.stream().filter(m -> m.status().isPresent()
                && m.status().get().leaderId() != leaderId).map(MemberHealth::key).toList();
        if (!disagree.isEmpty()) {
            problems.add("no agreement on the raft leader (" + String.join(", ", disagree) + " see another or none)");
        }
        if (!alarmError.isEmpty()) {
            problems.add(alarmError);
        }
        if (!problems.isEmpty()) {
            return new Report(DEGRADED, String.join("; ", problems), leader, members);
        }
        long learners = members.size() - voters.size();
        String message = voters.size() + " of " + voters.size() + " voting members healthy, leader " + leader
                + (learners == 0 ? "" : ", " + learners + " learner" + (learners == 1 ? "" : "s") + " catching up");
        return new Report(HEALTHY, message, leader, members);
    }
}
