package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.ActionFailedException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code member-list} action: id (hex), name, peer and client URLs, learner flag and raft-leader
 * flag of every member. The leader is asked of the members in turn; "unknown" when none knows one.
 */
public final class MemberListing {
    /**
     * One listed member.
     *
     * @param key result key
     * @param member the member
     * @param leader whether it is the raft leader
     */
    public record Entry(String key, Member member, boolean leader) {
        Map<String, Object> toResults() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", member.idHex());
            m.put("name", member.started() ? member.name() : "(not started)");
            m.put("peer-urls", join(member.peerUrls()));
            m.put("client-urls", member.clientUrls().isEmpty() ? "none" : join(member.clientUrls()));
            m.put("learner", member.learner());
            m.put("leader", leader);
            return m;
        }
    }

    /**
     * The listing.
     *
     * @param entries members in etcd's order
     * @param leaderKnown whether some member named a raft leader
     */
    public record Listing(List<Entry> entries, boolean leaderKnown) {
        /** Results: {@code count}, {@code leader} and {@code members.<name>.*}. */
        public Map<String, Object> toResults() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("count", entries.size());
            out.put("leader", entries.stream().filter(Entry::leader).map(Entry::key).findFirst()
                    .orElse(leaderKnown ? "not a listed member" : "unknown"));
            Map<String, Object> members = new LinkedHashMap<>();
            entries.forEach(e -> members.put(e.key(), e.toResults()));
            out.put("members", members);
            return out;
        }
    }

    private final EtcdCluster admin;
    private final MemberEndpoints endpoints;

    /** Lists the members of the cluster {@code admin} reaches. */
    public MemberListing(EtcdCluster admin, MemberEndpoints endpoints) {
        this.admin = admin;
        this.endpoints = endpoints;
    }

    /** The member list; {@link ActionFailedException} when no member answers. */
    public Listing list() {
        List<Member> members = MemberCalls.list(admin);
        long leader = 0;
        for (Member m : members) {
            Optional<URI> url = endpoints.of(m);
            if (url.isEmpty()) {
                continue;
            }
            try {
                leader = admin.status(url.get()).leaderId();
            } catch (RuntimeException unreachable) {
                continue;
            }
            if (leader != 0) {
                break;
            }
        }
        long leaderId = leader;
        List<Entry> entries = members.stream()
                .map(m -> new Entry(MemberEndpoints.key(m), m, leaderId != 0 && m.id() == leaderId)).toList();
        return new Listing(entries, leaderId != 0);
    }

    private static String join(List<URI> urls) {
        return urls.stream().map(URI::toString).collect(Collectors.joining(","));
    }
}
