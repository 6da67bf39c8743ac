package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.MemberStatus;
import dev.charms.etcd.workload.SnapshotStatus;
import dev.charms.etcd.workload.SnapshotTool;
import dev.charms.ops.ActionFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The local part of the {@code restore} action: verify a snapshot (exists, sha256, {@code snapshot
 * status}) before touching anything, then rebuild this member from it as a new one-member cluster:
 * stop etcd, move the data dir aside (never deleted), {@code snapshot restore} into the data dir
 * with a new cluster token, start, and wait until it serves. If a step after the data was moved
 * fails, the previous data is put back and etcd started again on it.
 */
public final class SnapshotRestore {
    /** How long the restored member may take to serve. */
    public static final Duration SERVE_WAIT = Duration.ofSeconds(60);
    /** WAL space etcd preallocates on start (one 64 MiB segment). */
    static final long WAL_SEGMENT = 64L << 20;
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-fA-F]{64}$");

    /**
     * A verified snapshot file.
     *
     * @param path the file
     * @param size its size
     * @param sha256 its SHA-256 (hex)
     * @param status what {@code snapshot status} says
     */
    public record Verified(Path path, long size, String sha256, SnapshotStatus status) {
    }

    /**
     * What the rebuild did.
     *
     * @param memberId the new member's id
     * @param revision the restored cluster's revision
     * @param keys live keys in the restored keyspace
     * @param movedAside where the previous data dir went (empty if there was none)
     */
    public record Rebuilt(long memberId, long revision, long keys, Optional<Path> movedAside) {
    }

    /**
     * The action results: {@code backup.*} (or {@code backup.skipped}), {@code restore.*} and a
     * {@code next} hint. The new cluster token is deliberately not included.
     */
    public static Map<String, Object> results(Verified snapshot, Rebuilt rebuilt, String generation,
                                              Optional<Snapshots.Saved> backup, String unit) {
        Map<String, Object> b = new LinkedHashMap<>();
        if (backup.isPresent()) {
            b.put("path", backup.get().path().toString());
            b.put("sha256sum", backup.get().sha256());
            b.put("revision", backup.get().status().revision());
            b.put("copy-cmd", "juju scp " + unit + ":" + backup.get().path() + " .");
        } else {
            b.put("skipped", true);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("snapshot", snapshot.path().toString());
        r.put("sha256", snapshot.sha256());
        r.put("revision", rebuilt.revision());
        r.put("keys", rebuilt.keys());
        r.put("member-id", Long.toHexString(rebuilt.memberId()));
        r.put("generation", generation);
        r.put("previous-data", rebuilt.movedAside().map(Path::toString).orElse("none"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("backup", b);
        out.put("restore", r);
        out.put("next", "the other units now leave the old cluster and rejoin one at a time as learners;"
                + " follow with juju status");
        return out;
    }

    private final SnapshotTool tool;

    /** Restores with the snapshot tool of this unit's etcd installation. */
    public SnapshotRestore(SnapshotTool tool) {
        this.tool = tool;
    }

    /**
     * The snapshot to restore: the {@code snapshot} parameter when given (an absolute path), else the
     * attached resource; an {@link ActionFailedException} when neither is usable.
     */
    public static Path snapshotPath(String param, Optional<Path> resource) {
        if (param == null || param.isBlank()) {
            return resource.orElseThrow(() -> new ActionFailedException("no snapshot given and no `snapshot` resource"
                    + " attached: pass snapshot=/absolute/path.db, or `juju attach-resource <app> snapshot=./file.db`"));
        }
        Path p;
        try {
            p = Path.of(param.strip());
        } catch (RuntimeException e) {
            throw new ActionFailedException("snapshot '" + param + "' is not a valid path");
        }
        if (!p.isAbsolute()) {
            throw new ActionFailedException("snapshot '" + param + "' must be an absolute path on this unit");
        }
        return p.normalize();
    }

    /** The expected checksum: empty, or 64 hex digits (lower-cased). */
    public static String expectedSha256(String param) {
        String s = param == null ? "" : param.strip();
        if (!s.isEmpty() && !SHA256.matcher(s).matches()) {
            throw new ActionFailedException("sha256 '" + param + "' must be 64 hexadecimal digits (or empty)");
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /** Checks {@code snapshot} without changing anything; every problem is an {@link ActionFailedException}. */
    public Verified verify(Path snapshot, String expectedSha256) {
        String expected = expectedSha256(expectedSha256);
        if (!Files.exists(snapshot)) {
            throw new ActionFailedException("snapshot " + snapshot + " does not exist");
        }
        if (!Files.isRegularFile(snapshot)) {
            throw new ActionFailedException("snapshot " + snapshot + " is not a regular file");
        }
        try {
            long size = Files.size(snapshot);
            if (size == 0) {
                throw new ActionFailedException("snapshot " + snapshot + " is empty");
            }
            String sha = Bytes.sha256(snapshot);
            if (!expected.isEmpty() && !expected.equals(sha)) {
                throw new ActionFailedException("snapshot " + snapshot + " has sha256 " + sha + ", expected "
                        + expected + ": refusing to restore it");
            }
            SnapshotStatus status = tool.status(snapshot);
            return new Verified(snapshot, size, sha, status);
        } catch (IllegalArgumentException e) {
            throw new ActionFailedException(e.getMessage());
        } catch (IOException e) {
            throw new ActionFailedException("cannot read snapshot " + snapshot + ": " + e.getMessage());
        }
    }

    /**
     * Rebuilds {@code member} from the verified snapshot as the single member of a new cluster with
     * {@code token}; the previous data dir is moved aside as {@code data.<reason>-<time>}. On failure
     * after the data was moved, the old data is put back and etcd restarted.
     */
    public Rebuilt rebuild(Verified snapshot, LocalMember member, String token, String reason) {
        Path dataDir = member.dataDir();
        Path parent = dataDir.getParent();
        SnapshotTarget.requireSpace(Files.isDirectory(parent) ? parent : dataDir.getRoot(),
                snapshot.size() + WAL_SEGMENT, "the restored data");
        String initialCluster = member.name() + "=" + member.peerUrl();
        Optional<Path> moved;
        try {
            member.stop();
            moved = member.moveDataAside(reason);
        } catch (RuntimeException e) {
            String restarted = Files.exists(dataDir) ? startPrevious(member) : "its data dir is missing";
            throw new ActionFailedException("cannot move the data dir aside: " + e.getMessage() + "; " + restarted);
        }
        try {
            tool.restore(snapshot.path(), member.name(), initialCluster, token, member.peerUrl(), dataDir);
        } catch (IOException | RuntimeException e) {
            throw new ActionFailedException("snapshot restore failed: " + e.getMessage() + "; "
                    + rollBack(member, moved));
        }
        try {
            member.startRestored(token, initialCluster);
            try (EtcdCluster admin = member.admin()) {
                long id = awaitServing(admin, member);
                return new Rebuilt(id, admin.currentRevision(), admin.count(""), moved);
            }
        } catch (RuntimeException e) {
            throw new ActionFailedException("the restored member did not come up: " + e.getMessage() + "; "
                    + rollBack(member, moved));
        }
    }

    private static long awaitServing(EtcdCluster admin, LocalMember member) {
        long deadline = System.nanoTime() + SERVE_WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                MemberStatus status = admin.status(member.localClientUrl());
                if (status.leaderId() != 0) {
                    List<Member> members = admin.memberList();
                    if (members.size() != 1) {
                        throw new IllegalStateException("the restored cluster has " + members.size() + " members, expected 1");
                    }
                    return members.get(0).id();
                }
            } catch (IllegalStateException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
            sleep(300);
        }
        throw new IllegalStateException("etcd did not serve within " + SERVE_WAIT.toSeconds() + " s"
                + (last == null ? "" : ": " + last.getMessage()));
    }

    private static String startPrevious(LocalMember member) {
        try {
            member.startPrevious();
            return "etcd was started again on its unchanged data";
        } catch (RuntimeException e) {
            return "starting etcd again failed too: " + e.getMessage();
        }
    }

    /**
     * Stops etcd, moves a (partly) restored data dir aside, puts {@code moved} back and starts etcd on
     * it; returns what happened, for the failure message.
     */
    private static String rollBack(LocalMember member, Optional<Path> moved) {
        try {
            member.stop();
            Optional<Path> failed = Files.exists(member.dataDir()) ? member.moveDataAside("failed-restore") : Optional.empty();
            if (moved.isEmpty()) {
                return "there was no previous data" + failed.map(p -> "; the failed restore is in " + p).orElse("");
            }
            Files.move(moved.get(), member.dataDir());
        } catch (IOException | RuntimeException e) {
            return "putting the previous data back failed (" + e.getMessage() + "); it is kept in "
                    + moved.map(Path::toString).orElse("(none)");
        }
        try {
            member.startPrevious();
            return "the previous data was put back and etcd started again";
        } catch (RuntimeException e) {
            return "the previous data was put back, but starting etcd on it failed: " + e.getMessage();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
