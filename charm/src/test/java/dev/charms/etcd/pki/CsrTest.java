package dev.charms.etcd.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CsrTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void roundTrips(KeyType type) {
        KeyPair keys = Keys.generate(type);
        String pem = Csr.create(keys, "etcd-0", Set.of("10.1.2.3", "Etcd-0.local", "::1"));
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----\n"));
        Csr csr = Csr.parse(pem);
        assertEquals("etcd-0", csr.commonName());
        assertEquals(List.of("10.1.2.3", "::1", "etcd-0.local"), List.copyOf(csr.sans()));
        assertEquals(keys.getPublic(), csr.publicKey());
        assertEquals(type, csr.keyType());
        assertEquals(pem, csr.pem());
    }

    @Test
    void opensslVerifiesOurCsr() throws Exception {
        Files.writeString(dir.resolve("req.pem"),
                Csr.create(Keys.generate(KeyType.ED25519), "client-a", Set.of("host-a")));
        String out = Commands.run(dir, List.of("openssl", "req", "-in", "req.pem", "-verify", "-noout", "-text"))
                .requireSuccess().output();
        assertTrue(out.contains("verify OK") || out.contains("Certificate request self-signature verify OK"), out);
        assertTrue(out.contains("DNS:host-a"), out);
    }

    @Test
    void parsesCsrMadeByOpenssl() {
        Commands.run(dir, List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", "k.pem", "-out", "r.pem", "-subj", "/O=x/CN=from-openssl",
                "-addext", "subjectAltName=IP:192.0.2.7,DNS:node.example")).requireSuccess();
        Csr csr = Csr.parse(PemFiles.read(dir.resolve("r.pem")));
        assertEquals("from-openssl", csr.commonName());
        assertEquals(Set.of("192.0.2.7", "node.example"), csr.sans());
    }

    @Test
    void noSansMeansAnEmptySet() {
        assertTrue(Csr.parse(Csr.create(Keys.generate(KeyType.ECDSA_P256), "client", Set.of())).sans().isEmpty());
    }

    @Test
    void detectsTampering() {
        String pem = Csr.create(Keys.generate(KeyType.ECDSA_P256), "unit-0", Set.of("10.0.0.1"));
        byte[] der = Pem.decodeOne(pem, "CSR", "CERTIFICATE REQUEST").der();
        int at = indexOf(der, "unit-0".getBytes(StandardCharsets.US_ASCII));
        der[at + 5] = '9';
        String tampered = Pem.encode("CERTIFICATE REQUEST", der);
        PkiException e = assertThrows(PkiException.class, () -> Csr.parse(tampered));
        assertEquals("CSR signature does not verify: the request was altered or not signed by its own key",
                e.getMessage());
    }

    @Test
    void detectsASwappedPublicKey() {
        KeyPair signer = Keys.generate(KeyType.ED25519);
        KeyPair other = Keys.generate(KeyType.ED25519);
        byte[] der = Pem.decodeOne(Csr.create(signer, "unit-0", Set.of()), "CSR", "CERTIFICATE REQUEST").der();
        byte[] signerKey = signer.getPublic().getEncoded();
        byte[] otherKey = other.getPublic().getEncoded();
        int at = indexOf(der, signerKey);
        System.arraycopy(otherKey, 0, der, at, otherKey.length);
        assertThrows(PkiException.class, () -> Csr.parse(Pem.encode("CERTIFICATE REQUEST", der)));
    }

    @Test
    void rejectsGarbageClearly() {
        assertEquals("CSR is not PEM: no '-----BEGIN CERTIFICATE REQUEST/NEW CERTIFICATE REQUEST-----' block",
                assertThrows(PkiException.class, () -> Csr.parse("nonsense")).getMessage());
        assertEquals("CSR is not a valid PKCS#10 certificate request", assertThrows(PkiException.class,
                () -> Csr.parse(Pem.encode("CERTIFICATE REQUEST", new byte[] {1, 2, 3}))).getMessage());
        String cert = CertificateAuthority.create("ca", 1, KeyType.ED25519).certificatePem();
        assertEquals("CSR has a 'CERTIFICATE' PEM block, expected CERTIFICATE REQUEST or NEW CERTIFICATE REQUEST",
                assertThrows(PkiException.class, () -> Csr.parse(cert)).getMessage());
    }

    @Test
    void rejectsBadNamesOnCreate() {
        KeyPair keys = Keys.generate(KeyType.ECDSA_P256);
        assertEquals("invalid common name: empty",
                assertThrows(PkiException.class, () -> Csr.create(keys, " ", Set.of())).getMessage());
        assertEquals("invalid common name: longer than 64 characters",
                assertThrows(PkiException.class, () -> Csr.create(keys, "x".repeat(65), Set.of())).getMessage());
        assertThrows(PkiException.class, () -> Csr.create(keys, "cn", Set.of("*.bad")));
    }

    @Test
    void toStringHasNoKeyMaterial() {
        KeyPair keys = Keys.generate(KeyType.ECDSA_P256);
        Csr csr = Csr.parse(Csr.create(keys, "unit-0", Set.of("10.0.0.1")));
        assertEquals("Csr[CN=unit-0, sans=[10.0.0.1], keyType=ecdsa-p256]", csr.toString());
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
