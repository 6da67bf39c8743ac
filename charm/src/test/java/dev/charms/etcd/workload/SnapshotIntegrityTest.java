package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The integrity hash at the end of an etcd snapshot, checked as {@code snapshot restore} checks it. */
class SnapshotIntegrityTest {
    @TempDir
    Path dir;

    /** A database-like body (pages of 4096 bytes) followed by its SHA-256, as etcd streams a snapshot. */
    private static byte[] snapshot(int pages) throws Exception {
        byte[] db = new byte[pages * 4096];
        new Random(7).nextBytes(db);
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(db);
        byte[] out = Arrays.copyOf(db, db.length + sha.length);
        System.arraycopy(sha, 0, out, db.length, sha.length);
        return out;
    }

    private Path write(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void aSnapshotWithItsHashPasses() throws Exception {
        Path good = write("good.db", snapshot(40));
        assertDoesNotThrow(() -> SnapshotIntegrity.check(good, good));
    }

    @Test
    void truncatedAlteredAndHashlessFilesAreRefusedNamingTheFile() throws Exception {
        byte[] good = snapshot(40);
        Path half = write("half.db", Arrays.copyOf(good, good.length / 2));
        Path aligned = write("aligned.db", Arrays.copyOf(good, 20 * 4096 + 32));
        byte[] flipped = good.clone();
        flipped[5000] ^= 1;
        Path altered = write("altered.db", flipped);
        Path memberDb = write("db", Arrays.copyOf(good, 40 * 4096));
        Path tiny = write("tiny.db", "not a database\n".getBytes());

        assertEquals("snapshot /shown/half.db is not a valid etcd snapshot: it has no integrity hash at its end ("
                + good.length / 2 + " bytes: truncated, or a copy of a member's db file rather than a snapshot)",
                assertThrows(IllegalArgumentException.class, () -> SnapshotIntegrity.check(Path.of("/shown/half.db"), half))
                        .getMessage());
        for (Path p : new Path[] {memberDb, tiny}) {
            assertThrows(IllegalArgumentException.class, () -> SnapshotIntegrity.check(p, p), p.toString());
        }
        for (Path p : new Path[] {aligned, altered}) {
            assertEquals("snapshot " + p + " is not a valid etcd snapshot: its integrity hash does not match its content"
                    + " (truncated or altered)",
                    assertThrows(IllegalArgumentException.class, () -> SnapshotIntegrity.check(p, p)).getMessage());
        }
    }
}
