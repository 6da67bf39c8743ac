package dev.charms.etcd.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateInfoTest {
    private static final Instant NOW = Instant.parse("2031-06-01T12:00:00Z");

    @TempDir
    Path dir;

    private final CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 3650, KeyType.ECDSA_P256, NOW);
    private final String unitPem = ca.sign(Csr.parse(Csr.create(Keys.generate(KeyType.ED25519), "etcd-1", Set.of())),
            Set.of("10.0.0.9", "etcd-1.internal"), 90, Usage.SERVER_AND_CLIENT, NOW);

    @Test
    void readsTheFields() {
        CertificateInfo info = CertificateInfo.parse(unitPem);
        assertEquals("etcd-1", info.subjectCommonName());
        assertEquals("CN=etcd-1", info.subject());
        assertEquals("CN=etcd-ca", info.issuer());
        assertEquals("etcd-ca", info.issuerCommonName());
        assertEquals(NOW.minus(CertificateAuthority.BACKDATE), info.notBefore());
        assertEquals(NOW.plus(Duration.ofDays(90)), info.notAfter());
        assertEquals(Set.of("10.0.0.9", "etcd-1.internal"), info.sans());
        assertEquals(KeyType.ED25519, info.keyType());
        assertEquals(unitPem, info.pem());
        assertTrue(info.isValidAt(NOW));
        assertFalse(info.isValidAt(NOW.plus(Duration.ofDays(91))));
    }

    @Test
    void serialAndFingerprintMatchOpenssl() throws Exception {
        CertificateInfo info = CertificateInfo.parse(unitPem);
        Files.writeString(dir.resolve("c.pem"), unitPem);
        String out = Commands.run(dir, List.of("openssl", "x509", "-in", "c.pem", "-noout", "-serial",
                "-fingerprint", "-sha256")).requireSuccess().output();
        String hex = info.serial().toString(16).toUpperCase();
        assertTrue(out.contains("serial=" + (hex.length() % 2 == 0 ? hex : "0" + hex) + "\n"), out);
        assertTrue(out.contains("sha256 Fingerprint=" + info.sha256Fingerprint()), out);
    }

    @Test
    void expiresWithin() {
        CertificateInfo info = CertificateInfo.parse(unitPem);
        assertFalse(info.expiresWithin(Duration.ofDays(30), NOW));
        assertTrue(info.expiresWithin(Duration.ofDays(30), NOW.plus(Duration.ofDays(61))));
        assertTrue(info.expiresWithin(Duration.ZERO, NOW.plus(Duration.ofDays(100))));
        assertTrue(info.expiresWithin(Duration.ofDays(3650 * 20)));
    }

    @Test
    void signedByChecksTheSignatureNotJustTheName() {
        CertificateInfo info = CertificateInfo.parse(unitPem);
        assertTrue(info.isSignedBy(ca.certificatePem()));
        CertificateAuthority impostor = CertificateAuthority.create("etcd-ca", 3650, KeyType.ECDSA_P256);
        assertFalse(info.isSignedBy(impostor.certificatePem()));
        CertificateAuthority unrelated = CertificateAuthority.create("other-ca", 3650, KeyType.ECDSA_P256);
        assertFalse(info.isSignedBy(unrelated.certificatePem()));
        assertFalse(ca.info().isSignedBy(info));
    }

    @Test
    void rejectsGarbage() {
        assertEquals("certificate is not PEM: no '-----BEGIN CERTIFICATE-----' block",
                assertThrows(PkiException.class, () -> CertificateInfo.parse("garbage")).getMessage());
        assertEquals("certificate must contain exactly one PEM block, found 2",
                assertThrows(PkiException.class, () -> CertificateInfo.parse(unitPem + ca.certificatePem()))
                        .getMessage());
        assertEquals("certificate is not a valid X.509 certificate", assertThrows(PkiException.class,
                () -> CertificateInfo.parse(Pem.encode("CERTIFICATE", new byte[] {1, 2, 3}))).getMessage());
    }

    @Test
    void acceptsSurroundingTextAndCrLf() {
        String decorated = "subject=CN = etcd-1\r\n" + unitPem.replace("\n", "\r\n") + "trailer\n";
        assertEquals(CertificateInfo.parse(unitPem).serial(), CertificateInfo.parse(decorated).serial());
    }
}
