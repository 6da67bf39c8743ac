package dev.charms.etcd.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Offline snapshot operations through the etcd tools: {@code etcdctl snapshot} on 3.4,
 * {@code etcdutl snapshot} on 3.5+ (3.6 dropped the etcdctl ones).
 */
public final class SnapshotTool {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final EtcdInstallation installation;
    private final CommandRunner runner;

    /** Snapshot operations with the tools of {@code installation}. */
    public SnapshotTool(EtcdInstallation installation, CommandRunner runner) {
        this.installation = installation;
        this.runner = runner;
    }

    /**
     * Hash, revision, key count and size of {@code snapshot}. Runs on a private copy (3.4's status
     * opens the file read-write), so the file itself is never modified. A corrupt file, or one whose
     * integrity hash {@code snapshot restore} would refuse ({@link SnapshotIntegrity}), throws
     * {@link IllegalArgumentException} naming it.
     */
    public SnapshotStatus status(Path snapshot) throws IOException {
        requireFile(snapshot);
        Path work = Files.createTempDirectory("etcd-snapshot-status-");
        try {
            Path copy = work.resolve("snapshot.db");
            Files.copy(snapshot, copy);
            SnapshotIntegrity.check(snapshot, copy);
            CommandResult r = runner.run(tool("snapshot", "status", copy.toString(), "-w", "json"), env(), TIMEOUT);
            if (!r.ok()) {
                throw new IllegalArgumentException("snapshot " + snapshot + " is not a valid etcd snapshot: "
                        + CommandRunner.oneLine(r.stderr()).replace(copy.toString(), snapshot.toString()));
            }
            JsonNode json = JSON.readTree(r.stdout());
            for (String field : List.of("hash", "revision", "totalKey", "totalSize")) {
                if (!json.path(field).canConvertToLong()) {
                    throw new IllegalArgumentException("snapshot status of " + snapshot + " has no " + field + ": "
                            + CommandRunner.oneLine(r.stdout()));
                }
            }
            return new SnapshotStatus(json.path("hash").asLong(), json.path("revision").asLong(),
                    json.path("totalKey").asLong(), json.path("totalSize").asLong());
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Restores {@code snapshot} as member {@code name} of a new cluster ({@code initialCluster},
     * {@code token}, {@code peerUrl}) into {@code targetDataDir}, which must not exist: the caller
     * moves the old data dir aside first. The restore runs into a new sibling temp dir that is
     * renamed into place only when complete, then owned by the service user with mode 0700.
     */
    public void restore(Path snapshot, String name, String initialCluster, String token, URI peerUrl,
            Path targetDataDir) throws IOException {
        requireFile(snapshot);
        Path target = targetDataDir.toAbsolutePath();
        if (Files.exists(target)) {
            throw new IllegalStateException("restore target " + target + " exists; move it aside first");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, "." + target.getFileName() + ".restore-");
        Path restored = work.resolve("data");
        try {
            runner.check(tool("snapshot", "restore", snapshot.toString(),
                    "--name", name,
                    "--initial-cluster", initialCluster,
                    "--initial-cluster-token", token,
                    "--initial-advertise-peer-urls", peerUrl.toString(),
                    "--data-dir", restored.toString()), env(), TIMEOUT);
            chownTree(restored);
            Files.move(restored, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(parent);
        } finally {
            deleteTree(work);
        }
    }

    private List<String> tool(String... args) {
        List<String> cmd = new ArrayList<>();
        if (installation.version().hasEtcdutl()) {
            cmd.add(installation.etcdutl().orElseThrow(() -> new IllegalStateException(
                    "etcd " + installation.version() + " needs etcdutl for snapshots, but it is not installed")).toString());
        } else {
            cmd.add(installation.etcdctl().toString());
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Map<String, String> env() {
        return installation.version().hasEtcdutl() ? Map.of() : Map.of("ETCDCTL_API", "3");
    }

    private static void requireFile(Path snapshot) {
        if (!Files.isRegularFile(snapshot)) {
            throw new IllegalArgumentException("snapshot " + snapshot + " is not a regular file");
        }
    }

    private static void chownTree(Path dir) throws IOException {
        AtomicFiles.Ownership dirs = AtomicFiles.Ownership.of(EtcdPaths.SERVICE_USER, EtcdPaths.SERVICE_USER, "rwx------");
        AtomicFiles.Ownership files = AtomicFiles.Ownership.of(EtcdPaths.SERVICE_USER, EtcdPaths.SERVICE_USER, "rw-------");
        List<Path> all;
        try (Stream<Path> walk = Files.walk(dir)) {
            all = walk.toList();
        }
        for (Path p : all) {
            AtomicFiles.applyOwnership(p, Files.isDirectory(p) ? dirs : files);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(dir)) {
            all = walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
