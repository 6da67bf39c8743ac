package dev.charms.etcd.actions;

import dev.charms.ops.ActionFailedException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Checks the directory a snapshot (or a pre-restore backup) is written to: an absolute path to a
 * writable directory. A missing directory is created (mode 0700, owned like its parent, so a
 * directory under /home/ubuntu belongs to ubuntu and {@code juju scp} can read what is written
 * there) only when its parent exists; nothing deeper is created, to catch typos.
 */
public final class SnapshotTarget {
    /** Space kept free beyond the snapshot itself. */
    public static final long MIN_MARGIN_BYTES = 16L << 20;

    private SnapshotTarget() {
    }

    /**
     * The {@code keys-version} parameter of the original charm's snapshot action: {@code v3} (or absent)
     * is what this charm snapshots; {@code v2} is refused, naming why.
     */
    public static void checkKeysVersion(Object keysVersion) {
        if (keysVersion == null || "v3".equals(keysVersion)) {
            return;
        }
        if ("v2".equals(keysVersion)) {
            throw new ActionFailedException("keys-version v2 is not supported: snapshots are taken through etcd's v3"
                    + " maintenance API and hold the v3 keyspace only (etcd v2-API keys are not part of them)");
        }
        throw new ActionFailedException("keys-version must be v3, got " + keysVersion);
    }

    /** Validates (and if needed creates) {@code target}; an {@link ActionFailedException} names the problem. */
    public static Path prepare(String target) {
        return resolve(target, true);
    }

    /**
     * Validates {@code target} as {@link #prepare} does, creating nothing: a missing directory passes when
     * its parent exists (prepare would create it).
     */
    public static Path check(String target) {
        return resolve(target, false);
    }

    private static Path resolve(String target, boolean create) {
        if (target == null || target.isBlank()) {
            throw new ActionFailedException("target is empty: give an absolute directory, e.g. /home/ubuntu/etcd-snapshots");
        }
        Path dir;
        try {
            dir = Path.of(target.strip());
        } catch (RuntimeException e) {
            throw new ActionFailedException("target '" + target + "' is not a valid path");
        }
        if (!dir.isAbsolute()) {
            throw new ActionFailedException("target '" + target + "' must be an absolute path");
        }
        dir = dir.normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ActionFailedException("target " + dir + " exists but is not a directory");
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!create) {
                requireParent(dir);
                return dir;
            }
            create(dir);
        }
        probeWritable(dir);
        return dir;
    }

    /** Fails unless {@code dir}'s file system has {@link #needed(long)} bytes free for {@code bytes}. */
    public static void requireSpace(Path dir, long bytes, String what) {
        long usable;
        try {
            FileStore store = Files.getFileStore(dir);
            usable = store.getUsableSpace();
        } catch (IOException e) {
            throw new ActionFailedException("cannot tell the free space of " + dir + ": " + e.getMessage());
        }
        long needed = needed(bytes);
        if (usable < needed) {
            throw new ActionFailedException("not enough free space in " + dir + " for " + what + ": "
                    + Bytes.human(usable) + " free, " + Bytes.human(needed) + " needed (" + Bytes.human(bytes)
                    + " plus margin)");
        }
    }

    /** Bytes to require for something of {@code bytes}: itself plus 10 %, at least {@link #MIN_MARGIN_BYTES} more. */
    public static long needed(long bytes) {
        return bytes + Math.max(MIN_MARGIN_BYTES, bytes / 10);
    }

    private static void requireParent(Path dir) {
        Path parent = dir.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new ActionFailedException("target " + dir + " does not exist, nor does its parent " + parent
                    + " (only the last directory is created)");
        }
    }

    private static void create(Path dir) {
        requireParent(dir);
        Path parent = dir.getParent();
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            PosixFileAttributes owner = Files.readAttributes(parent, PosixFileAttributes.class);
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            view.setOwner(owner.owner());
            view.setGroup(owner.group());
        } catch (IOException e) {
            throw new ActionFailedException("cannot create target " + dir + ": " + e.getMessage());
        }
    }

    private static void probeWritable(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, ".write-probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new ActionFailedException("target " + dir + " is not writable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
    }

    /** Gives {@code file} the owner and group of its directory (mode is left as is). */
    static void ownLikeDirectory(Path file) throws IOException {
        PosixFileAttributes dir = Files.readAttributes(file.getParent(), PosixFileAttributes.class);
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        view.setOwner(dir.owner());
        view.setGroup(dir.group());
    }
}
