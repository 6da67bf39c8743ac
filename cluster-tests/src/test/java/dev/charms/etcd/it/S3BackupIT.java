package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.ActionTask;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Backups to S3-compatible object storage (docs/backups.md) through the local runner with the real
 * charm, real etcd and a real S3 server (S3Proxy on its filesystem backend, listening on the host side
 * of the model's bridge), handed out by the {@code s3-provider} test charm as s3-integrator would.
 */
class S3BackupIT {
    private static final String BUCKET = "etcd-backups";
    private static final String ACCESS = "it-access";
    private static final List<String> KEYS_A = List.of("a/1", "a/2", "a/3");
    private static final List<String> KEYS_B = List.of("b/1", "b/2");

    /**
     * One deployment (a 1-unit {@code etcd}, later a 1-unit {@code etcd-new}, both related to one
     * {@code s3-provider}):
     * <ol>
     * <li>keys A, {@code create-backup}: the object and its checksum in the bucket agree with the result;
     * keys B; {@code list-backups} shows the backup, verified, with its revision and etcd version;</li>
     * <li>faults, each failing the action with the problem named, no new backup listed, every key still
     * there: wrong secret key, a missing bucket, an endpoint that does not answer, an upload whose
     * connection is cut mid-way, a backup whose snapshot no longer matches its checksum (restore
     * refused);</li>
     * <li>{@code restore backup-id=... dry-run=true} changes nothing; the restore brings keys A back and
     * drops keys B;</li>
     * <li>a new application related to the same provider lists the backup and restores it: keys A;</li>
     * <li>with {@code backup-retention-count=1}, the next backup deletes the first;</li>
     * <li>scheduled backups (see {@link #scheduledBackups});</li>
     * <li>the secret key is in no log, status or action result.</li>
     * </ol>
     */
    @Test
    void backupListRestoreFaultsAndANewApplication() throws Exception {
        Path store = Files.createTempDirectory("s3-it");
        Files.createDirectories(store.resolve(BUCKET));
        String secret = UUID.randomUUID().toString();
        S3Server proxy = S3Server.start(store, ACCESS, secret);
        Cutter cutter = null;
        try (LocalCluster c = new LocalCluster("s3backup")) {
            c.deploy(1, Map.of());
            String unit = c.units().get(0);
            String host = bridgeAddress(c.address(unit));
            String endpoint = "http://" + host + ":" + proxy.port();
            Path provider = providerCharm(c);
            c.controller().deploy(provider, "s3-provider", 1, Map.of("endpoint", endpoint, "bucket", BUCKET,
                    "access-key", ACCESS, "secret-key", secret, "path", "cluster-a"), Map.of());
            c.controller().integrate("etcd:s3-parameters", "s3-provider:s3-credentials");
            c.settle();
            for (String key : KEYS_A) {
                c.put(key, "value-of-" + key);
            }

            ActionTask created = c.runOk("etcd/0", "create-backup", Map.of());
            String id = LocalCluster.result(created, "backup.id");
            assertNotNull(id, String.valueOf(created.results()));
            assertTrue(id.matches("s3backup/etcd/[0-9]{8}T[0-9]{6}Z-r[0-9]+"), id);
            Path object = store.resolve(BUCKET).resolve("cluster-a/etcd-backups/" + id + ".db");
            assertTrue(Files.isRegularFile(object), object + " missing");
            String sha = sha256(object);
            assertEquals(sha, LocalCluster.result(created, "backup.sha256"));
            assertEquals(Long.toString(Files.size(object)), LocalCluster.result(created, "backup.size"));
            assertEquals(sha + "  " + id.substring(id.lastIndexOf('/') + 1) + ".db",
                    Files.readString(object.resolveSibling(object.getFileName() + ".sha256")).strip());
            assertFalse(Files.exists(c.controller().hostPath(unit, "/home/ubuntu/etcd-snapshots"))
                    && Files.list(c.controller().hostPath(unit, "/home/ubuntu/etcd-snapshots")).findAny().isPresent(),
                    "the staged snapshot was left on the unit");
            for (String key : KEYS_B) {
                c.put(key, "value-of-" + key);
            }
            assertListed(c, "etcd/0", id, 1);

            // Faults: each names the problem, lists nothing new, leaves every key.
            fault(c, Map.of("secret-key", "wrong-" + secret), Map.of("secret-key", secret), "refused the credentials", id);
            fault(c, Map.of("bucket", "no-such-bucket"), Map.of("bucket", BUCKET), "bucket 'no-such-bucket' does not exist", id);
            try (ServerSocket closed = new ServerSocket(0)) {
                int port = closed.getLocalPort();
                closed.close();
                fault(c, Map.of("endpoint", "http://" + host + ":" + port), Map.of(), "did not answer", id);
            }
            cutter = new Cutter(proxy.port(), 8 << 10);
            fault(c, Map.of("endpoint", "http://" + host + ":" + cutter.port()), Map.of(), "cannot upload", id);
            assertTrue(cutter.cuts.get() > 0, "the connection was never cut");
            try (S3Server readOnly = S3Server.readOnly(store, ACCESS, secret)) {
                fault(c, Map.of("endpoint", "http://" + host + ":" + readOnly.port()), Map.of(),
                        "access denied (AccessDenied): the credentials may not write", id);
            }
            fullBucket(c, host, secret, id);
            c.controller().config("s3-provider", Map.of("endpoint", endpoint));
            c.settle();
            assertListed(c, "etcd/0", id, 1);

            // A snapshot that no longer matches its checksum is refused before anything changes.
            byte[] original = Files.readAllBytes(object);
            try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
                f.seek(original.length / 2);
                f.write(original[original.length / 2] ^ 0xff);
            }
            ActionTask refused = c.run("etcd/leader", "restore", Map.of("backup-id", id));
            assertEquals(ActionTask.State.FAILED, refused.state(), String.valueOf(refused.results()));
            assertTrue(refused.message().contains("refusing to restore it"), refused.message());
            assertKeys(c, "etcd", concat(KEYS_A, KEYS_B), List.of());
            Files.write(object, original);

            ActionTask dry = c.runOk("etcd/leader", "restore", Map.of("backup-id", id, "dry-run", true));
            assertEquals("true", LocalCluster.result(dry, "dry-run"));
            assertEquals(sha, LocalCluster.result(dry, "snapshot.sha256"));
            assertKeys(c, "etcd", concat(KEYS_A, KEYS_B), List.of());

            ActionTask restored = c.runOk("etcd/leader", "restore", Map.of("backup-id", id));
            assertEquals(sha, LocalCluster.result(restored, "restore.sha256"));
            c.settle();
            assertKeys(c, "etcd", KEYS_A, KEYS_B);

            // Restore into a new application related to the same provider.
            c.controller().deploy(LocalCluster.CHARM, "etcd-new", 1, Map.of(), Map.of());
            c.controller().integrate("etcd-new:s3-parameters", "s3-provider:s3-credentials");
            c.settle();
            assertListed(c, "etcd-new/0", id, 1);
            c.runOk("etcd-new/leader", "restore", Map.of("backup-id", id));
            c.settle();
            assertKeys(c, "etcd-new", KEYS_A, KEYS_B);

            // Retention: keep the newest one of this application.
            c.controller().config("etcd", Map.of("backup-retention-count", "1"));
            c.settle();
            ActionTask second = c.runOk("etcd/0", "create-backup", Map.of());
            assertEquals(id, LocalCluster.result(second, "pruned"), String.valueOf(second.results()));
            assertListed(c, "etcd/0", LocalCluster.result(second, "backup.id"), 1);
            assertFalse(Files.exists(object), object + " was not pruned");

            scheduledBackups(c, secret, LocalCluster.result(second, "backup.id"));

            String log = Files.readString(c.controller().debugLogFile());
            assertFalse(log.contains(secret), "the secret key is in the debug log");
            assertFalse(c.controller().status().toString().contains(secret), "the secret key is in status");
            for (ActionTask t : List.of(created, dry, restored, second)) {
                assertFalse(String.valueOf(t.results()).contains(secret), "the secret key is in an action result");
            }
        } finally {
            if (cutter != null) {
                cutter.close();
            }
            proxy.close();
            deleteTree(store);
        }
    }

    /**
     * backup-schedule=20s with backup-retention-count=2 on the application grown to two units: the
     * leader's timer takes backups with no hook involved; then leadership moves to etcd/1 while etcd/0
     * runs no hook (model-config hook-hold), so both machines keep a timer (docs/backups.md, "One backup
     * per period when leadership moves"): still one backup per 20 s period, none missed for more than
     * one period, retention keeping two; once etcd/0 runs its hooks its timer and settings file go.
     * health shows the last result; a failing scheduled backup (wrong secret key) shows in health and
     * in the leader's status; the settings file the scheduled run reads is 0600; an empty schedule
     * removes the timer.
     */
    private static void scheduledBackups(LocalCluster c, String secret, String latest) throws Exception {
        java.time.Duration shell = java.time.Duration.ofSeconds(30);
        c.controller().addUnit("etcd", 1);
        c.settle();
        c.controller().config("etcd", Map.of("backup-schedule", "20s", "backup-retention-count", "2"));
        c.settle();
        assertEquals("etcd/0", c.leaderUnit());
        assertEquals("active", c.controller().exec("etcd/0", "systemctl is-active etcd-backup.timer", shell).stdout().strip());
        assertEquals("inactive", c.controller().exec("etcd/1", "systemctl is-active etcd-backup.timer; true", shell).stdout().strip());
        assertEquals("600", c.controller().exec("etcd/0", "stat -c %a /var/lib/etcd-backup/settings.json", shell).stdout().strip());
        java.util.Set<String> seen = new java.util.TreeSet<>();
        c.await("a scheduled backup by etcd/0", java.time.Duration.ofMinutes(2), () -> scheduled(c, "etcd/0", latest, seen) >= 1);

        c.controller().setModelConfig(Map.of("hook-hold", "etcd/0=3m"));
        c.controller().elect("etcd/1");
        c.await("etcd/1's timer", java.time.Duration.ofMinutes(1), () -> "active".equals(c.controller().exec("etcd/1",
                "systemctl is-active etcd-backup.timer; true", shell).stdout().strip()));
        int before = seen.size();
        c.await("two scheduled backups after the move", java.time.Duration.ofMinutes(2),
                () -> scheduled(c, "etcd/1", latest, seen) >= before + 2);
        assertEquals("active", c.controller().exec("etcd/0", "systemctl is-active etcd-backup.timer", shell).stdout().strip(),
                "etcd/0 held its hooks, so it still has its timer");
        java.util.List<Long> periods = new java.util.ArrayList<>();
        for (String bid : seen) {
            String stamp = bid.substring(bid.lastIndexOf('/') + 1, bid.lastIndexOf("-r"));
            long epoch = java.time.LocalDateTime.parse(stamp, java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                    .toEpochSecond(java.time.ZoneOffset.UTC);
            assertFalse(periods.contains(epoch / 20), "two backups in one period: " + seen);
            if (!periods.isEmpty()) {
                assertTrue(epoch / 20 - periods.get(periods.size() - 1) <= 2, "more than one period missed: " + seen);
            }
            periods.add(epoch / 20);
        }
        for (String unit : List.of("etcd/0", "etcd/1")) {
            String last = Files.readString(c.controller().hostPath(unit, "/var/lib/etcd-backup/last.json"));
            assertTrue(last.contains("\"result\":\"ok\"") || last.contains("\"result\":\"skipped\""), unit + ": " + last);
        }
        ActionTask list = c.runOk("etcd/1", "list-backups", Map.of());
        long mine = java.util.stream.IntStream.range(0, 10).mapToObj(i -> LocalCluster.result(list, String.format("backups.b%04d.id", i)))
                .filter(b -> b != null && b.startsWith("s3backup/etcd/")).count();
        assertTrue(mine <= 3, "retention 2 kept " + mine + ": " + list.results());

        c.controller().setModelConfig(Map.of("hook-hold", ""));
        c.settle();
        assertEquals("inactive", c.controller().exec("etcd/0", "systemctl is-active etcd-backup.timer; true", shell).stdout().strip());
        assertFalse(Files.exists(c.controller().hostPath("etcd/0", "/var/lib/etcd-backup/settings.json")));
        c.await("etcd/0's health showing the leader's last result", java.time.Duration.ofMinutes(1), () -> {
            String result = LocalCluster.result(c.runOk("etcd/0", "health", Map.of()), "last-scheduled-backup.result");
            return "ok".equals(result) || "skipped".equals(result);
        });

        c.controller().config("s3-provider", Map.of("secret-key", "wrong-" + secret));
        c.settle();
        c.await("a failed scheduled backup in health", java.time.Duration.ofMinutes(2), () -> "failed".equals(
                LocalCluster.result(c.runOk("etcd/1", "health", Map.of()), "last-scheduled-backup.result")));
        assertTrue(LocalCluster.result(c.runOk("etcd/1", "health", Map.of()), "last-scheduled-backup.message")
                .contains("refused the credentials"));
        c.await("the failure in the leader's status", java.time.Duration.ofMinutes(2),
                () -> c.unit("etcd/1").workloadMessage().contains("last scheduled backup failed (see health)"));

        c.controller().config("s3-provider", Map.of("secret-key", secret));
        c.controller().config("etcd", Map.of("backup-schedule", ""));
        c.settle();
        assertEquals("inactive", c.controller().exec("etcd/1", "systemctl is-active etcd-backup.timer; true", shell).stdout().strip());
        assertFalse(Files.exists(c.controller().hostPath("etcd/1", "/var/lib/etcd-backup/settings.json")));
    }

    /** Adds the scheduled backups newer than {@code latest} that {@code unit}'s list-backups shows to {@code seen}. */
    private static int scheduled(LocalCluster c, String unit, String latest, java.util.Set<String> seen) throws Exception {
        ActionTask list = c.runOk(unit, "list-backups", Map.of());
        for (int i = 0; i < 10; i++) {
            String bid = LocalCluster.result(list, String.format("backups.b%04d.id", i));
            if (bid != null && bid.startsWith("s3backup/etcd/") && bid.compareTo(latest) > 0) {
                seen.add(bid);
            }
        }
        return seen.size();
    }

    /**
     * A full bucket: a server whose file system (a tmpfs) holds 8 KiB, less than any snapshot; the upload
     * fails naming it and leaves no object there.
     */
    private static void fullBucket(LocalCluster c, String host, String secret, String id) throws Exception {
        Path small = Files.createTempDirectory("s3-full");
        run("mount", "-t", "tmpfs", "-o", "size=8k,mode=0700", "tmpfs", small.toString());
        try {
            Files.createDirectories(small.resolve(BUCKET));
            try (S3Server full = S3Server.start(small, ACCESS, secret)) {
                fault(c, Map.of("endpoint", "http://" + host + ":" + full.port()), Map.of(), "the bucket is full", id);
            }
            try (var left = Files.walk(small.resolve(BUCKET))) {
                assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "a partial object was left");
            }
        } finally {
            run("umount", small.toString());
            Files.delete(small);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    /**
     * Sets the provider's config to {@code bad}, runs create-backup and checks the failure; then sets
     * {@code good} back (when given) and checks the listing is unchanged.
     */
    private static void fault(LocalCluster c, Map<String, String> bad, Map<String, String> good, String expected,
                              String onlyId) throws Exception {
        c.controller().config("s3-provider", bad);
        c.settle();
        ActionTask t = c.run("etcd/0", "create-backup", Map.of());
        assertEquals(ActionTask.State.FAILED, t.state(), bad + ": " + t.results());
        assertTrue(t.message().contains(expected), bad.keySet() + ": " + t.message());
        assertKeys(c, "etcd", concat(KEYS_A, KEYS_B), List.of());
        if (!good.isEmpty()) {
            c.controller().config("s3-provider", good);
            c.settle();
            assertListed(c, "etcd/0", onlyId, 1);
        }
    }

    private static void assertListed(LocalCluster c, String unit, String id, int count) throws Exception {
        ActionTask list = c.runOk(unit, "list-backups", Map.of());
        assertEquals(Integer.toString(count), LocalCluster.result(list, "count"), String.valueOf(list.results()));
        assertEquals(id, LocalCluster.result(list, "backups.b0000.id"));
        assertEquals("true", LocalCluster.result(list, "backups.b0000.verified"));
        assertEquals(id.substring(id.lastIndexOf("-r") + 2), LocalCluster.result(list, "backups.b0000.revision"));
        assertTrue(LocalCluster.result(list, "backups.b0000.etcd-version").matches("3\\.[0-9]+\\.[0-9]+"),
                String.valueOf(list.results()));
    }

    private static void assertKeys(LocalCluster c, String app, List<String> present, List<String> absent) throws Exception {
        for (String key : present) {
            assertEquals("value-of-" + key, c.etcdctlOf(app, "get", key, "--print-value-only").strip(), app + " " + key);
        }
        for (String key : absent) {
            assertEquals("", c.etcdctlOf(app, "get", key, "--print-value-only").strip(), app + " still has " + key);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** The host's address on the model's bridge: 10.213.X.1 for a unit at 10.213.X.Y. */
    private static String bridgeAddress(String unitAddress) {
        return unitAddress.substring(0, unitAddress.lastIndexOf('.')) + ".1";
    }

    private static Path providerCharm(LocalCluster c) throws IOException {
        Path charm = c.work().resolve("s3-provider");
        Path src = Path.of("cluster-tests/src/test/resources/charms/s3-provider");
        Files.createDirectories(charm);
        for (String f : List.of("metadata.yaml", "config.yaml", "dispatch")) {
            Files.copy(src.resolve(f), charm.resolve(f));
        }
        charm.resolve("dispatch").toFile().setExecutable(true, false);
        return charm;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * A TCP forwarder to the S3 server that cuts every connection once the client has sent more than
     * {@code limit} bytes on it: an upload whose connection drops mid-way.
     */
    private static final class Cutter implements AutoCloseable {
        final AtomicLong cuts = new AtomicLong();
        private final ServerSocket server;

        Cutter(int target, long limit) throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress("0.0.0.0", 0));
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket in = server.accept();
                        Socket out = new Socket("127.0.0.1", target);
                        pump(out, in, Long.MAX_VALUE, in);
                        pump(in, out, limit, in);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "s3-cutter");
            accept.setDaemon(true);
            accept.start();
        }

        private void pump(Socket from, Socket to, long limit, Socket client) {
            Thread t = new Thread(() -> {
                long sent = 0;
                byte[] buf = new byte[4096];
                try (InputStream is = from.getInputStream(); OutputStream os = to.getOutputStream()) {
                    for (int n; (n = is.read(buf)) > 0; ) {
                        if (sent + n > limit) {
                            os.write(buf, 0, (int) (limit - sent));
                            cuts.incrementAndGet();
                            break;
                        }
                        os.write(buf, 0, n);
                        sent += n;
                    }
                } catch (IOException ignored) {
                    // the other direction closed
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "s3-cutter-pump");
            t.setDaemon(true);
            t.start();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
