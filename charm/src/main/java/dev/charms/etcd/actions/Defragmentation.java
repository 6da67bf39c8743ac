package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.MemberStatus;
import dev.charms.ops.ActionFailedException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code defrag} action: gives space freed by compaction back to the file system, one member at a
 * time (a member is briefly unresponsive while it runs). {@code member} is empty for this unit's
 * member, {@code all} for every member (the raft leader last), or a member name. With {@code all},
 * every member must answer before the first one is touched.
 */
public final class Defragmentation {
    /** The parameter value selecting every member. */
    public static final String ALL = "all";

    private final EtcdCluster admin;
    private final MemberEndpoints endpoints;

    /** Defragments members of the cluster {@code admin} reaches, each at its endpoint. */
    public Defragmentation(EtcdCluster admin, MemberEndpoints endpoints) {
        this.admin = admin;
        this.endpoints = endpoints;
    }

    /**
     * Resolves the {@code member} parameter against {@code members}: empty means {@code localName}.
     * An unknown name is an {@link ActionFailedException} listing the names.
     */
    public static List<Member> select(String param, String localName, List<Member> members) {
        String wanted = param == null ? "" : param.strip();
        if (wanted.equals(ALL)) {
            return members;
        }
        String name = wanted.isEmpty() ? localName : wanted;
        for (Member m : members) {
            if (m.started() && m.name().equals(name)) {
                return List.of(m);
            }
        }
        String names = members.stream().filter(Member::started).map(Member::name).sorted().collect(Collectors.joining(", "));
        throw new ActionFailedException((wanted.isEmpty() ? "this unit's member " + name + " is not in the cluster"
                : "no member named '" + wanted + "'") + "; members: " + names + " (or 'all')");
    }

    /** Defragments the selected members; results are each member's DB size before and after. */
    public Map<String, Object> defrag(String param, String localName) {
        List<Member> members = MemberCalls.list(admin);
        List<Member> targets = select(param, localName, members);
        Map<Member, URI> urls = new LinkedHashMap<>();
        Map<Member, MemberStatus> before = new LinkedHashMap<>();
        for (Member m : targets) {
            URI url = endpoints.of(m).orElseThrow(() -> new ActionFailedException("member " + MemberEndpoints.key(m)
                    + " has not started; nothing was defragmented"));
            try {
                before.put(m, admin.status(url));
            } catch (RuntimeException e) {
                throw new ActionFailedException("member " + m.name() + " is unreachable (" + e.getMessage()
                        + "); nothing was defragmented");
            }
            urls.put(m, url);
        }
        List<Member> order = new ArrayList<>(targets);
        order.sort((a, b) -> Boolean.compare(before.get(a).isLeader(), before.get(b).isLeader()));
        Map<String, Object> each = new LinkedHashMap<>();
        List<String> done = new ArrayList<>();
        for (Member m : order) {
            URI url = urls.get(m);
            try {
                admin.defrag(url);
                MemberStatus after = admin.status(url);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("before-bytes", before.get(m).dbSize());
                r.put("after-bytes", after.dbSize());
                r.put("freed-bytes", Math.max(0, before.get(m).dbSize() - after.dbSize()));
                each.put(MemberEndpoints.key(m), r);
                done.add(m.name());
            } catch (RuntimeException e) {
                throw new ActionFailedException("defrag of " + m.name() + " failed: " + e.getMessage()
                        + (done.isEmpty() ? "" : " (already defragmented: " + String.join(", ", done) + ")"));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("defragmented", String.join(",", done));
        out.put("members", each);
        return out;
    }
}
