package dev.charms.etcd.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Writes files atomically (temp file in the same directory, fsync, rename, fsync of the directory),
 * only when their content changes, with the mode and owner given; the temp file is created with the
 * final mode so secret content is never readable by others, not even for a moment.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** An owner and group (names; empty keeps the current one) and a mode such as "rw-r-----". */
    public record Ownership(Optional<String> user, Optional<String> group, String mode) {
        /** root-owned (the process's own user), with {@code mode}. */
        public static Ownership mode(String mode) {
            return new Ownership(Optional.empty(), Optional.empty(), mode);
        }

        /** Owned by {@code user}:{@code group}, with {@code mode}. */
        public static Ownership of(String user, String group, String mode) {
            return new Ownership(Optional.ofNullable(user), Optional.ofNullable(group), mode);
        }
    }

    /**
     * Makes {@code file} hold {@code content} with {@code ownership}. Returns whether the content
     * changed (mode and owner are corrected either way, without counting as a change).
     */
    public static boolean writeIfChanged(Path file, byte[] content, Ownership ownership) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Arrays.equals(Files.readAllBytes(file), content)) {
            applyOwnership(file, ownership);
            return false;
        }
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(ownership.mode());
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(perms));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            applyOwnership(tmp, ownership);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
        return true;
    }

    /** Sets mode (exactly, despite the umask) and owner/group of {@code path}. */
    public static void applyOwnership(Path path, Ownership ownership) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        if (ownership.user().isPresent()) {
            view.setOwner(lookup.lookupPrincipalByName(ownership.user().get()));
        }
        if (ownership.group().isPresent()) {
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(ownership.group().get());
            view.setGroup(group);
        }
        view.setPermissions(PosixFilePermissions.fromString(ownership.mode()));
    }

    /** Creates {@code dir} (and parents) if missing, then applies {@code ownership} to it. */
    public static void ensureDirectory(Path dir, Ownership ownership) throws IOException {
        Files.createDirectories(dir);
        applyOwnership(dir, ownership);
    }

    /** fsyncs a directory so a rename inside it is durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
