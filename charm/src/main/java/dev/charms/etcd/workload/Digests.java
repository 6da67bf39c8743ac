package dev.charms.etcd.workload;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 over streamed content (snapshots are too large to read into memory). */
public final class Digests {
    private Digests() {
    }

    /**
     * The SHA-256 of the next {@code length} bytes of {@code in}, or of everything left when
     * {@code length} is negative; {@link EOFException} when the stream ends before {@code length} bytes.
     */
    public static byte[] sha256(InputStream in, long length) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        long left = length;
        while (length < 0 || left > 0) {
            int n = in.read(buffer, 0, length < 0 ? buffer.length : (int) Math.min(buffer.length, left));
            if (n < 0) {
                if (length < 0) {
                    break;
                }
                throw new EOFException("ended after " + (length - left) + " of " + length + " bytes");
            }
            digest.update(buffer, 0, n);
            left -= n;
        }
        return digest.digest();
    }
}
