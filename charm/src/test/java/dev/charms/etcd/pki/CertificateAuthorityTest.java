package dev.charms.etcd.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateAuthorityTest {
    private static final Set<String> UNIT_SANS = Set.of("10.20.30.40", "127.0.0.1", "::1", "localhost", "juju-1-0");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void createsACaThatLoadsBack(KeyType type) {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 3650, type);
        CertificateInfo info = ca.info();
        assertEquals("etcd-ca", info.subjectCommonName());
        assertEquals(info.subject(), info.issuer());
        assertTrue(info.isCa());
        assertEquals(0, info.certificate().getBasicConstraints());
        assertEquals(Set.of("keyCertSign", "cRLSign"), info.keyUsages());
        assertTrue(info.isSignedBy(info));
        assertEquals(type, ca.keyType());
        assertTrue(info.notBefore().isBefore(Instant.now().minus(Duration.ofMinutes(5))));
        assertTrue(ca.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(info.certificate().getNonCriticalExtensionOIDs().containsAll(Set.of("2.5.29.14", "2.5.29.35")));
        assertTrue(info.certificate().getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));

        CertificateAuthority loaded = CertificateAuthority.load(ca.certificatePem(), ca.privateKeyPem());
        assertEquals(ca.certificatePem(), loaded.certificatePem());
        assertEquals(ca.privateKeyPem(), loaded.privateKeyPem());
        assertEquals(type, loaded.keyType());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void opensslAcceptsCaAndUnitCertificates(KeyType type) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 30, type);
        String unit = ca.sign(Csr.create(Keys.generate(type), "etcd-0", Set.of()), UNIT_SANS, 30,
                Usage.SERVER_AND_CLIENT);
        String client = ca.sign(Csr.create(Keys.generate(KeyType.DEFAULT), "admin", Set.of()), Set.of(), 30,
                Usage.CLIENT);
        Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        Files.writeString(dir.resolve("unit.pem"), unit);
        Files.writeString(dir.resolve("client.pem"), client);
        for (String purpose : List.of("sslserver", "sslclient")) {
            Commands.run(dir, List.of("openssl", "verify", "-x509_strict", "-purpose", purpose, "-CAfile", "ca.pem",
                    "unit.pem")).requireSuccess();
        }
        Commands.run(dir, List.of("openssl", "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "ca.pem",
                "client.pem")).requireSuccess();
        Commands.Result asServer = Commands.run(dir, List.of("openssl", "verify", "-purpose", "sslserver",
                "-CAfile", "ca.pem", "client.pem"));
        assertNotEquals(0, asServer.exitCode(), asServer.output());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void unitCertificatesServeAndAuthenticate(KeyType type) {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 365, KeyType.DEFAULT);
        KeyPair keys = Keys.generate(type);
        CertificateInfo cert = CertificateInfo.parse(ca.sign(Csr.create(keys, "etcd-0", Set.of("ignored.example")),
                UNIT_SANS, 90, Usage.SERVER_AND_CLIENT));
        assertEquals("etcd-0", cert.subjectCommonName());
        assertEquals("etcd-ca", cert.issuerCommonName());
        assertEquals(Set.of("serverAuth", "clientAuth"), cert.extendedKeyUsages());
        Set<String> expectedUsages = type == KeyType.RSA_2048
                ? Set.of("digitalSignature", "keyEncipherment") : Set.of("digitalSignature");
        assertEquals(expectedUsages, cert.keyUsages());
        assertFalse(cert.isCa());
        assertEquals(keys.getPublic(), cert.publicKey());
        assertEquals(Set.of("10.20.30.40", "127.0.0.1", "::1", "juju-1-0", "localhost"), cert.sans());
        assertTrue(cert.isSignedBy(ca.certificatePem()));
    }

    @Test
    void sansAreTypedAsIpOrDns() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 365, KeyType.DEFAULT);
        CertificateInfo cert = CertificateInfo.parse(ca.sign(Csr.create(Keys.generate(KeyType.DEFAULT), "u", Set.of()),
                UNIT_SANS, 1, Usage.SERVER_AND_CLIENT));
        Set<List<?>> raw = new HashSet<>(cert.certificate().getSubjectAlternativeNames());
        assertEquals(Set.of(List.of(7, "10.20.30.40"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"),
                List.of(2, "localhost"), List.of(2, "juju-1-0")), raw);
    }

    @Test
    void clientCertificatesOnlyAuthenticate() {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 365, KeyType.ED25519);
        CertificateInfo cert = CertificateInfo.parse(ca.sign(
                Csr.create(Keys.generate(KeyType.RSA_2048), "etcd-client", Set.of()), Set.of(), 30, Usage.CLIENT));
        assertEquals(Set.of("clientAuth"), cert.extendedKeyUsages());
        assertEquals(Set.of("digitalSignature"), cert.keyUsages());
        assertTrue(cert.sans().isEmpty());
    }

    @Test
    void serialsAreRandomPositiveAndAtMost128Bits() {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 365, KeyType.ED25519);
        String csr = Csr.create(Keys.generate(KeyType.ED25519), "c", Set.of());
        Set<BigInteger> serials = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            BigInteger serial = CertificateInfo.parse(ca.sign(csr, Set.of(), 1, Usage.CLIENT)).serial();
            assertEquals(1, serial.signum());
            assertTrue(serial.bitLength() <= 128);
            serials.add(serial);
        }
        assertEquals(20, serials.size());
    }

    @Test
    void validityIsBackdatedAndClampedToTheCa() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 10, KeyType.ED25519, now);
        Csr csr = Csr.parse(Csr.create(Keys.generate(KeyType.ED25519), "c", Set.of()));
        CertificateInfo shortLived = CertificateInfo.parse(ca.sign(csr, Set.of(), 2, Usage.CLIENT, now));
        assertEquals(now.minus(CertificateAuthority.BACKDATE), shortLived.notBefore());
        assertEquals(now.plus(Duration.ofDays(2)), shortLived.notAfter());
        CertificateInfo clamped = CertificateInfo.parse(ca.sign(csr, Set.of(), 365, Usage.CLIENT, now));
        assertEquals(ca.info().notAfter(), clamped.notAfter());
    }

    @Test
    void refusesToSignWithAnExpiredCa() {
        Instant then = Instant.parse("2020-01-01T00:00:00Z");
        CertificateAuthority ca = CertificateAuthority.create("old-ca", 1, KeyType.ED25519, then);
        Csr csr = Csr.parse(Csr.create(Keys.generate(KeyType.ED25519), "c", Set.of()));
        PkiException e = assertThrows(PkiException.class, () -> ca.sign(csr, Set.of(), 1, Usage.CLIENT));
        assertEquals("CA certificate 'CN=old-ca' expired on 2020-01-02T00:00:00Z", e.getMessage());
    }

    @Test
    void loadRejectsExpiredCa() {
        CertificateAuthority ca = CertificateAuthority.create("old-ca", 1, KeyType.ED25519,
                Instant.parse("2020-01-01T00:00:00Z"));
        PkiException e = assertThrows(PkiException.class,
                () -> CertificateAuthority.load(ca.certificatePem(), ca.privateKeyPem()));
        assertEquals("CA certificate 'CN=old-ca' expired on 2020-01-02T00:00:00Z", e.getMessage());
    }

    @Test
    void loadRejectsMismatchedKey() {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 365, KeyType.ECDSA_P256);
        CertificateAuthority other = CertificateAuthority.create("etcd-ca", 365, KeyType.ECDSA_P256);
        CertificateAuthority otherType = CertificateAuthority.create("etcd-ca", 365, KeyType.ED25519);
        for (CertificateAuthority wrong : List.of(other, otherType)) {
            PkiException e = assertThrows(PkiException.class,
                    () -> CertificateAuthority.load(ca.certificatePem(), wrong.privateKeyPem()));
            assertEquals("CA private key does not match the CA certificate 'CN=etcd-ca'", e.getMessage());
        }
    }

    @Test
    void loadRejectsANonCaCertificate() {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 365, KeyType.ECDSA_P256);
        KeyPair keys = Keys.generate(KeyType.ECDSA_P256);
        String leaf = ca.sign(Csr.create(keys, "etcd-0", Set.of()), Set.of("10.0.0.1"), 30, Usage.SERVER_AND_CLIENT);
        PkiException e = assertThrows(PkiException.class,
                () -> CertificateAuthority.load(leaf, Keys.privateKeyPem(keys.getPrivate())));
        assertEquals("CA certificate 'CN=etcd-0' is not a CA (basic constraints CA:false)", e.getMessage());
    }

    @Test
    void loadRejectsGarbageWithoutEchoingKeyMaterial() {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 365, KeyType.ECDSA_P256);
        String key = ca.privateKeyPem();
        String keyBody = key.lines().skip(1).findFirst().orElseThrow();
        assertEquals("CA certificate is empty",
                assertThrows(PkiException.class, () -> CertificateAuthority.load("", key)).getMessage());
        assertEquals("CA certificate has a 'PRIVATE KEY' PEM block, expected CERTIFICATE",
                assertThrows(PkiException.class, () -> CertificateAuthority.load(key, key)).getMessage());
        assertEquals("CA certificate is not a valid X.509 certificate", assertThrows(PkiException.class,
                () -> CertificateAuthority.load(Pem.encode("CERTIFICATE", new byte[] {48, 3, 2, 1, 1}), key))
                .getMessage());
        String brokenKey = key.replace(keyBody, keyBody.substring(0, 40) + "AAAA" + keyBody.substring(44));
        PkiException e = assertThrows(PkiException.class,
                () -> CertificateAuthority.load(ca.certificatePem(), brokenKey));
        assertFalse(e.getMessage().contains(keyBody.substring(0, 20)), e.getMessage());
        PkiException swapped = assertThrows(PkiException.class,
                () -> CertificateAuthority.load(ca.certificatePem(), ca.certificatePem()));
        assertEquals("CA private key has a 'CERTIFICATE' PEM block, expected PRIVATE KEY or EC PRIVATE KEY or "
                + "RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY", swapped.getMessage());
    }

    @Test
    void signVerifiesTheCsrAndValidatesSans() {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 365, KeyType.ECDSA_P256);
        String csr = Csr.create(Keys.generate(KeyType.ECDSA_P256), "etcd-0", Set.of());
        String tampered = csr.replace(csr.lines().skip(3).findFirst().orElseThrow(),
                new StringBuilder(csr.lines().skip(3).findFirst().orElseThrow()).reverse().toString());
        assertThrows(PkiException.class, () -> ca.sign(tampered, Set.of("10.0.0.1"), 1, Usage.SERVER_AND_CLIENT));
        assertEquals("invalid subject alternative name '*.example.com': wildcards are not allowed",
                assertThrows(PkiException.class,
                        () -> ca.sign(csr, Set.of("*.example.com"), 1, Usage.SERVER_AND_CLIENT)).getMessage());
        assertEquals("a server certificate needs at least one subject alternative name",
                assertThrows(PkiException.class, () -> ca.sign(csr, Set.of(), 1, Usage.SERVER_AND_CLIENT)).getMessage());
        assertEquals("invalid validity of 0 days: must be 1 to 36500",
                assertThrows(PkiException.class, () -> ca.sign(csr, Set.of(), 0, Usage.CLIENT)).getMessage());
    }

    @Test
    void createValidatesArguments() {
        assertEquals("invalid common name: empty",
                assertThrows(PkiException.class, () -> CertificateAuthority.create("", 1, KeyType.ED25519)).getMessage());
        assertEquals("invalid validity of -1 days: must be 1 to 36500",
                assertThrows(PkiException.class, () -> CertificateAuthority.create("ca", -1, KeyType.ED25519))
                        .getMessage());
    }

    @Test
    void toStringHasNoKeyMaterial() {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", 365, KeyType.ECDSA_P256);
        String text = ca.toString();
        assertTrue(text.startsWith("CertificateAuthority[subject=CN=etcd-ca, keyType=ecdsa-p256, notAfter="), text);
        String keyBase64 = String.join("", ca.privateKeyPem().lines().filter(l -> !l.startsWith("-----")).toList());
        for (int i = 0; i + 16 <= keyBase64.length(); i += 8) {
            assertFalse(text.contains(keyBase64.substring(i, i + 16)));
        }
    }
}
