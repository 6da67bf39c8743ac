package dev.charms.etcd.pki;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Writes regular files into a POSIX ustar archive stream (flat names, owner root). */
final class UstarWriter {
    private static final int BLOCK = 512;
    private static final int MAX_NAME = 100;

    private final OutputStream out;

    UstarWriter(OutputStream out) {
        this.out = out;
    }

    /** Appends one regular file entry with the given octal mode (e.g. {@code 0600}). */
    void addFile(String name, int mode, Instant modified, byte[] content) throws IOException {
        boolean printableAscii = name.chars().allMatch(c -> c > ' ' && c < 0x7f);
        if (name.isEmpty() || name.length() > MAX_NAME || !printableAscii || name.contains("/")) {
            throw new IllegalArgumentException("invalid tar entry name: " + name);
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        byte[] header = new byte[BLOCK];
        put(header, 0, nameBytes);
        putOctal(header, 100, 8, mode);
        putOctal(header, 108, 8, 0);
        putOctal(header, 116, 8, 0);
        putOctal(header, 124, 12, content.length);
        putOctal(header, 136, 12, modified.getEpochSecond());
        header[156] = '0';
        put(header, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(header, 263, "00".getBytes(StandardCharsets.US_ASCII));
        put(header, 265, "root".getBytes(StandardCharsets.US_ASCII));
        put(header, 297, "root".getBytes(StandardCharsets.US_ASCII));
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        putOctal(header, 148, 7, checksum);
        out.write(header);
        out.write(content);
        out.write(new byte[padding(content.length)]);
    }

    /** Writes the two zero blocks that end the archive; the stream itself is left open. */
    void finish() throws IOException {
        out.write(new byte[2 * BLOCK]);
    }

    private static int padding(int length) {
        return (BLOCK - length % BLOCK) % BLOCK;
    }

    private static void put(byte[] header, int offset, byte[] value) {
        System.arraycopy(value, 0, header, offset, value.length);
    }

    /** Zero-padded octal digits filling {@code width - 1} bytes, then a NUL. */
    private static void putOctal(byte[] header, int offset, int width, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > width - 1) {
            throw new IllegalArgumentException("value too large for a tar header field: " + value);
        }
        put(header, offset, ("0".repeat(width - 1 - digits.length()) + digits).getBytes(StandardCharsets.US_ASCII));
        header[offset + width - 1] = 0;
    }
}
