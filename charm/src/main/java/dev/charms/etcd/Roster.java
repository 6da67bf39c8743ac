package dev.charms.etcd;

import dev.charms.etcd.state.MemberRole;
import dev.charms.etcd.workload.InitialClusterState;
import dev.charms.ops.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The units the leader has admitted into etcd membership, kept by the leader in the peer application
 * bag (key {@code members}) as JSON: unit name to its member id, member name, peer URL, role
 * ({@code learner} until promoted, then {@code voter}), the initial-cluster string the unit must
 * start with, and its initial-cluster-state ({@code new} or {@code existing}). It is the charm's memory of what it asked etcd to do; etcd's own member list stays the
 * truth for what etcd did.
 */
public final class Roster {
    /**
     * One admitted unit. {@code memberId} is etcd's member id in hex; {@code clusterState} is
     * {@link InitialClusterState#NEW} only for the members of the initial cluster, until a learner is
     * added.
     */
    public record Entry(String memberId, String memberName, String peerUrl, MemberRole role, String initialCluster,
                        InitialClusterState clusterState) {
        public boolean isLearner() {
            return role == MemberRole.LEARNER;
        }

        public Entry withRole(MemberRole newRole) {
            return new Entry(memberId, memberName, peerUrl, newRole, initialCluster, clusterState);
        }

        public Entry withPeerUrl(String newPeerUrl) {
            return new Entry(memberId, memberName, newPeerUrl, role, initialCluster, clusterState);
        }

        public Entry existing() {
            return new Entry(memberId, memberName, peerUrl, role, initialCluster, InitialClusterState.EXISTING);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", memberId);
            m.put("name", memberName);
            m.put("peer-url", peerUrl);
            m.put("role", role.wire());
            m.put("initial-cluster", initialCluster);
            m.put("cluster-state", clusterState.etcdName());
            return m;
        }
    }

    private final TreeMap<String, Entry> entries;

    private Roster(Map<String, Entry> entries) {
        this.entries = new TreeMap<>(Units.ORDER);
        this.entries.putAll(entries);
    }

    public static Roster empty() {
        return new Roster(Map.of());
    }

    /** Parses the bag value; a corrupt value is an error naming the key (it is the leader's own write). */
    public static Roster parse(String json) {
        if (json == null || json.isBlank()) {
            return empty();
        }
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("peer data 'members' is corrupt: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalStateException("peer data 'members' is corrupt: not a JSON object");
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> v)) {
                throw new IllegalStateException("peer data 'members' is corrupt at " + e.getKey());
            }
            out.put(String.valueOf(e.getKey()), new Entry(str(v.get("id")), str(v.get("name")), str(v.get("peer-url")),
                    MemberRole.parse(str(v.get("role"))), str(v.get("initial-cluster")),
                    "new".equals(str(v.get("cluster-state"))) ? InitialClusterState.NEW : InitialClusterState.EXISTING));
        }
        return new Roster(out);
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        entries.forEach((unit, e) -> m.put(unit, e.toJson()));
        return Json.write(m);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    public Entry get(String unit) {
        return entries.get(unit);
    }

    public boolean contains(String unit) {
        return entries.containsKey(unit);
    }

    /** Entries in unit order (etcd/0, etcd/1, ..., etcd/10). */
    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    public Roster with(String unit, Entry entry) {
        Map<String, Entry> m = new LinkedHashMap<>(entries);
        m.put(unit, entry);
        return new Roster(m);
    }

    public Roster without(String unit) {
        Map<String, Entry> m = new LinkedHashMap<>(entries);
        m.remove(unit);
        return new Roster(m);
    }

    /** The voting members: the roster without its pending learner (a learner answers no quorum read). */
    public Roster votingMembers() {
        String learner = pendingLearner();
        return learner == null ? this : without(learner);
    }

    /** The unit admitted as a learner and not yet promoted, if any (at most one at a time). */
    public String pendingLearner() {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().isLearner()) {
                return e.getKey();
            }
        }
        return null;
    }
}
