package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.EtcdCluster.KvHash;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.ActionFailedException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code check-consistency} action: every member hashes its keyspace up to the same revision
 * ({@code etcdctl endpoint hashkv}), and the hashes are compared. Members holding the same data give
 * the same hash, so a member whose hash differs from the others' has diverged (data corruption, or a
 * bug), which etcd's own checks may not have caught yet. The revision is the cluster's current one when
 * the check starts; a member that has not applied it yet is asked again for a short while.
 */
public final class ConsistencyCheck {
    /** Every member answered with the same hash. */
    public static final String CONSISTENT = "consistent";
    /** Members answered with different hashes. */
    public static final String INCONSISTENT = "inconsistent";
    /** The members that answered agree, but some did not answer. */
    public static final String INCOMPLETE = "incomplete";

    /** How long a member that is behind (a "future revision" to it) is asked again. */
    static final long CATCH_UP_MILLIS = 3000;

    private final EtcdCluster admin;
    private final MemberEndpoints endpoints;

    /** Checks the cluster {@code admin} reaches, asking each member at {@code endpoints}. */
    public ConsistencyCheck(EtcdCluster admin, MemberEndpoints endpoints) {
        this.admin = admin;
        this.endpoints = endpoints;
    }

    /**
     * One member's answer: its hash, or why there is none.
     *
     * @param key result key (member name, or member-&lt;id&gt; while unstarted)
     * @param hash its hash and compaction revision, when it answered
     * @param error why it did not
     */
    public record Answer(String key, Optional<KvHash> hash, String error) {
    }

    /** Hashes every member's keyspace at the current revision and compares them. */
    public Map<String, Object> check() {
        List<Member> members;
        long revision;
        try {
            members = admin.memberList();
            revision = admin.currentRevision();
        } catch (RuntimeException e) {
            throw new ActionFailedException("no etcd member answers: " + e.getMessage());
        }
        List<Answer> answers = MemberCalls.askEach(members, m -> ask(m, revision), "hashkv",
                "hashing the members' keyspaces");
        return summarize(revision, answers);
    }

    private Answer ask(Member m, long revision) {
        String key = MemberEndpoints.key(m);
        Optional<URI> url = endpoints.of(m);
        if (url.isEmpty()) {
            return new Answer(key, Optional.empty(), "not started yet (no client URL)");
        }
        long deadline = System.currentTimeMillis() + CATCH_UP_MILLIS;
        while (true) {
            try {
                return new Answer(key, Optional.of(admin.hashKv(url.get(), revision)), "");
            } catch (RuntimeException e) {
                String message = String.valueOf(e.getMessage());
                if (message.contains("future revision") && System.currentTimeMillis() < deadline) {
                    MemberCalls.pause(100, "waiting for a member to catch up");
                    continue;
                }
                if (message.contains("required revision has been compacted")) {
                    return compactedAt(key, url.get(), revision);
                }
                return new Answer(key, Optional.empty(), "unreachable: " + message);
            }
        }
    }

    /**
     * etcd refuses a hash at its compaction revision itself (right after {@code compact} with no write
     * since): the member's current revision is then hashed instead, and counts if it is still that one.
     */
    private Answer compactedAt(String key, URI url, long revision) {
        try {
            KvHash now = admin.hashKv(url, 0);
            if (now.currentRevision() == revision) {
                return new Answer(key, Optional.of(now), "");
            }
            return new Answer(key, Optional.empty(), "its revision moved from " + revision + " to " + now.currentRevision()
                    + " during the check; run it again");
        } catch (RuntimeException e) {
            return new Answer(key, Optional.empty(), "unreachable: " + e.getMessage());
        }
    }

    /**
     * The results for {@code answers} at {@code revision}: {@code status} (consistent, inconsistent or
     * incomplete), a one-line {@code message}, and each member's hash or error. Hashes are compared
     * among members with the same compaction revision (a hash covers the revisions after it); members
     * still on an older compaction are named, and not counted as disagreeing.
     */
    public static Map<String, Object> summarize(long revision, List<Answer> answers) {
        Map<String, Object> each = new LinkedHashMap<>();
        for (Answer a : answers) {
            Map<String, Object> m = new LinkedHashMap<>();
            a.hash().ifPresent(h -> {
                m.put("hash", h.hash());
                m.put("compact-revision", h.compactRevision());
            });
            if (!a.error().isEmpty()) {
                m.put("error", a.error());
            }
            each.put(a.key(), m);
        }
        List<Answer> answered = answers.stream().filter(a -> a.hash().isPresent()).toList();
        List<String> missing = answers.stream().filter(a -> a.hash().isEmpty()).map(Answer::key).toList();
        long compact = answered.stream().mapToLong(a -> a.hash().get().compactRevision()).max().orElse(0);
        List<String> behind = answered.stream().filter(a -> a.hash().get().compactRevision() != compact)
                .map(Answer::key).toList();
        Map<Long, List<String>> byHash = new TreeMap<>();
        for (Answer a : answered) {
            if (a.hash().get().compactRevision() == compact) {
                byHash.computeIfAbsent(a.hash().get().hash(), h -> new ArrayList<>()).add(a.key());
            }
        }
        String status;
        String message;
        if (answered.isEmpty()) {
            throw new ActionFailedException("no member could hash its keyspace: " + answers.stream()
                    .map(a -> a.key() + " " + a.error()).collect(Collectors.joining("; ")));
        } else if (byHash.size() > 1) {
            status = INCONSISTENT;
            message = "members disagree on the keyspace at revision " + revision + ": " + byHash.entrySet().stream()
                    .map(e -> String.join(", ", e.getValue()) + " hash " + e.getKey()).collect(Collectors.joining("; "))
                    + "; the data of the minority has diverged: replace those members (remove-unit, add-unit) or"
                    + " restore from a snapshot";
        } else if (!missing.isEmpty() || !behind.isEmpty()) {
            status = INCOMPLETE;
            List<String> unchecked = new ArrayList<>(missing);
            unchecked.addAll(behind);
            message = answered.size() - behind.size() + " of " + answers.size() + " members agree at revision "
                    + revision + "; not compared: " + String.join(", ", unchecked)
                    + (behind.isEmpty() ? "" : " (" + String.join(", ", behind) + " not yet compacted to " + compact + ")");
        } else {
            status = CONSISTENT;
            message = answers.size() + " of " + answers.size() + " members agree on the keyspace at revision " + revision;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", status);
        out.put("message", message);
        out.put("revision", revision);
        out.put("compact-revision", compact);
        out.put("members", each);
        return out;
    }
}
