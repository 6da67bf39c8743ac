package dev.charms.runner.controller;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Puts a charm (a {@code .charm} zip or an unpacked charm directory) into a unit's {@code charm/} dir,
 * keeping the executable bits that {@code dispatch} and {@code hooks/*} need.
 */
public final class CharmUnpacker {
    private CharmUnpacker() {
    }

    /** Fails with a one-line message unless {@code charm} is a zip or a directory holding metadata.yaml. */
    public static void check(Path charm) {
        if (!Files.exists(charm)) {
            throw new IllegalArgumentException("charm not found: " + charm);
        }
        if (Files.isDirectory(charm)) {
            if (!Files.isRegularFile(charm.resolve("metadata.yaml"))) {
                throw new IllegalArgumentException("charm directory " + charm + " has no metadata.yaml");
            }
            return;
        }
        try (ZipFile zip = new ZipFile(charm.toFile())) {
            if (zip.getEntry("metadata.yaml") == null) {
                throw new IllegalArgumentException("charm archive " + charm + " has no metadata.yaml");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("charm archive " + charm + " is not a valid zip: " + e.getMessage());
        }
    }

    /** Unpacks or copies {@code charm} into {@code target} (created; must not exist or be empty). */
    public static void unpack(Path charm, Path target) throws IOException {
        check(charm);
        Files.createDirectories(target);
        if (Files.isDirectory(charm)) {
            copyTree(charm.toRealPath(), target);
        } else {
            unzip(charm, target);
        }
    }

    private static void unzip(Path archive, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        Map<String, Integer> modes = ZipModes.read(archive);
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("charm archive entry escapes the charm dir: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.setPosixFilePermissions(out, permissions(modes.getOrDefault(entry.getName(), 0) & 0777, entry.getName()));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode, String name) {
        int effective = mode;
        if (effective == 0) {
            boolean exec = name.equals("dispatch") || name.startsWith("hooks/") || name.startsWith("actions/");
            effective = exec ? 0755 : 0644;
        }
        Set<PosixFilePermission> perms = new HashSet<>();
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((effective & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        return perms;
    }

    private static void copyTree(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName() != null && dir.getFileName().toString().equals(".git")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path out = target.resolve(source.relativize(file).toString());
                Files.copy(file, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
                    LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
