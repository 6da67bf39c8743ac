package dev.charms.etcd.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.ops.ActionFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupsTest {
    private static final Instant T1 = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-12-07T11:00:00Z");

    @TempDir
    Path tmp;

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final BackupKeys keys = new BackupKeys("team");
    private final Backups backups = new Backups(store, keys);

    private Path snapshot(String content) throws Exception {
        Path f = tmp.resolve("snap-" + content.hashCode() + ".db");
        Files.writeString(f, content);
        return f;
    }

    private static String sha(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    private Backups.Listed upload(String content, long revision, Instant t) throws Exception {
        Path f = snapshot(content);
        return backups.upload(f, sha(f), Files.size(f), "3.5.30", revision, "prod", "etcd", "etcd/0", t);
    }

    @Test
    void uploadWritesTheSnapshotThenItsChecksumAndListsItVerified() throws Exception {
        Backups.Listed b = upload("snapshot-one", 42, T1);
        assertEquals("prod/etcd/20261207T100000Z-r42", b.id().id());
        assertTrue(store.objects.containsKey("team/etcd-backups/prod/etcd/20261207T100000Z-r42.db"));
        assertEquals(b.sha256() + "  20261207T100000Z-r42.db\n",
                store.getText("team/etcd-backups/prod/etcd/20261207T100000Z-r42.db.sha256").orElseThrow());
        upload("snapshot-two", 50, T2);
        List<Backups.Listed> all = backups.list();
        assertEquals(List.of("prod/etcd/20261207T100000Z-r42", "prod/etcd/20261207T110000Z-r50"),
                all.stream().map(l -> l.id().id()).toList());
        assertTrue(all.stream().allMatch(Backups.Listed::verified));
        Map<String, Object> r = all.get(0).toResult();
        assertEquals(42L, r.get("revision"));
        assertEquals("3.5.30", r.get("etcd-version"));
        assertEquals((long) "snapshot-one".length(), r.get("size"));
        assertEquals("2026-12-07T10:00:00Z", r.get("time"));
    }

    @Test
    void aCutUploadLeavesNothingAndIsNeverListedAsGood() throws Exception {
        store.failPutsOf = ".db";
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> upload("snap", 1, T1));
        assertTrue(e.getMessage().contains("no backup was recorded"), e.getMessage());
        assertTrue(store.objects.isEmpty());
        // The checksum upload cut: the snapshot object is deleted again.
        store.failPutsOf = ".sha256";
        assertThrows(ActionFailedException.class, () -> upload("snap", 1, T1));
        assertTrue(store.objects.isEmpty(), store.objects.keySet().toString());
        // ... and when even the delete fails, the leftover is listed as not verified.
        store.failDeletes = true;
        e = assertThrows(ActionFailedException.class, () -> upload("snap", 1, T1));
        assertTrue(e.getMessage().contains("list-backups shows it as not verified"), e.getMessage());
        List<Backups.Listed> all = backups.list();
        assertEquals(1, all.size());
        assertFalse(all.get(0).verified());
    }

    @Test
    void downloadChecksTheContentAgainstTheChecksumObject() throws Exception {
        Backups.Listed b = upload("the-data", 7, T1);
        Path dir = Files.createDirectory(tmp.resolve("dl"));
        Map.Entry<Path, String> got = backups.download(b.id().id(), dir);
        assertArrayEquals("the-data".getBytes(), Files.readAllBytes(got.getKey()));
        assertEquals(b.sha256(), got.getValue());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(got.getKey())));

        // Tampered content: refused, nothing left behind.
        String key = keys.dataKey(b.id());
        store.objects.put(key, new InMemoryObjectStore.Obj("the-dat4".getBytes(), store.objects.get(key).meta()));
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> backups.download(b.id().id(), dir));
        assertTrue(e.getMessage().contains("refusing to restore it"), e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void downloadRefusesUnknownIncompleteAndMalformedIds() throws Exception {
        Backups.Listed b = upload("x", 3, T1);
        Path dir = Files.createDirectory(tmp.resolve("dl"));
        assertMessage(() -> backups.download("prod/etcd/20261207T100001Z-r3", dir), "is not in the bucket");
        assertMessage(() -> backups.download("../../etc/passwd", dir), "is not a backup id");
        store.objects.remove(keys.sumKey(b.id()));
        assertMessage(() -> backups.download(b.id().id(), dir), "has no checksum object");
        assertFalse(backups.list().get(0).verified());
    }

    @Test
    void aChecksumThatDisagreesWithTheMetadataIsNotVerified() throws Exception {
        Backups.Listed b = upload("x", 3, T1);
        store.putText(keys.sumKey(b.id()), "0".repeat(64) + "  x.db\n");
        assertFalse(backups.list().get(0).verified());
    }

    @Test
    void retentionDeletesTheOldestVerifiedBackupsOfThisApplicationOnly() throws Exception {
        upload("one", 1, T1);
        upload("two", 2, T2);
        upload("three", 3, Instant.parse("2026-12-07T12:00:00Z"));
        Path f = snapshot("other-app");
        backups.upload(f, sha(f), Files.size(f), "3.5.30", 1, "prod", "etcd-other", "etcd-other/0", T1);
        Path g = snapshot("other-model");
        backups.upload(g, sha(g), Files.size(g), "3.5.30", 1, "dev", "etcd", "etcd/0", T1);
        // An unverified leftover of this application is not counted and not deleted.
        store.objects.put("team/etcd-backups/prod/etcd/20261207T090000Z-r0.db",
                new InMemoryObjectStore.Obj("partial".getBytes(), Map.of()));

        assertEquals(List.of(), backups.prune("prod", "etcd", 0));
        assertEquals(List.of("prod/etcd/20261207T100000Z-r1"), backups.prune("prod", "etcd", 2));
        assertEquals(List.of("prod/etcd/20261207T110000Z-r2"), backups.prune("prod", "etcd", 1));
        assertEquals(List.of(), backups.prune("prod", "etcd", 1));
        List<String> left = backups.list().stream().map(l -> l.id().id()).toList();
        assertEquals(List.of("prod/etcd/20261207T090000Z-r0", "dev/etcd/20261207T100000Z-r1",
                "prod/etcd-other/20261207T100000Z-r1", "prod/etcd/20261207T120000Z-r3"), left);
        assertFalse(store.objects.containsKey(keys.sumKey(BackupKeys.id("prod", "etcd", T1, 1))));
    }

    @Test
    void retentionInDaysDeletesOlderBackupsButNeverTheNewestAndBothLimitsApply() throws Exception {
        Instant now = Instant.parse("2026-12-08T00:00:00Z");
        for (int age : new int[] {10, 8, 6, 3, 1}) {
            upload("age" + age, age, now.minus(java.time.Duration.ofDays(age)));
        }
        // 7 days: the 10- and 8-day-old go; with a count of 2 as well, the 6-day-old too
        assertEquals(List.of("prod/etcd/20261128T000000Z-r10", "prod/etcd/20261130T000000Z-r8"),
                backups.prune("prod", "etcd", 0, 7, now));
        assertEquals(List.of("prod/etcd/20261202T000000Z-r6"), backups.prune("prod", "etcd", 2, 7, now));
        // everything is older than 30 days a month later: the newest stays
        assertEquals(List.of("prod/etcd/20261205T000000Z-r3"),
                backups.prune("prod", "etcd", 0, 1, now.plus(java.time.Duration.ofDays(30))));
        assertEquals(List.of("prod/etcd/20261207T000000Z-r1"), backups.list().stream()
                .filter(Backups.Listed::verified).map(l -> l.id().id()).toList());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        ActionFailedException e = assertThrows(ActionFailedException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
