package dev.charms.etcd.pki;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Atomic, permission-safe writing and reading of PEM (and other secret) files. A write goes to a temporary
 * file in the same directory whose mode (and owner) are set before any content is written, is flushed to
 * disk, then renamed over the target; a failure leaves the old file untouched and no temporary behind.
 */
public final class PemFiles {
    /** Mode 0600, for private keys and bundles that contain them. */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    /** Mode 0644, for certificates. */
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    /**
     * The owner to give a written file, e.g. the {@code etcd} user that must read its key.
     *
     * @param user  a user name
     * @param group a group name, or {@code null} to keep the group of the writing process
     */
    public record Owner(String user, String group) {
        public Owner {
            Objects.requireNonNull(user, "user");
            if (user.isBlank() || (group != null && group.isBlank())) {
                throw new PkiException("invalid file owner: user and group names must not be blank");
            }
        }

        /** The given user, keeping the writer's group. */
        public static Owner user(String user) {
            return new Owner(user, null);
        }

        @Override
        public String toString() {
            return group == null ? user : user + ":" + group;
        }
    }

    private PemFiles() {
    }

    /** Writes a private key (or any secret) with mode 0600; returns whether anything changed on disk. */
    public static boolean writeKey(Path file, String pem) {
        return write(file, bytes(pem), PRIVATE, Optional.empty());
    }

    /** Writes a private key with mode 0600 owned by {@code owner}; returns whether anything changed on disk. */
    public static boolean writeKey(Path file, String pem, Owner owner) {
        return write(file, bytes(pem), PRIVATE, Optional.of(owner));
    }

    /** Writes a certificate with mode 0644; returns whether anything changed on disk. */
    public static boolean writeCertificate(Path file, String pem) {
        return write(file, bytes(pem), PUBLIC, Optional.empty());
    }

    /** Writes a certificate with mode 0644 owned by {@code owner}; returns whether anything changed on disk. */
    public static boolean writeCertificate(Path file, String pem, Owner owner) {
        return write(file, bytes(pem), PUBLIC, Optional.of(owner));
    }

    /**
     * Atomically replaces {@code file} with {@code content}, mode {@code mode} and optionally owner
     * {@code owner}. Does nothing if the file already has exactly that content, mode and owner.
     *
     * @return whether the file was (re)written
     * @throws PkiException if the directory is missing, the owner unknown or the write fails (one line,
     *                      naming the file, never the content)
     */
    public static boolean write(Path file, byte[] content, Set<PosixFilePermission> mode, Optional<Owner> owner) {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new PkiException("cannot write " + target + ": directory " + directory + " does not exist");
        }
        Principals principals = owner.map(o -> lookup(o, target)).orElse(null);
        if (isUpToDate(target, content, mode, principals)) {
            return false;
        }
        Path temporary = null;
        try {
            temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PRIVATE));
            Files.setPosixFilePermissions(temporary, mode);
            if (principals != null) {
                principals.apply(temporary);
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveIntoPlace(temporary, target);
            temporary = null;
            syncDirectory(directory);
            return true;
        } catch (IOException e) {
            throw new PkiException("cannot write " + target + ": " + describe(e), e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /**
     * Reads a whole file as UTF-8 text.
     *
     * @throws PkiException if the file is missing, not a regular file or unreadable
     */
    public static String read(Path file) {
        if (!Files.exists(file)) {
            throw new PkiException("missing file " + file.toAbsolutePath());
        }
        if (!Files.isRegularFile(file)) {
            throw new PkiException(file.toAbsolutePath() + " is not a regular file");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PkiException("cannot read " + file.toAbsolutePath() + ": " + describe(e), e);
        }
    }

    /** Reads a whole file as UTF-8 text, or empty if it does not exist. */
    public static Optional<String> readIfExists(Path file) {
        return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
    }

    private static byte[] bytes(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new PkiException("refusing to write an empty PEM file");
        }
        return pem.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isUpToDate(Path target, byte[] content, Set<PosixFilePermission> mode,
                                      Principals principals) {
        try {
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            PosixFileAttributes attributes = Files.readAttributes(target, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return attributes.permissions().equals(mode)
                    && (principals == null || principals.matches(attributes))
                    && attributes.size() == content.length
                    && Arrays.equals(Files.readAllBytes(target), content);
        } catch (IOException e) {
            return false;
        }
    }

    private static void moveIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system does not support atomic rename", e);
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory; the rename itself has already happened.
        }
    }

    private static void deleteQuietly(Path temporary) {
        if (temporary == null) {
            return;
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            temporary.toFile().deleteOnExit();
        }
    }

    private static Principals lookup(Owner owner, Path target) {
        UserPrincipalLookupService service = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            UserPrincipal user = service.lookupPrincipalByName(owner.user());
            GroupPrincipal group = owner.group() == null ? null : service.lookupPrincipalByGroupName(owner.group());
            return new Principals(user, group);
        } catch (UserPrincipalNotFoundException e) {
            throw new PkiException("cannot write " + target + ": unknown user or group in owner '" + owner + "'");
        } catch (IOException e) {
            throw new PkiException("cannot write " + target + ": cannot look up owner '" + owner + "': "
                    + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    /** Looked-up owner principals. */
    private record Principals(UserPrincipal user, GroupPrincipal group) {
        void apply(Path file) throws IOException {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            view.setOwner(user);
            if (group != null) {
                view.setGroup(group);
            }
        }

        boolean matches(PosixFileAttributes attributes) {
            return attributes.owner().equals(user) && (group == null || attributes.group().equals(group));
        }
    }
}
