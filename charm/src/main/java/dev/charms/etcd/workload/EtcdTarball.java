package dev.charms.etcd.workload;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An etcd release tarball (etcd-vX.Y.Z-linux-ARCH.tar.gz), checked before anything is extracted:
 * a gzip tar whose entries all sit in one {@code etcd-*} directory, with no absolute, {@code ..},
 * device or unsafe link entries, holding regular files {@code etcd} and {@code etcdctl} (and
 * {@code etcdutl} for 3.5+). Only those binaries are ever extracted, under names chosen here.
 */
public final class EtcdTarball {
    /** Binaries every release has. */
    public static final List<String> REQUIRED = List.of("etcd", "etcdctl");
    /** The binary 3.5+ releases add. */
    public static final String ETCDUTL = "etcdutl";

    private static final Pattern TOP_DIR = Pattern.compile("etcd-[A-Za-z0-9._+-]+");
    private static final long MAX_BINARY_BYTES = 512L * 1024 * 1024;
    private static final int MAX_ENTRIES = 10_000;
    private static final int BLOCK = 512;

    private final Path file;
    private final String topDir;
    private final Set<String> binaries;

    private EtcdTarball(Path file, String topDir, Set<String> binaries) {
        this.file = file;
        this.topDir = topDir;
        this.binaries = binaries;
    }

    /** Reads and validates {@code file}; throws {@link IllegalArgumentException} naming the problem. */
    public static EtcdTarball open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("etcd tarball " + file + " is not a regular file");
        }
        Map<String, Long> regular = new TreeMap<>();
        Set<String> tops = new TreeSet<>();
        try (InputStream in = gunzip(file)) {
            TarReader reader = new TarReader(in, file);
            TarEntry entry;
            int count = 0;
            while ((entry = reader.next()) != null) {
                if (++count > MAX_ENTRIES) {
                    throw bad(file, "has more than " + MAX_ENTRIES + " entries");
                }
                checkEntry(file, entry);
                String name = stripDotSlash(entry.name);
                tops.add(name.split("/", 2)[0]);
                if (entry.type == TarEntry.Type.FILE) {
                    regular.put(name, entry.size);
                }
                reader.skipData();
            }
        } catch (IOException e) {
            throw bad(file, "cannot be read (" + e.getMessage() + ")");
        }
        if (tops.size() != 1 || !TOP_DIR.matcher(tops.iterator().next()).matches()) {
            throw bad(file, "must hold exactly one etcd-* directory, found " + tops);
        }
        String top = tops.iterator().next();
        Set<String> found = new TreeSet<>();
        for (String binary : List.of("etcd", "etcdctl", ETCDUTL)) {
            Long size = regular.get(top + "/" + binary);
            if (size != null) {
                if (size > MAX_BINARY_BYTES) {
                    throw bad(file, "entry " + top + "/" + binary + " is implausibly large (" + size + " bytes)");
                }
                found.add(binary);
            }
        }
        for (String binary : REQUIRED) {
            if (!found.contains(binary)) {
                throw bad(file, "has no regular file " + top + "/" + binary + ": not an etcd release tarball");
            }
        }
        return new EtcdTarball(file, top, Collections.unmodifiableSet(found));
    }

    /** The release directory inside the tarball, e.g. {@code etcd-v3.5.17-linux-amd64}. */
    public String topDir() {
        return topDir;
    }

    /** The binaries present: etcd, etcdctl and possibly etcdutl. */
    public Set<String> binaries() {
        return binaries;
    }

    /** Writes the binaries into {@code targetDir} (created if missing), each atomically, mode 0755. */
    public void extractBinaries(Path targetDir) throws IOException {
        Files.createDirectories(targetDir);
        try (InputStream in = gunzip(file)) {
            TarReader reader = new TarReader(in, file);
            TarEntry entry;
            while ((entry = reader.next()) != null) {
                String name = stripDotSlash(entry.name);
                String base = name.startsWith(topDir + "/") ? name.substring(topDir.length() + 1) : null;
                if (entry.type == TarEntry.Type.FILE && base != null && binaries.contains(base)) {
                    Path tmp = Files.createTempFile(targetDir, "." + base, ".part");
                    try {
                        try (OutputStream out = Files.newOutputStream(tmp)) {
                            reader.copyData(out);
                        }
                        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                        Files.move(tmp, targetDir.resolve(base), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                } else {
                    reader.skipData();
                }
            }
        }
    }

    private static void checkEntry(Path file, TarEntry entry) {
        String name = entry.name;
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || hasDotDot(name)) {
            throw bad(file, "has an unsafe entry path '" + printable(name) + "'");
        }
        switch (entry.type) {
            case FILE, DIRECTORY -> { }
            case SYMLINK, HARDLINK -> {
                String target = entry.linkName;
                if (target.startsWith("/") || hasDotDot(target)) {
                    throw bad(file, "has a link entry '" + printable(name) + "' pointing outside it ('" + printable(target) + "')");
                }
            }
            default -> throw bad(file, "has an entry '" + printable(name) + "' of unsupported type " + entry.type);
        }
    }

    private static boolean hasDotDot(String path) {
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static String stripDotSlash(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    private static String printable(String s) {
        String cleaned = s.replaceAll("\\p{Cntrl}", "?");
        return cleaned.length() <= 200 ? cleaned : cleaned.substring(0, 200) + "...";
    }

    private static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException("etcd tarball " + file + " " + what);
    }

    private static InputStream gunzip(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        try {
            return new GZIPInputStream(raw, 64 * 1024);
        } catch (ZipException | EOFException e) {
            raw.close();
            throw new IllegalArgumentException("etcd tarball " + file + " is not a gzip file");
        }
    }

    /** One tar header, after GNU long-name and PAX records are applied. */
    private static final class TarEntry {
        enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }

        final String name;
        final String linkName;
        final long size;
        final Type type;

        TarEntry(String name, String linkName, long size, Type type) {
            this.name = name;
            this.linkName = linkName;
            this.size = size;
            this.type = type;
        }
    }

    /** A minimal streaming reader of ustar/GNU/PAX tar archives. */
    private static final class TarReader {
        private final InputStream in;
        private final Path file;
        private long remaining;
        private long padding;
        private boolean first = true;

        TarReader(InputStream in, Path file) {
            this.in = in;
            this.file = file;
        }

        TarEntry next() throws IOException {
            String longName = null;
            String longLink = null;
            Map<String, String> pax = Map.of();
            while (true) {
                skipData();
                byte[] header = new byte[BLOCK];
                int read = in.readNBytes(header, 0, BLOCK);
                if (read == 0 && !first) {
                    return null;
                }
                if (read < BLOCK) {
                    throw bad(file, first ? "is not a tar archive (too short)" : "is truncated");
                }
                if (isZero(header)) {
                    if (first) {
                        throw bad(file, "is not a tar archive (empty)");
                    }
                    return null;
                }
                if (!checksumOk(header)) {
                    throw bad(file, first ? "is not a tar archive (bad header checksum)" : "is corrupt (bad header checksum)");
                }
                first = false;
                char flag = (char) header[156];
                long size = number(header, 124, 12);
                if (size < 0) {
                    throw bad(file, "is corrupt (negative entry size)");
                }
                remaining = size;
                padding = (BLOCK - size % BLOCK) % BLOCK;
                switch (flag) {
                    case 'L' -> {
                        longName = trimNul(new String(readSmallData(), StandardCharsets.UTF_8));
                        continue;
                    }
                    case 'K' -> {
                        longLink = trimNul(new String(readSmallData(), StandardCharsets.UTF_8));
                        continue;
                    }
                    case 'x' -> {
                        pax = parsePax(readSmallData());
                        continue;
                    }
                    case 'g' -> {
                        skipData();
                        continue;
                    }
                    default -> { }
                }
                String name = string(header, 0, 100);
                boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
                if (ustar) {
                    String prefix = string(header, 345, 155);
                    if (!prefix.isEmpty()) {
                        name = prefix + "/" + name;
                    }
                }
                String link = string(header, 157, 100);
                if (longName != null) {
                    name = longName;
                }
                if (longLink != null) {
                    link = longLink;
                }
                name = pax.getOrDefault("path", name);
                link = pax.getOrDefault("linkpath", link);
                if (pax.containsKey("size")) {
                    try {
                        remaining = Long.parseLong(pax.get("size"));
                    } catch (NumberFormatException e) {
                        throw bad(file, "is corrupt (bad PAX size)");
                    }
                    padding = (BLOCK - remaining % BLOCK) % BLOCK;
                }
                TarEntry.Type type = switch (flag) {
                    case '0', '\0', '7' -> name.endsWith("/") ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
                    case '5' -> TarEntry.Type.DIRECTORY;
                    case '2' -> TarEntry.Type.SYMLINK;
                    case '1' -> TarEntry.Type.HARDLINK;
                    default -> TarEntry.Type.OTHER;
                };
                return new TarEntry(name, link, remaining, type);
            }
        }

        void skipData() throws IOException {
            long toSkip = remaining + padding;
            remaining = 0;
            padding = 0;
            while (toSkip > 0) {
                long skipped = in.skip(toSkip);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw bad(file, "is truncated");
                    }
                    skipped = 1;
                }
                toSkip -= skipped;
            }
        }

        void copyData(OutputStream out) throws IOException {
            byte[] buf = new byte[64 * 1024];
            while (remaining > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                if (n < 0) {
                    throw bad(file, "is truncated");
                }
                out.write(buf, 0, n);
                remaining -= n;
            }
            skipData();
        }

        private byte[] readSmallData() throws IOException {
            if (remaining > 1024 * 1024) {
                throw bad(file, "is corrupt (oversized extended header)");
            }
            byte[] data = in.readNBytes((int) remaining);
            if (data.length < remaining) {
                throw bad(file, "is truncated");
            }
            remaining = 0;
            skipData();
            return data;
        }

        private Map<String, String> parsePax(byte[] data) {
            Map<String, String> out = new TreeMap<>();
            int pos = 0;
            while (pos < data.length) {
                int space = indexOf(data, (byte) ' ', pos);
                if (space < 0) {
                    throw bad(file, "is corrupt (bad PAX record)");
                }
                int len;
                try {
                    len = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    throw bad(file, "is corrupt (bad PAX record length)");
                }
                if (len <= space - pos || pos + len > data.length) {
                    throw bad(file, "is corrupt (bad PAX record length)");
                }
                String record = new String(data, space + 1, pos + len - space - 2, StandardCharsets.UTF_8);
                int eq = record.indexOf('=');
                if (eq > 0) {
                    out.put(record.substring(0, eq), record.substring(eq + 1));
                }
                pos += len;
            }
            return out;
        }

        private static int indexOf(byte[] data, byte b, int from) {
            for (int i = from; i < data.length; i++) {
                if (data[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        private static boolean isZero(byte[] block) {
            for (byte b : block) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }

        private boolean checksumOk(byte[] header) {
            long stored;
            try {
                stored = number(header, 148, 8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            long sum = 0;
            for (int i = 0; i < BLOCK; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
            }
            return sum == stored;
        }

        private long number(byte[] header, int off, int len) {
            if ((header[off] & 0x80) != 0) {
                long value = header[off] & 0x7f;
                for (int i = off + 1; i < off + len; i++) {
                    value = (value << 8) | (header[i] & 0xff);
                }
                return value;
            }
            String text = new String(header, off, len, StandardCharsets.US_ASCII).replace('\0', ' ').strip();
            if (text.isEmpty()) {
                return 0;
            }
            try {
                return Long.parseLong(text, 8);
            } catch (NumberFormatException e) {
                throw bad(file, "is not a tar archive (bad numeric field)");
            }
        }

        private static String string(byte[] header, int off, int len) {
            int end = off;
            while (end < off + len && header[end] != 0) {
                end++;
            }
            return new String(header, off, end - off, StandardCharsets.UTF_8);
        }

        private static String trimNul(String s) {
            int nul = s.indexOf('\0');
            return nul < 0 ? s : s.substring(0, nul);
        }
    }

    /** The list form of the binaries, for messages. */
    @Override
    public String toString() {
        return "EtcdTarball[" + file + ", " + topDir + ", " + new ArrayList<>(binaries) + "]";
    }
}
