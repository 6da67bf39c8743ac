package dev.charms.runner.controller;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the unix file modes that zip tools store in the central directory's external attributes
 * (upper 16 bits); java.util.zip does not expose them.
 */
final class ZipModes {
    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;

    private ZipModes() {
    }

    /** Entry name to unix mode (0 when the archive was not made on unix). */
    static Map<String, Integer> read(Path archive) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(archive)).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = -1;
        for (int i = buf.limit() - 22; i >= Math.max(0, buf.limit() - 22 - 65535); i--) {
            if (buf.getInt(i) == EOCD_SIGNATURE) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new IOException("not a zip archive (no end of central directory): " + archive);
        }
        int count = Short.toUnsignedInt(buf.getShort(eocd + 10));
        int pos = (int) Integer.toUnsignedLong(buf.getInt(eocd + 16));
        Map<String, Integer> modes = new HashMap<>();
        for (int n = 0; n < count; n++) {
            if (pos + 46 > buf.limit() || buf.getInt(pos) != CENTRAL_SIGNATURE) {
                throw new IOException("corrupt zip central directory in " + archive);
            }
            int madeBy = Short.toUnsignedInt(buf.getShort(pos + 4)) >>> 8;
            int nameLen = Short.toUnsignedInt(buf.getShort(pos + 28));
            int extraLen = Short.toUnsignedInt(buf.getShort(pos + 30));
            int commentLen = Short.toUnsignedInt(buf.getShort(pos + 32));
            int external = buf.getInt(pos + 38);
            byte[] name = new byte[nameLen];
            buf.get(pos + 46, name);
            modes.put(new String(name, StandardCharsets.UTF_8), madeBy == 3 ? (external >>> 16) : 0);
            pos += 46 + nameLen + extraLen + commentLen;
        }
        return modes;
    }
}
