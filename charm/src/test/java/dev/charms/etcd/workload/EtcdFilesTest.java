package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdFilesTest {
    @Test
    void writesTlsFilesWithSafeModesAndOwners(@TempDir Path dir) throws Exception {
        TlsMaterial tls = TestPki.create(dir.resolve("pki"));
        assertEquals("TlsMaterial[keys redacted]", tls.toString());
        EtcdPaths paths = EtcdPaths.under(dir.resolve("root"));
        EtcdFiles files = new EtcdFiles(paths, new EtcdTemplates(Path.of("").toAbsolutePath()));
        assertTrue(files.writeTls(tls));
        assertFalse(files.writeTls(tls));
        check(paths.serverKey(), "rw-------", EtcdPaths.SERVICE_USER);
        check(paths.clientKey(), "rw-------", "root");
        check(paths.caCert(), "rw-r--r--", "root");
        check(paths.pkiDir(), "rwxr-x---", "root");
        assertEquals(EtcdPaths.SERVICE_USER, Files.readAttributes(paths.pkiDir(), PosixFileAttributes.class).group().getName());
        assertTrue(TlsContexts.privateKey(paths.serverKey()).getAlgorithm().startsWith("EC"));
        assertEquals(1, TlsContexts.certificates(paths.caCert()).size());

        IllegalArgumentException notPem = assertThrows(IllegalArgumentException.class,
                () -> TlsContexts.privateKey(paths.caCert()));
        assertTrue(notPem.getMessage().startsWith("key file " + paths.caCert()), notPem.getMessage());
        assertFalse(notPem.getMessage().contains("BEGIN"), notPem.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TlsMaterial(tls.caCert(), tls.serverCert(), "garbage",
                tls.clientCert(), tls.clientKey()));
    }

    private static void check(Path p, String mode, String owner) throws Exception {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
        assertEquals(mode, PosixFilePermissions.toString(a.permissions()), p.toString());
        assertEquals(owner, a.owner().getName(), p.toString());
    }
}
