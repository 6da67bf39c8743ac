package dev.charms.etcd.workload;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of adding a learner: the new member and the membership right after.
 *
 * @param member the added learner (not started, so nameless)
 * @param members every member, including the new one
 */
public record AddLearnerResult(Member member, List<Member> members) {
    /** Copies the list. */
    public AddLearnerResult {
        members = List.copyOf(members);
    }

    /**
     * The initial-cluster string the joiner must start with (state {@code existing}): every member
     * (etcd checks that the counts and peer URLs match the running cluster), the new one under
     * {@code newMemberName}, another not-yet-started one under a placeholder name (etcd matches
     * remote members by peer URL, and an empty name would merge them).
     */
    public String initialCluster(String newMemberName) {
        Map<String, List<URI>> out = new LinkedHashMap<>();
        for (Member m : members) {
            if (m.id() == member.id()) {
                out.put(newMemberName, member.peerUrls());
            } else {
                out.put(m.started() ? m.name() : "unstarted-" + m.idHex(), m.peerUrls());
            }
        }
        return InitialCluster.format(out);
    }
}
