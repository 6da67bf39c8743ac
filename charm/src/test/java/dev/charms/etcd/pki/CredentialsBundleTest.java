package dev.charms.etcd.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsBundleTest {
    @TempDir
    Path dir;

    private final CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 365, KeyType.ECDSA_P256);
    private final KeyPair keys = Keys.generate(KeyType.ECDSA_P256);
    private final String keyPem = Keys.privateKeyPem(keys.getPrivate());
    private final String certPem = ca.sign(Csr.create(keys, "etcd-client", Set.of()), Set.of(), 365, Usage.CLIENT);
    private final String readme = "Use with: etcdctl --cacert ca.pem --cert clientcert.pem --key clientkey.pem\n"
            + "ünïcode line\n" + "x".repeat(700) + "\n";

    @Test
    void realTarExtractsTheExactFilesAndModes() throws IOException {
        Path archive = dir.resolve(CredentialsBundle.FILE_NAME);
        new CredentialsBundle(keyPem, certPem, ca.certificatePem(), readme).writeTo(archive);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));

        String listing = Commands.run(dir, List.of("tar", "-tvzf", CredentialsBundle.FILE_NAME)).requireSuccess().output();
        List<String> lines = listing.lines().toList();
        assertEquals(4, lines.size(), listing);
        assertTrue(lines.get(0).startsWith("-rw------- root/root") && lines.get(0).endsWith(" clientkey.pem"), listing);
        assertTrue(lines.get(1).startsWith("-rw-r--r-- root/root") && lines.get(1).endsWith(" clientcert.pem"), listing);
        assertTrue(lines.get(2).startsWith("-rw-r--r--") && lines.get(2).endsWith(" ca.pem"), listing);
        assertTrue(lines.get(3).startsWith("-rw-r--r--") && lines.get(3).endsWith(" README.txt"), listing);

        Path out = Files.createDirectory(dir.resolve("out"));
        Commands.run(out, List.of("tar", "--no-same-owner", "-xpzf", archive.toString())).requireSuccess();
        assertEquals(keyPem, Files.readString(out.resolve("clientkey.pem")));
        assertEquals(certPem, Files.readString(out.resolve("clientcert.pem")));
        assertEquals(ca.certificatePem(), Files.readString(out.resolve("ca.pem")));
        assertEquals(readme, Files.readString(out.resolve("README.txt")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("clientkey.pem"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("ca.pem"))));
    }

    @Test
    void extractedCredentialsFormAValidChain() {
        CertificateInfo cert = CertificateInfo.parse(certPem);
        assertTrue(cert.isSignedBy(ca.certificatePem()));
        assertTrue(Keys.matches(Keys.readPrivateKey(keyPem), cert.publicKey()));
    }

    @Test
    void entriesCarryTheGivenTimestamp() throws IOException {
        Instant stamp = Instant.parse("2030-02-03T04:05:06Z");
        Files.write(dir.resolve("b.tar.gz"), new CredentialsBundle(keyPem, certPem, ca.certificatePem(), readme)
                .toTarGz(stamp));
        String listing = Commands.run(dir, List.of("env", "TZ=UTC", "tar", "--full-time", "-tvzf", "b.tar.gz"))
                .requireSuccess().output();
        assertTrue(listing.lines().allMatch(l -> l.contains("2030-02-03 04:05:06")), listing);
    }

    @Test
    void rejectsMissingPartsAndHidesTheKeyInToString() {
        assertEquals("credentials bundle: clientcert.pem is empty", assertThrows(PkiException.class,
                () -> new CredentialsBundle(keyPem, " ", ca.certificatePem(), readme)).getMessage());
        String text = new CredentialsBundle(keyPem, certPem, ca.certificatePem(), readme).toString();
        assertFalse(text.contains("PRIVATE"), text);
        assertFalse(text.contains(keyPem.lines().skip(1).findFirst().orElseThrow()), text);
    }
}
