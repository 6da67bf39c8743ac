package dev.charms.etcd.workload;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The etcd cluster as the charm sees it through etcd's own API: membership (list, add a learner,
 * promote, remove, move raft leadership), each member's status, and maintenance (alarms, compaction,
 * defragmentation, snapshots, keys). {@link EtcdAdmin} speaks it to real etcd over mutual TLS; the
 * charm's unit tests use an in-memory cluster. Calls fail with {@link EtcdAdminException}.
 */
public interface EtcdCluster extends AutoCloseable {
    /**
     * The round-trip time, in milliseconds, of a serializable read (answered by the member itself) to the
     * member serving {@code endpoint}, on this admin's own connection to it (opened first if need be).
     */
    long roundTripMillis(URI endpoint);

    /** Every member. */
    List<Member> memberList();

    /**
     * Adds {@code peerUrl} as a learner; returns it and the membership to build its initial-cluster from.
     * Safe to repeat: when an earlier attempt was applied but its answer lost (a timeout, a leader change,
     * a member that went away mid-call), etcd answers "Peer URLs already exists" (or, within the same
     * second, whose time the new member's id hashes, "member ID already exist"), and the unstarted
     * learner that attempt made is returned.
     */
    AddLearnerResult addLearner(URI peerUrl);

    /**
     * Promotes learner {@code id}; {@link PromoteOutcome#NOT_READY} while it has not caught up. Safe to
     * repeat: a member that already votes (an earlier attempt applied, its answer lost) is PROMOTED.
     */
    PromoteOutcome promote(long id);

    /**
     * Removes member {@code id}. Safe to repeat: a member that is already gone (an earlier attempt applied,
     * its answer lost) is not an error, since what the caller asked for holds.
     */
    void remove(long id);

    /** {@code member update}: a member's new peer URLs (its peer port or address changed). */
    void updatePeerUrls(long id, List<URI> peerUrls);

    /**
     * Moves raft leadership to {@code targetId} (a no-op if it already leads): finds the leader through
     * the first endpoint whose member knows one, then asks the leader itself ({@link #moveLeaderAt}).
     */
    default void moveLeader(long targetId) {
        long leaderId = 0;
        EtcdAdminException last = null;
        for (URI endpoint : endpoints()) {
            try {
                leaderId = status(endpoint).leaderId();
                if (leaderId != 0) {
                    break;
                }
            } catch (EtcdAdminException e) {
                last = e;
            }
        }
        if (leaderId == 0) {
            throw new EtcdAdminException("move-leader: no reachable member knows a leader"
                    + (last == null ? "" : " (" + last.getMessage() + ")"), true, last);
        }
        if (leaderId == targetId) {
            return;
        }
        long leader = leaderId;
        Member leaderMember = memberList().stream().filter(m -> m.id() == leader).findFirst()
                .orElseThrow(() -> new EtcdAdminException("move-leader: leader " + Long.toHexString(leader)
                        + " is not in the member list", true, null));
        if (leaderMember.clientUrls().isEmpty()) {
            throw new EtcdAdminException("move-leader: leader " + Long.toHexString(leader) + " has no client URL", true, null);
        }
        moveLeaderAt(leaderMember.clientUrls().get(0), leader, targetId);
    }

    /**
     * Asks the member at {@code leaderEndpoint}, which leads as {@code leaderId}, to hand raft leadership
     * to {@code targetId} (etcd accepts a transfer only from the current leader).
     */
    void moveLeaderAt(URI leaderEndpoint, long leaderId, long targetId);

    /**
     * The status of the member serving {@code endpoint}. jetcd opens a channel to the target for each
     * status call, whichever client makes it: the call goes through a client this admin already has
     * (no client of its own per member).
     */
    MemberStatus status(URI endpoint);

    /**
     * The hash of the keyspace of the member serving {@code endpoint} up to {@code revision} ({@code
     * etcdctl endpoint hashkv}), 0 for its current revision: equal on members that hold the same data.
     * Returns the hash, the member's compaction revision (the hash covers the history after it) and its
     * current revision.
     */
    KvHash hashKv(URI endpoint, long revision);

    /** A member's keyspace hash, the compaction revision it starts from, and the member's current revision. */
    record KvHash(long hash, long compactRevision, long currentRevision) {
    }

    /** Active alarms of the cluster. */
    List<Alarm> alarms();

    /** Disarms every active NOSPACE alarm; returns the alarms that were active. */
    List<Alarm> disarmAll();

    /** Compacts the keyspace up to {@code revision}; {@code physical} waits until the backend applied it. */
    void compact(long revision, boolean physical);

    /** Defragments the member serving {@code endpoint} (it is unresponsive meanwhile). */
    void defrag(URI endpoint);

    /** The cluster's current revision. */
    long currentRevision();

    /**
     * Streams a snapshot of the keyspace into {@code target}: written to a 0600 temp file next to
     * it, fsynced, then renamed into place. Returns its size in bytes.
     */
    long snapshot(Path target, Duration limit) throws IOException;

    /** {@link #snapshot(Path, Duration)} with a five-minute limit. */
    long snapshot(Path target) throws IOException;

    /** Puts a UTF-8 key/value; returns the new revision. */
    long put(String key, String value);

    /** The UTF-8 value of {@code key}, if present. */
    Optional<String> get(String key);

    /** How many keys start with {@code prefix} (empty: every key). */
    long count(String prefix);

    /**
     * Compare-and-swap in one etcd transaction: puts {@code value} under {@code key} only if the key's
     * value is still {@code expected} (empty: only if the key does not exist). Returns whether it did.
     * The transaction is linearizable, so of several callers expecting the same value exactly one wins.
     */
    boolean putIf(String key, Optional<String> expected, String value);

    /** The endpoints this client uses, in order. */
    List<URI> endpoints();

    /** Closes every connection this client opened. */
    @Override
    void close();

    // etcd's access control (docs/client-access.md). The charm's own identity holds the root role, so it
    // may make every one of these calls before and after authentication is enabled.

    /** Every user etcd knows, in etcd's order. */
    List<String> users();

    /** The roles of {@code user}; empty when etcd has no such user. */
    Optional<List<String>> userRoles(String user);

    /**
     * Adds {@code user} when it does not exist (safe to repeat). It authenticates only by the common name
     * of a client certificate: its password is random and never kept.
     */
    void addUser(String user);

    /** Deletes {@code user}; a user that does not exist is not an error. */
    void deleteUser(String user);

    /** Grants {@code role} (which must exist) to {@code user} (which must exist); safe to repeat. */
    void grantRole(String user, String role);

    /** The permissions of {@code role}; empty when etcd has no such role. */
    Optional<List<KeyAccess>> rolePermissions(String role);

    /** Adds {@code role} when it does not exist (safe to repeat). */
    void addRole(String role);

    /** Grants {@code access} to {@code role} (which must exist); safe to repeat. */
    void grantPermission(String role, KeyAccess access);

    /** Deletes {@code role} (etcd takes it from every user holding it); absent is not an error. */
    void deleteRole(String role);

    /**
     * Turns etcd's authentication on (a no-op when it is on). etcd refuses unless a user {@code root}
     * holding the role {@code root} exists.
     */
    void enableAuth();
}
