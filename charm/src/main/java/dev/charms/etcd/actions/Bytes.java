package dev.charms.etcd.actions;

import dev.charms.etcd.workload.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/** Byte sizes for people, and file checksums. */
public final class Bytes {
    private Bytes() {
    }

    /** {@code 1536} as "1.5 KiB", {@code 12} as "12 B". */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    /** The lowercase hex SHA-256 of a file's content. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(Digests.sha256(in, -1));
        }
    }
}
