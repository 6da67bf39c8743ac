package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot through jetcd, status and restore through the release's tool (etcdctl on 3.4, etcdutl from
 * 3.5), and a member started from the restore: on Debian's etcd 3.4.23 and on the real etcd 3.5.30.
 */
class SnapshotToolIT {
    private static final int KEYS = 3000;

    @Test
    void snapshotStatusRestoreAndStartWithEtcdctlOf34(@TempDir Path dir) throws Exception {
        EtcdInstallation inst = RealEtcd.debian();
        assertEquals(new EtcdVersion(3, 4, 23), inst.version());
        snapshotStatusRestoreAndStart(dir, inst);
    }

    /**
     * etcd 3.5.30's etcdctl still has a deprecated {@code snapshot restore}; the installation here names an
     * etcdctl that does not exist, so only etcdutl can have done the status and the restore.
     */
    @Test
    void snapshotStatusRestoreAndStartWithEtcdutlOf35(@TempDir Path dir) throws Exception {
        EtcdInstallation installed = RealEtcd.release("3.5.30", dir.resolve("install"));
        assertTrue(installed.etcdutl().isPresent(), installed.toString());
        EtcdInstallation inst = new EtcdInstallation(installed.etcd(), dir.resolve("no-etcdctl/etcdctl"),
                installed.etcdutl(), installed.version(), installed.source());
        snapshotStatusRestoreAndStart(dir, inst);
    }

    private static void snapshotStatusRestoreAndStart(Path dir, EtcdInstallation inst) throws Exception {
        TlsMaterial tls = TestPki.create(dir.resolve("pki"));
        CommandRunner runner = new CommandRunner();
        SnapshotTool tool = new SnapshotTool(inst, runner);
        try (LocalMember m0 = new LocalMember(dir, "m0", tls, inst.etcd());
             LocalMember restored = new LocalMember(dir, "r0", tls, inst.etcd())) {
            m0.start(m0.config(m0.selfCluster(), InitialClusterState.NEW).build());
            HealthProbe probe = new HealthProbe(TlsPaths.client(m0.paths));
            m0.awaitHealthy(probe, Duration.ofSeconds(20));
            Path snap = dir.resolve("backups/etcd.snapshot");
            long revision;
            try (EtcdCluster admin = new EtcdAdmin(List.of(m0.clientUrl), TlsPaths.client(m0.paths), EtcdAdmin.DEFAULT_TIMEOUT)) {
                long t0 = System.nanoTime();
                CompletableFuture<?>[] puts = new CompletableFuture<?>[8];
                for (int w = 0; w < puts.length; w++) {
                    int worker = w;
                    puts[w] = CompletableFuture.runAsync(() -> {
                        for (int i = worker; i < KEYS; i += puts.length) {
                            admin.put(String.format("data/%05d", i), "value-" + i + "-" + "x".repeat(200));
                        }
                    });
                }
                CompletableFuture.allOf(puts).join();
                System.out.printf("TIMING %d puts (8 threads, jetcd): %d ms%n", KEYS, (System.nanoTime() - t0) / 1_000_000);
                revision = admin.currentRevision();
                t0 = System.nanoTime();
                long size = admin.snapshot(snap);
                System.out.printf("TIMING snapshot of %d keys (%d bytes) via jetcd: %d ms%n", KEYS, size, (System.nanoTime() - t0) / 1_000_000);
                assertEquals(size, Files.size(snap));
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(snap)));
                try (var list = Files.list(snap.getParent())) {
                    assertEquals(List.of(snap), list.toList(), "no temp file left");
                }
            }

            String before = sha256(snap);
            long t0 = System.nanoTime();
            SnapshotStatus status = tool.status(snap);
            System.out.printf("TIMING snapshot status: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertEquals(before, sha256(snap), "status must not modify the snapshot");
            assertEquals(revision, status.revision());
            assertTrue(status.totalKeys() >= KEYS, status.toString());
            assertTrue(status.totalSize() > 0 && status.hash() != 0, status.toString());

            Path corrupt = dir.resolve("corrupt.snapshot");
            byte[] bytes = Files.readAllBytes(snap);
            for (int i = 4096; i < bytes.length; i += 997) {
                bytes[i] ^= 0x5a;
            }
            Files.write(corrupt, bytes);
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> tool.status(corrupt));
            assertTrue(bad.getMessage().startsWith("snapshot " + corrupt + " is not a valid etcd snapshot"), bad.getMessage());
            Path text = Files.writeString(dir.resolve("text.snapshot"), "not a database\n");
            assertThrows(IllegalArgumentException.class, () -> tool.status(text));
            assertThrows(IllegalArgumentException.class, () -> tool.status(dir.resolve("missing.snapshot")));

            Path target = restored.paths.dataDir();
            Files.createDirectories(target);
            Files.writeString(target.resolve("keep-me"), "old data");
            IllegalStateException exists = assertThrows(IllegalStateException.class, () -> tool.restore(snap, restored.name,
                    restored.selfCluster(), "restored-token", restored.peerUrl, target));
            assertTrue(exists.getMessage().contains("move it aside first"), exists.getMessage());
            assertEquals("old data", Files.readString(target.resolve("keep-me")));
            Files.move(target, target.resolveSibling("data.old"));

            assertThrows(Exception.class, () -> tool.restore(corrupt, restored.name, restored.selfCluster(),
                    "restored-token", restored.peerUrl, target));
            assertTrue(!Files.exists(target), "failed restore leaves no data dir");

            t0 = System.nanoTime();
            tool.restore(snap, restored.name, restored.selfCluster(), "restored-token", restored.peerUrl, target);
            System.out.printf("TIMING snapshot restore: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
            assertEquals(EtcdPaths.SERVICE_USER, Files.getOwner(target).getName());
            try (var list = Files.list(target.getParent())) {
                assertEquals(List.of("data", "data.old"), list.map(p -> p.getFileName().toString()).sorted().toList());
            }

            t0 = System.nanoTime();
            restored.files().writeConfig(restored.config(restored.selfCluster(), InitialClusterState.NEW)
                    .initialClusterToken("restored-token").build(), restored.version);
            restored.start();
            restored.awaitHealthy(new HealthProbe(TlsPaths.client(restored.paths)), Duration.ofSeconds(20));
            System.out.printf("TIMING restored member start -> healthy: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            try (EtcdCluster admin = new EtcdAdmin(List.of(restored.clientUrl), TlsPaths.client(restored.paths), EtcdAdmin.DEFAULT_TIMEOUT)) {
                assertEquals(KEYS, admin.count("data/"));
                assertEquals(Optional.of("value-42-" + "x".repeat(200)), admin.get("data/00042"));
                List<Member> members = admin.memberList();
                assertEquals(1, members.size());
                assertEquals(List.of(restored.peerUrl), members.get(0).peerUrls());
            }
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
