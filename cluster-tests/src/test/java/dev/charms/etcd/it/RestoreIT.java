package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.ActionTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The {@code snapshot} and {@code restore} actions through the local runner with the real charm and
 * real etcd, on one deployment: bad snapshots are refused without touching the cluster, a restore
 * rolls a 3-unit cluster back to the snapshot with every unit rejoining, and the same snapshot
 * migrates the data into a second application through its {@code snapshot} resource.
 */
class RestoreIT {
    private static final Duration REJOIN = Duration.ofMinutes(4);
    private static final List<String> KEYS_A = List.of("a/1", "a/2", "a/3", "a/4", "a/5");
    private static final List<String> KEYS_B = List.of("b/1", "b/2", "b/3");

    /** What the snapshot action returned. */
    private record Snapshot(String unit, String path, String sha256, String revision, String liveKeys) {
    }

    /**
     * One cluster for every restore case (a 3-unit {@code etcd}, later a 2-unit {@code etcd-new}):
     * <ol>
     * <li>keys A, a client certificate, a snapshot (results checked against the file), keys B;</li>
     * <li>a truncated file, a random file and a wrong sha256 are refused with clear action failures,
     * the cluster keeps the same member ids and every key;</li>
     * <li>restore on the leader: every unit rejoins as a new member, keys A are back, keys B are gone,
     * the earlier client certificate still works (the CA is unchanged), the results are consistent;</li>
     * <li>the original README's migration: the same snapshot attached as {@code etcd-new}'s
     * {@code snapshot} resource and restored with no {@code snapshot} parameter: keys A on etcd-new,
     * both of its units members.</li>
     * </ol>
     */
    @Test
    void badSnapshotsAreRefusedRestoreRollsBackAndTheSnapshotMigratesToANewApplication() throws Exception {
        try (LocalCluster c = new LocalCluster("restore")) {
            c.deploy(3, Map.of());
            c.settle();
            c.assertMembershipMatchesUnits();
            for (String key : KEYS_A) {
                c.put(key, "value-of-" + key);
            }
            String leader = c.leaderUnit();
            Map<String, String> client = clientCertificate(c, leader);
            Snapshot snapshot = snapshot(c, leader);
            for (String key : KEYS_B) {
                c.put(key, "value-of-" + key);
            }

            badSnapshotsAreRefused(c, snapshot);
            restoreRollsTheClusterBack(c, snapshot, client);
            migrateIntoANewApplication(c, snapshot);
        }
    }

    /** generate-client-certificates on {@code unit}; its results as the map {@link LocalCluster#etcdctlWith} takes. */
    private static Map<String, String> clientCertificate(LocalCluster c, String unit) throws Exception {
        ActionTask cert = c.runOk(unit, "generate-client-certificates", Map.of("common-name", "restore-it"));
        Map<String, String> client = c.clientCredentials(cert);
        LocalCluster.Result r = c.etcdctlWith(client, "get", "a/1", "--print-value-only");
        assertEquals(0, r.code(), r.output());
        assertEquals("value-of-a/1", r.output().strip());
        return client;
    }

    /** The snapshot action with its default target; the results describe the file it wrote. */
    private static Snapshot snapshot(LocalCluster c, String unit) throws Exception {
        String liveKeys = c.etcdctl("get", "", "--prefix", "--keys-only", "--limit=1", "-w", "fields").lines()
                .filter(l -> l.startsWith("\"Count\"")).findFirst().orElseThrow().replaceAll("\\D", "");
        ActionTask task = c.runOk(unit, "snapshot", Map.of());
        String path = LocalCluster.result(task, "snapshot.path");
        String sha = LocalCluster.result(task, "snapshot.sha256");
        assertTrue(path.startsWith("/home/ubuntu/etcd-snapshots/etcd-snapshot-etcd-") && path.endsWith(".db"), path);
        byte[] file = Files.readAllBytes(c.controller().hostPath(unit, path));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)), sha);
        assertEquals(String.valueOf(file.length), LocalCluster.result(task, "snapshot.size"));
        assertEquals("3.4.23", LocalCluster.result(task, "snapshot.version"));
        assertEquals("juju scp " + unit + ":" + path + " .", LocalCluster.result(task, "copy.cmd"));
        String revision = LocalCluster.result(task, "snapshot.revision");
        assertTrue(Long.parseLong(revision) >= KEYS_A.size(), "revision " + revision);
        return new Snapshot(unit, path, sha, revision, liveKeys);
    }

    private static Set<String> memberIds(LocalCluster c, String app) throws Exception {
        return c.membersOf(app).stream().map(LocalCluster.Member::id).collect(Collectors.toSet());
    }

    private static void assertKeys(LocalCluster c, String app, List<String> present, List<String> absent) throws Exception {
        for (String key : present) {
            assertEquals("value-of-" + key, c.etcdctlOf(app, "get", key, "--print-value-only").strip(), app + " " + key);
        }
        for (String key : absent) {
            assertEquals("", c.etcdctlOf(app, "get", key, "--print-value-only").strip(), app + " " + key + " should be gone");
        }
    }

    /**
     * restore dry-run=true: the snapshot verified, the writes since it named, the backup and the rejoining
     * units announced; no backup written (the callers then check members and keys are unchanged).
     */
    private static void dryRunReportsThePlanAndChangesNothing(LocalCluster c, Snapshot good) throws Exception {
        String leader = c.leaderUnit();
        String listing = "ls /home/ubuntu | grep -c etcd-snapshot || true";
        String before = c.controller().exec(leader, listing, Duration.ofSeconds(20)).stdout().strip();
        ActionTask dry = c.runOk("etcd/leader", "restore", Map.of("snapshot", good.path(), "sha256", good.sha256(), "dry-run", true));
        assertEquals("true", LocalCluster.result(dry, "dry-run"), String.valueOf(dry.results()));
        assertEquals(good.revision(), LocalCluster.result(dry, "snapshot.revision"));
        assertEquals(good.sha256(), LocalCluster.result(dry, "snapshot.sha256"));
        long current = Long.parseLong(LocalCluster.result(dry, "current.revision"));
        assertTrue(current >= Long.parseLong(good.revision()) + KEYS_B.size(), "current revision " + current);
        assertEquals("revisions " + (Long.parseLong(good.revision()) + 1) + " to " + current
                + " (writes since the snapshot) would be lost", LocalCluster.result(dry, "current.note"));
        assertEquals("3", LocalCluster.result(dry, "current.members"));
        assertEquals("a snapshot of the current data would be saved in /home/ubuntu", LocalCluster.result(dry, "backup"));
        List<String> others = c.units().stream().filter(u -> !u.equals(leader)).sorted().toList();
        assertEquals("rebuild " + leader + "'s member from the snapshot as a new one-member cluster; then "
                + String.join(", ", others) + " leave the old cluster (their data moved aside) and rejoin one at a time"
                + " as learners", LocalCluster.result(dry, "plan"));
        assertEquals(before, c.controller().exec(leader, listing, Duration.ofSeconds(20)).stdout().strip(),
                "a dry run wrote a backup");
        ActionTask dryMismatch = c.run("etcd/leader", "restore", Map.of("snapshot", good.path(), "sha256", "cd".repeat(32),
                "dry-run", true));
        assertEquals(ActionTask.State.FAILED, dryMismatch.state(), "a dry run makes the same checks");
    }

    /** A truncated file, a random file and a wrong sha256: each a failed action naming it; nothing changes. */
    private static void badSnapshotsAreRefused(LocalCluster c, Snapshot good) throws Exception {
        Set<String> idsBefore = memberIds(c, "etcd");
        long size = Files.size(c.controller().hostPath(good.unit(), good.path()));
        String leader = c.leaderUnit();
        assertEquals(good.unit(), leader, "the snapshot was taken on the leader");
        assertEquals(0, c.controller().exec(leader, "head -c " + size / 2 + " " + good.path() + " > /root/truncated.db"
                + " && head -c 65536 /dev/urandom > /root/garbage.db", Duration.ofSeconds(20)).exitCode());

        for (String bad : List.of("/root/truncated.db", "/root/garbage.db")) {
            ActionTask refused = c.run("etcd/leader", "restore", Map.of("snapshot", bad));
            assertEquals(ActionTask.State.FAILED, refused.state(), bad + ": " + refused.results());
            assertTrue(refused.message().startsWith("snapshot " + bad + " is not a valid etcd snapshot: "), refused.message());
            assertTrue(!refused.message().contains("\n"), refused.message());
        }
        String wrong = "ab".repeat(32);
        ActionTask mismatch = c.run("etcd/leader", "restore", Map.of("snapshot", good.path(), "sha256", wrong));
        assertEquals(ActionTask.State.FAILED, mismatch.state(), String.valueOf(mismatch.results()));
        assertEquals("snapshot " + good.path() + " has sha256 " + good.sha256() + ", expected " + wrong
                + ": refusing to restore it", mismatch.message());

        dryRunReportsThePlanAndChangesNothing(c, good);

        c.settle();
        assertEquals(idsBefore, memberIds(c, "etcd"), "the members changed after a refused restore");
        c.assertMembershipMatchesUnits();
        assertKeys(c, "etcd", concat(KEYS_A, KEYS_B), List.of());
        for (String unit : c.units()) {
            assertEquals("", c.controller().exec(unit, "ls -d /var/lib/etcd/data.pre-restore-* 2>/dev/null",
                    Duration.ofSeconds(10)).stdout(), unit + " had its data moved by a refused restore");
        }
    }

    /** Restore on the leader with the snapshot's path and sha256: back to keys A, every unit a new member. */
    private static void restoreRollsTheClusterBack(LocalCluster c, Snapshot snapshot, Map<String, String> client)
            throws Exception {
        Set<String> idsBefore = memberIds(c, "etcd");
        String leader = c.leaderUnit();
        String caBefore = Files.readString(c.controller().hostPath(leader, "/etc/etcd/pki/ca.crt"));

        ActionTask restore = c.runOk("etcd/leader", "restore", Map.of("snapshot", snapshot.path(), "sha256", snapshot.sha256()));
        assertEquals(snapshot.path(), LocalCluster.result(restore, "restore.snapshot"));
        assertEquals(snapshot.sha256(), LocalCluster.result(restore, "restore.sha256"));
        assertEquals(snapshot.revision(), LocalCluster.result(restore, "restore.revision"));
        assertEquals(snapshot.liveKeys(), LocalCluster.result(restore, "restore.keys"));
        assertTrue(LocalCluster.result(restore, "restore.previous-data").startsWith("/var/lib/etcd/data.pre-restore-"),
                String.valueOf(restore.results()));
        String backup = LocalCluster.result(restore, "backup.path");
        assertTrue(backup.startsWith("/home/ubuntu/etcd-snapshot-etcd-"), backup);
        assertTrue(Files.size(c.controller().hostPath(leader, backup)) > 0, backup);
        assertTrue(LocalCluster.result(restore, "backup.sha256sum").matches("[0-9a-f]{64}"), String.valueOf(restore.results()));
        String newId = LocalCluster.result(restore, "restore.member-id");
        assertTrue(!idsBefore.contains(newId), "the restored member kept an old id " + newId);

        c.await("every unit rejoined the restored cluster as a new voting member", REJOIN, () -> {
            LocalCluster.Result r = c.etcdctlRaw(true, "member", "list");
            return r.code() == 0 && r.output().lines().filter(l -> l.contains(", started, ") && l.endsWith("false")).count() == 3;
        });
        c.settle();
        c.assertMembershipMatchesUnits();
        Set<String> idsAfter = memberIds(c, "etcd");
        assertTrue(idsAfter.stream().noneMatch(idsBefore::contains), "old members " + idsBefore + " in " + idsAfter);
        assertTrue(idsAfter.contains(newId), idsAfter + " lacks the restored member " + newId);
        assertKeys(c, "etcd", KEYS_A, KEYS_B);
        assertEquals(caBefore, Files.readString(c.controller().hostPath(leader, "/etc/etcd/pki/ca.crt")), "the CA changed");
        LocalCluster.Result old = c.etcdctlWith(client, "put", "after-restore", "yes");
        assertEquals(0, old.code(), "a client certificate issued before the restore was refused: " + old.output());
        assertEquals("yes", c.get("after-restore"));
    }

    /** The snapshot as etcd-new's resource, restored on its leader with no snapshot parameter. */
    private static void migrateIntoANewApplication(LocalCluster c, Snapshot snapshot) throws Exception {
        Path file = c.work().resolve("etcd-snapshot.db");
        Files.copy(c.controller().hostPath(snapshot.unit(), snapshot.path()), file);
        c.controller().deploy(LocalCluster.CHARM, "etcd-new", 2, Map.of(), Map.of());
        c.settle();
        c.assertMembershipMatchesUnitsOf("etcd-new");
        assertKeys(c, "etcd-new", List.of(), KEYS_A);
        Set<String> idsBefore = memberIds(c, "etcd-new");

        c.controller().attachResource("etcd-new", "snapshot", file);
        c.settle();
        ActionTask restore = c.runOk("etcd-new/leader", "restore", Map.of("sha256", snapshot.sha256()));
        assertTrue(LocalCluster.result(restore, "restore.snapshot").endsWith("/resources/snapshot/snapshot.db"),
                String.valueOf(restore.results()));
        assertEquals(snapshot.revision(), LocalCluster.result(restore, "restore.revision"));

        c.await("etcd-new's other unit rejoined", REJOIN, () -> {
            LocalCluster.Result r = c.etcdctlRawOf("etcd-new", true, "member", "list");
            return r.code() == 0 && r.output().lines().filter(l -> l.contains(", started, ") && l.endsWith("false")).count() == 2;
        });
        c.settle();
        c.assertMembershipMatchesUnitsOf("etcd-new");
        assertTrue(memberIds(c, "etcd-new").stream().noneMatch(idsBefore::contains), "etcd-new kept an old member");
        assertKeys(c, "etcd-new", KEYS_A, KEYS_B);
        assertNotEquals(Files.readString(c.controller().hostPath(c.leaderUnitOf("etcd-new"), "/etc/etcd/pki/ca.crt")),
                Files.readString(c.controller().hostPath(c.leaderUnit(), "/etc/etcd/pki/ca.crt")),
                "etcd-new has its own CA");
        c.assertMembershipMatchesUnits();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
