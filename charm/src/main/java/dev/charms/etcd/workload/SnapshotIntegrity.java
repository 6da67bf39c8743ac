package dev.charms.etcd.workload;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The integrity check {@code snapshot restore} makes before it touches anything: a snapshot streamed
 * from etcd ends with the SHA-256 of the database before it, so its size is 32 bytes more than a
 * multiple of 512. {@code snapshot status} does not check this, so a truncated snapshot can pass it
 * and then fail the restore after the member was already stopped; checking here refuses it first.
 */
final class SnapshotIntegrity {
    private static final int HASH = 32;
    private static final int ALIGN = 512;

    private SnapshotIntegrity() {
    }

    /**
     * Throws {@link IllegalArgumentException} naming {@code snapshot} when {@code file} (its content)
     * has no integrity hash or one that does not match.
     */
    static void check(Path snapshot, Path file) throws IOException {
        long size = Files.size(file);
        if (size < ALIGN + HASH || size % ALIGN != HASH) {
            throw new IllegalArgumentException("snapshot " + snapshot + " is not a valid etcd snapshot: it has no"
                    + " integrity hash at its end (" + size + " bytes: truncated, or a copy of a member's db file"
                    + " rather than a snapshot)");
        }
        byte[] computed;
        byte[] stored = new byte[HASH];
        try (InputStream in = Files.newInputStream(file)) {
            computed = Digests.sha256(in, size - HASH);
            if (in.readNBytes(stored, 0, HASH) != HASH) {
                throw new IOException("snapshot " + snapshot + " ended early");
            }
        } catch (EOFException e) {
            throw new IOException("snapshot " + snapshot + " ended early");
        }
        if (!Arrays.equals(computed, stored)) {
            throw new IllegalArgumentException("snapshot " + snapshot + " is not a valid etcd snapshot: its integrity"
                    + " hash does not match its content (truncated or altered)");
        }
    }
}
