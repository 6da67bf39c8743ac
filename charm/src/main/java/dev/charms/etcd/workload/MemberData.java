package dev.charms.etcd.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Checks, without starting etcd, that a data directory still holds a member's data: a WAL
 * ({@code member/wal/*.wal}) and a backend ({@code member/snap/db}) of which at least one of bbolt's two
 * meta pages is intact (its magic number, version and FNV-1a checksum; bbolt refuses a file where both
 * fail). What it cannot see (a damaged record inside the WAL, a damaged data page of the backend) etcd
 * finds when it starts.
 */
public final class MemberData {
    private static final int MAGIC = 0xED0CDAED;
    private static final int VERSION = 2;
    /** The page header before a meta page's body: id (8), flags (2), count (2), overflow (4). */
    private static final int PAGE_HEADER = 16;
    /** The meta body up to its checksum: magic, version, page size, flags, root bucket (16), freelist, pgid, txid. */
    private static final int META_SUMMED = 56;
    private static final int DEFAULT_PAGE = 4096;

    private MemberData() {
    }

    /** Why the member data under {@code dataDir} is unusable; empty when it looks whole. */
    public static Optional<String> damage(Path dataDir) {
        Path member = dataDir.resolve("member");
        if (!Files.isDirectory(member)) {
            return Optional.of("its data directory " + dataDir + " holds no member data (member/ is missing)");
        }
        Path wal = member.resolve("wal");
        if (!hasWalFile(wal)) {
            return Optional.of("its write-ahead log is missing (no " + wal + "/*.wal)");
        }
        Path db = member.resolve("snap").resolve("db");
        if (!Files.isRegularFile(db)) {
            return Optional.of("its backend " + db + " is missing");
        }
        return backendDamage(db);
    }

    private static boolean hasWalFile(Path wal) {
        if (!Files.isDirectory(wal)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(wal, "*.wal")) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Empty when one of bbolt's meta pages (page 0, or page 1 one page size later) is valid. */
    static Optional<String> backendDamage(Path db) {
        try (FileChannel ch = FileChannel.open(db, StandardOpenOption.READ)) {
            Optional<Integer> page0 = validMeta(ch, 0);
            if (page0.isPresent()) {
                return Optional.empty();
            }
            for (int pageSize : new int[] {DEFAULT_PAGE, 16384, 65536}) {
                if (validMeta(ch, pageSize).isPresent()) {
                    return Optional.empty();
                }
            }
            return Optional.of("its backend " + db + " is damaged (neither of its meta pages is valid)");
        } catch (IOException e) {
            return Optional.of("its backend " + db + " cannot be read: " + e.getMessage());
        }
    }

    /** The page size a valid meta page at {@code offset} states; empty when the page is not a valid meta page. */
    private static Optional<Integer> validMeta(FileChannel ch, long offset) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(PAGE_HEADER + META_SUMMED + 8).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                return Optional.empty();
            }
        }
        buf.flip();
        if (buf.getInt(PAGE_HEADER) != MAGIC || buf.getInt(PAGE_HEADER + 4) != VERSION) {
            return Optional.empty();
        }
        long stored = buf.getLong(PAGE_HEADER + META_SUMMED);
        long sum = fnv1a64(buf.array(), PAGE_HEADER, META_SUMMED);
        return sum == stored ? Optional.of(buf.getInt(PAGE_HEADER + 8)) : Optional.empty();
    }

    /** FNV-1a, 64 bits, as Go's hash/fnv New64a: what bbolt sums its meta pages with. */
    static long fnv1a64(byte[] bytes, int from, int length) {
        long hash = 0xcbf29ce484222325L;
        for (int i = from; i < from + length; i++) {
            hash ^= bytes[i] & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

}
