package dev.charms.etcd.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.backup.BackupKeys.BackupId;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupKeysTest {
    private static final Instant T = Instant.parse("2026-12-07T21:30:05.123Z");

    @Test
    void layoutNamesModelApplicationTimeAndRevision() {
        BackupKeys keys = new BackupKeys("/cluster-a/");
        BackupId id = BackupKeys.id("prod", "etcd", T, 1234);
        assertEquals("prod/etcd/20261207T213005Z-r1234", id.id());
        assertEquals("cluster-a/etcd-backups/prod/etcd/20261207T213005Z-r1234.db", keys.dataKey(id));
        assertEquals("cluster-a/etcd-backups/prod/etcd/20261207T213005Z-r1234.db.sha256", keys.sumKey(id));
        assertEquals("etcd-backups/", new BackupKeys("").prefix());
    }

    @Test
    void keysAndIdsRoundTrip() {
        BackupKeys keys = new BackupKeys("p");
        BackupId id = BackupKeys.id("prod", "etcd-new", T, 7);
        assertEquals(Optional.of(id), keys.fromDataKey(keys.dataKey(id)));
        assertEquals(Optional.of(id), keys.fromSumKey(keys.sumKey(id)));
        assertEquals(Optional.of(id), BackupKeys.parseId(id.id()));
        assertEquals(Optional.empty(), keys.fromDataKey(keys.sumKey(id)));
        assertEquals(Optional.empty(), keys.fromDataKey("p/etcd-backups/prod/etcd/notes.txt"));
        assertEquals(Optional.empty(), new BackupKeys("other").fromDataKey(keys.dataKey(id)));
    }

    @Test
    void badIdsAreNotIds() {
        for (String bad : new String[] {"", "etcd/20261207T213005Z-r1", "prod/etcd/2026-12-07-r1", "prod/etcd/20261207T213005Z",
                "../etcd/20261207T213005Z-r1", "prod/etcd/20261207T213005Z-r1/../x", "prod/etcd/20261399T213005Z-r1"}) {
            assertEquals(Optional.empty(), BackupKeys.parseId(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> BackupKeys.id("Prod", "etcd", T, 1));
    }

    @Test
    void checksumObjectIsSha256sumFormat() {
        BackupId id = BackupKeys.id("prod", "etcd", T, 1234);
        String sha = "ab".repeat(32);
        String line = BackupKeys.sumLine(sha, id);
        assertEquals(sha + "  20261207T213005Z-r1234.db\n", line);
        assertEquals(Optional.of(sha), BackupKeys.parseSum(line));
        assertTrue(BackupKeys.parseSum("garbage").isEmpty());
    }
}
