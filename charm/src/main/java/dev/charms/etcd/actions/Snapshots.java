package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.MemberStatus;
import dev.charms.etcd.workload.SnapshotStatus;
import dev.charms.etcd.workload.SnapshotTool;
import dev.charms.ops.ActionFailedException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code snapshot} action (and the backup step of {@code restore}): a consistent snapshot through
 * etcd's maintenance API, written to {@code etcd-snapshot-<app>-<UTC time>.db} (mode 0600, owned
 * like its directory), verified with {@code snapshot status}, with its size, sha256 and revision.
 */
public final class Snapshots {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * A saved, verified snapshot.
     *
     * @param path the file
     * @param size its size in bytes
     * @param sha256 its SHA-256 (hex)
     * @param status what {@code snapshot status} says of it
     * @param etcdVersion version of the member it was taken from
     * @param source the member endpoint it was taken from
     */
    public record Saved(Path path, long size, String sha256, SnapshotStatus status, String etcdVersion, URI source) {
        /**
         * Results in the original charm's shape ({@code snapshot.path/size/sha256/version},
         * {@code copy.cmd}) plus {@code snapshot.revision} and {@code snapshot.total-keys}.
         */
        public Map<String, Object> toResults(String unit) {
            Map<String, Object> snapshot = new LinkedHashMap<>();
            snapshot.put("path", path.toString());
            snapshot.put("size", size);
            snapshot.put("sha256", sha256);
            snapshot.put("revision", status.revision());
            snapshot.put("total-keys", status.totalKeys());
            snapshot.put("version", etcdVersion);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("snapshot", snapshot);
            out.put("copy", Map.of("cmd", "juju scp " + unit + ":" + path + " ."));
            return out;
        }
    }

    private final EtcdCluster admin;
    private final SnapshotTool tool;
    private final Clock clock;

    /** Snapshots of the cluster {@code admin} reaches (its endpoints in order), verified with {@code tool}. */
    public Snapshots(EtcdCluster admin, SnapshotTool tool) {
        this(admin, tool, Clock.systemUTC());
    }

    Snapshots(EtcdCluster admin, SnapshotTool tool, Clock clock) {
        this.admin = admin;
        this.tool = tool;
        this.clock = clock;
    }

    /** Saves a snapshot of application {@code app} into the checked directory {@code dir} (see {@link SnapshotTarget}). */
    public Saved save(Path dir, String app) {
        MemberStatus source = firstAnswering();
        SnapshotTarget.requireSpace(dir, source.dbSize(), "a snapshot of " + Bytes.human(source.dbSize()));
        Path file = freeName(dir, app);
        long size;
        try {
            size = admin.snapshot(file);
        } catch (IOException | RuntimeException e) {
            throw new ActionFailedException("snapshot to " + file + " failed: " + e.getMessage());
        }
        try {
            SnapshotStatus status = tool.status(file);
            String sha = Bytes.sha256(file);
            SnapshotTarget.ownLikeDirectory(file);
            return new Saved(file, size, sha, status, source.version(), source.endpoint());
        } catch (IllegalArgumentException e) {
            deleteQuietly(file);
            throw new ActionFailedException("the snapshot etcd sent failed verification and was deleted: " + e.getMessage());
        } catch (IOException e) {
            throw new ActionFailedException("cannot verify snapshot " + file + ": " + e.getMessage());
        }
    }

    private MemberStatus firstAnswering() {
        RuntimeException last = null;
        for (URI endpoint : admin.endpoints()) {
            try {
                return admin.status(endpoint);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new ActionFailedException("no etcd member answers, cannot take a snapshot"
                + (last == null ? "" : ": " + last.getMessage()));
    }

    private Path freeName(Path dir, String app) {
        String base = "etcd-snapshot-" + app + "-" + STAMP.format(clock.instant());
        Path file = dir.resolve(base + ".db");
        for (int i = 2; Files.exists(file); i++) {
            file = dir.resolve(base + "-" + i + ".db");
        }
        return file;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the failure message already names the file
        }
    }
}
