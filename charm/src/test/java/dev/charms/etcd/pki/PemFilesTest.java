package dev.charms.etcd.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
    @TempDir
    Path dir;

    private final String key = Keys.privateKeyPem(Keys.generate(KeyType.ED25519).getPrivate());
    private final String cert = CertificateAuthority.create("ca", 1, KeyType.ED25519).certificatePem();

    @Test
    void keysAre0600AndCertificates0644() throws IOException {
        Path keyFile = dir.resolve("server.key");
        Path certFile = dir.resolve("server.crt");
        assertTrue(PemFiles.writeKey(keyFile, key));
        assertTrue(PemFiles.writeCertificate(certFile, cert));
        assertEquals("rw-------", mode(keyFile));
        assertEquals("rw-r--r--", mode(certFile));
        assertEquals(key, PemFiles.read(keyFile));
        assertEquals(cert, PemFiles.read(certFile));
        assertEquals(List.of("server.crt", "server.key"), names());
    }

    @Test
    void modeIsExactEvenWhenReplacingALooserFile() throws IOException {
        Path keyFile = dir.resolve("server.key");
        Files.writeString(keyFile, "old");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(PemFiles.writeKey(keyFile, key));
        assertEquals("rw-------", mode(keyFile));
        assertEquals(key, Files.readString(keyFile));
    }

    @Test
    void replacesAtomicallyWithANewInode() throws IOException {
        Path keyFile = dir.resolve("server.key");
        PemFiles.writeKey(keyFile, "first\n");
        Object before = Files.readAttributes(keyFile, PosixFileAttributes.class).fileKey();
        PemFiles.writeKey(keyFile, key);
        Object after = Files.readAttributes(keyFile, PosixFileAttributes.class).fileKey();
        assertFalse(before.equals(after), "expected a rename, not an in-place rewrite");
        assertEquals(key, PemFiles.read(keyFile));
        assertEquals(List.of("server.key"), names());
    }

    @Test
    void unchangedContentIsNotRewritten() throws IOException {
        Path certFile = dir.resolve("ca.pem");
        assertTrue(PemFiles.writeCertificate(certFile, cert));
        Object inode = Files.readAttributes(certFile, PosixFileAttributes.class).fileKey();
        assertFalse(PemFiles.writeCertificate(certFile, cert));
        assertEquals(inode, Files.readAttributes(certFile, PosixFileAttributes.class).fileKey());
        Files.setPosixFilePermissions(certFile, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertTrue(PemFiles.writeCertificate(certFile, cert));
        assertEquals("rw-r--r--", mode(certFile));
    }

    @Test
    void setsTheOwner() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing owners needs root");
        Path keyFile = dir.resolve("etcd.key");
        assertTrue(PemFiles.writeKey(keyFile, key, new PemFiles.Owner("nobody", "nogroup")));
        PosixFileAttributes attributes = Files.readAttributes(keyFile, PosixFileAttributes.class);
        assertEquals("nobody", attributes.owner().getName());
        assertEquals("nogroup", attributes.group().getName());
        assertEquals("rw-------", mode(keyFile));
        assertFalse(PemFiles.writeKey(keyFile, key, new PemFiles.Owner("nobody", "nogroup")));
        assertTrue(PemFiles.writeKey(keyFile, key, PemFiles.Owner.user("root")));
        assertEquals("root", Files.getOwner(keyFile).getName());
    }

    @Test
    void unknownOwnerFailsClearlyAndKeepsTheOldFile() throws IOException {
        Path keyFile = dir.resolve("etcd.key");
        PemFiles.writeKey(keyFile, key);
        String user = "no-such-user-" + ProcessHandle.current().pid();
        PkiException e = assertThrows(PkiException.class,
                () -> PemFiles.writeKey(keyFile, "new\n", PemFiles.Owner.user(user)));
        assertEquals("cannot write " + keyFile + ": unknown user or group in owner '" + user + "'", e.getMessage());
        assertEquals(key, PemFiles.read(keyFile));
        assertEquals(List.of("etcd.key"), names());
    }

    @Test
    void failedWriteLeavesNoTemporaryAndKeepsTheOldFile() throws IOException {
        Path target = dir.resolve("occupied");
        Files.createDirectory(target);
        Files.writeString(target.resolve("inside"), "x");
        PkiException e = assertThrows(PkiException.class, () -> PemFiles.writeCertificate(target, cert));
        assertTrue(e.getMessage().startsWith("cannot write " + target + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("BEGIN"), e.getMessage());
        assertEquals(List.of("occupied"), names());
    }

    @Test
    void missingDirectoryIsAClearError() {
        Path file = dir.resolve("missing/server.key");
        PkiException e = assertThrows(PkiException.class, () -> PemFiles.writeKey(file, key));
        assertEquals("cannot write " + file + ": directory " + dir.resolve("missing") + " does not exist",
                e.getMessage());
    }

    @Test
    void refusesEmptyContent() {
        assertEquals("refusing to write an empty PEM file",
                assertThrows(PkiException.class, () -> PemFiles.writeKey(dir.resolve("k"), "")).getMessage());
    }

    @Test
    void readErrorsNameTheFile() throws IOException {
        Path missing = dir.resolve("nope.pem");
        assertEquals("missing file " + missing, assertThrows(PkiException.class, () -> PemFiles.read(missing))
                .getMessage());
        assertEquals(Optional.empty(), PemFiles.readIfExists(missing));
        assertEquals(dir + " is not a regular file",
                assertThrows(PkiException.class, () -> PemFiles.read(dir)).getMessage());
        PemFiles.writeCertificate(dir.resolve("c.pem"), cert);
        assertEquals(Optional.of(cert), PemFiles.readIfExists(dir.resolve("c.pem")));
    }

    private String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
