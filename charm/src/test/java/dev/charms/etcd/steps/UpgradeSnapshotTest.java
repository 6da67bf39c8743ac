package dev.charms.etcd.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.workload.EtcdVersion;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a restart is an upgrade that needs the snapshot first. */
class UpgradeSnapshotTest {
    @Test
    void theRunningVersionIsTheFingerprintsLastPart() {
        assertEquals(Optional.of(new EtcdVersion(3, 4, 23)), UpgradeSnapshot.runningVersion("9f2c0a-3.4.23"));
        assertEquals(Optional.of(new EtcdVersion(3, 5, 16)), UpgradeSnapshot.runningVersion("a-b-c-3.5.16"));
        assertEquals(Optional.empty(), UpgradeSnapshot.runningVersion(""));
        assertEquals(Optional.empty(), UpgradeSnapshot.runningVersion(null));
        assertEquals(Optional.empty(), UpgradeSnapshot.runningVersion("9f2c0a-notaversion"));
    }

    @Test
    void onlyANewerMinorVersionNeedsTheSnapshot() {
        EtcdVersion v3423 = new EtcdVersion(3, 4, 23);
        assertTrue(UpgradeSnapshot.movesMinor(v3423, new EtcdVersion(3, 5, 16)));
        assertFalse(UpgradeSnapshot.movesMinor(new EtcdVersion(3, 5, 16), new EtcdVersion(3, 5, 30)), "a patch release");
        assertFalse(UpgradeSnapshot.movesMinor(v3423, v3423), "the same version");
        assertFalse(UpgradeSnapshot.movesMinor(new EtcdVersion(3, 5, 16), v3423), "an older version");
    }
}
