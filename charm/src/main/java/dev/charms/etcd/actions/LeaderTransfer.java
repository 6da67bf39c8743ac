package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.MemberStatus;
import dev.charms.ops.ActionFailedException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code move-leader} action: hands raft leadership to a chosen voting member (before maintenance on
 * the leader's machine, or to put the leader next to its heaviest client). {@code member} names the new
 * leader as a member name ({@code etcd-1}) or a unit name ({@code etcd/1}); empty means this unit's
 * member. Learners and members that have not started cannot lead, and are refused before anything moves.
 */
public final class LeaderTransfer {
    /** How long the new leader has to show up in its own status after etcd accepted the transfer. */
    static final Duration SETTLE = Duration.ofSeconds(10);

    private final EtcdCluster admin;
    private final MemberEndpoints endpoints;

    /** Transfers leadership in the cluster {@code admin} reaches; members are asked at {@code endpoints}. */
    public LeaderTransfer(EtcdCluster admin, MemberEndpoints endpoints) {
        this.admin = admin;
        this.endpoints = endpoints;
    }

    /**
     * The member the {@code member} parameter names among {@code members}: empty means {@code localName};
     * a unit name is accepted for its member name. Unknown names, learners and unstarted members are an
     * {@link ActionFailedException} naming the members that could lead.
     */
    public static Member select(String param, String localName, List<Member> members) {
        String wanted = param == null ? "" : param.strip();
        String name = wanted.isEmpty() ? localName : wanted.replace('/', '-');
        String voters = members.stream().filter(m -> m.started() && !m.learner()).map(Member::name).sorted()
                .collect(Collectors.joining(", "));
        for (Member m : members) {
            if (m.started() && m.name().equals(name)) {
                if (m.learner()) {
                    throw new ActionFailedException("member " + name + " is a learner (still catching up) and cannot "
                            + "lead; voting members: " + voters);
                }
                return m;
            }
        }
        throw new ActionFailedException((wanted.isEmpty() ? "this unit's member " + name + " is not in the cluster"
                : "no member named '" + wanted + "'") + "; voting members: " + voters);
    }

    /** Moves leadership to the selected member; results name the previous and the current leader. */
    public Map<String, Object> move(String param, String localName) {
        List<Member> members = MemberCalls.list(admin);
        Member target = select(param, localName, members);
        URI targetUrl = endpoints.of(target).orElseThrow(() -> new ActionFailedException(
                "member " + target.name() + " has no client URL; leadership was not moved"));
        MemberStatus before;
        try {
            before = admin.status(targetUrl);
        } catch (RuntimeException e) {
            throw new ActionFailedException("member " + target.name() + " is unreachable (" + e.getMessage()
                    + "); leadership was not moved");
        }
        if (before.leaderId() == 0) {
            throw new ActionFailedException("member " + target.name() + " knows no raft leader (an election is "
                    + "running or quorum is lost); leadership was not moved");
        }
        String previous = nameOf(members, before.leaderId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("previous-leader", previous);
        if (before.leaderId() == target.id()) {
            out.put("leader", target.name());
            out.put("moved", false);
            out.put("message", target.name() + " already leads; nothing was moved");
            return out;
        }
        try {
            admin.moveLeader(target.id());
        } catch (RuntimeException e) {
            throw new ActionFailedException("moving leadership from " + previous + " to " + target.name() + " failed: "
                    + e.getMessage() + "; the leader is still " + currentLeader(members).orElse("unknown"));
        }
        long deadline = System.nanoTime() + SETTLE.toNanos();
        MemberStatus after = null;
        while (System.nanoTime() < deadline) {
            try {
                after = admin.status(targetUrl);
                if (after.leaderId() == target.id()) {
                    break;
                }
            } catch (RuntimeException e) {
                // the new leader answers again in a moment
            }
            MemberCalls.pause(100, "waiting for the new leader");
        }
        if (after == null || after.leaderId() != target.id()) {
            throw new ActionFailedException("etcd accepted the transfer to " + target.name() + " but "
                    + currentLeader(members).orElse("no member") + " leads now");
        }
        out.put("leader", target.name());
        out.put("moved", true);
        out.put("term", after.raftTerm());
        out.put("message", "raft leadership moved from " + previous + " to " + target.name());
        return out;
    }

    private Optional<String> currentLeader(List<Member> members) {
        for (Member m : members) {
            Optional<URI> url = endpoints.of(m);
            if (url.isEmpty()) {
                continue;
            }
            try {
                long leader = admin.status(url.get()).leaderId();
                if (leader != 0) {
                    return Optional.of(nameOf(members, leader));
                }
            } catch (RuntimeException e) {
                // ask the next member
            }
        }
        return Optional.empty();
    }

    private static String nameOf(List<Member> members, long id) {
        return members.stream().filter(m -> m.id() == id).findFirst().map(MemberEndpoints::key)
                .orElse("member-" + Long.toHexString(id));
    }
}
