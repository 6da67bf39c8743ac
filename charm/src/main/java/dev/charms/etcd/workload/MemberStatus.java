package dev.charms.etcd.workload;

import java.net.URI;
import java.util.List;

/**
 * One member's own view, from the Maintenance Status call on its endpoint.
 *
 * @param endpoint the client URL asked
 * @param memberId the answering member's ID
 * @param leaderId the raft leader it knows (0: none)
 * @param raftTerm current raft term
 * @param raftIndex current raft index (its log's last entry)
 * @param raftAppliedIndex the last raft entry it applied to its keyspace
 * @param revision its keyspace's current revision
 * @param dbSize backend size in bytes
 * @param dbSizeInUse bytes in use (the rest is reclaimable by defrag)
 * @param version etcd server version
 * @param isLearner whether it is a learner
 * @param errors errors/alarms the member reports (e.g. "memberID:... alarm:NOSPACE")
 */
public record MemberStatus(URI endpoint, long memberId, long leaderId, long raftTerm, long raftIndex,
        long raftAppliedIndex, long revision, long dbSize,
        long dbSizeInUse, String version, boolean isLearner, List<String> errors) {
    /** Copies the list. */
    public MemberStatus {
        errors = List.copyOf(errors);
    }

    /** Whether this member is the raft leader. */
    public boolean isLeader() {
        return memberId != 0 && memberId == leaderId;
    }
}
