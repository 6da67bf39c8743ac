package dev.charms.etcd.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeysTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void writesPkcs8ThatOpensslAndWeReadBack(KeyType type) throws Exception {
        KeyPair keys = Keys.generate(type);
        String pem = Keys.privateKeyPem(keys.getPrivate());
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem.lines().findFirst().orElse(""));
        assertTrue(pem.endsWith("-----END PRIVATE KEY-----\n"));

        Path file = dir.resolve("key.pem");
        Files.writeString(file, pem);
        String text = Commands.run(dir, List.of("openssl", "pkey", "-in", "key.pem", "-noout", "-text"))
                .requireSuccess().output();
        String expected = switch (type) {
            case ECDSA_P256 -> "prime256v1";
            case ED25519 -> "ED25519 Private-Key";
            case RSA_2048 -> "2048 bit";
        };
        assertTrue(text.contains(expected), text);

        PrivateKey back = Keys.readPrivateKey(pem);
        assertArrayEquals(keys.getPrivate().getEncoded(), back.getEncoded());
        assertTrue(Keys.matches(back, keys.getPublic()));
        assertFalse(Keys.matches(back, Keys.generate(type).getPublic()));
    }

    @Test
    void readsTraditionalEcAndRsaKeysWrittenByOpenssl() {
        Commands.run(dir, List.of("sh", "-c", "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
                + "| openssl ec -out ec.pem && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 "
                + "| openssl rsa -traditional -out rsa.pem")).requireSuccess();
        String ec = PemFiles.read(dir.resolve("ec.pem"));
        String rsa = PemFiles.read(dir.resolve("rsa.pem"));
        assertTrue(ec.startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(rsa.startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertEquals(KeyType.ECDSA_P256, KeyType.of(Keys.readPrivateKey(ec)));
        assertEquals(KeyType.RSA_2048, KeyType.of(Keys.readPrivateKey(rsa)));
    }

    @Test
    void explainsTheSec1KeyWithoutCurve() throws Exception {
        ECPrivateKey key = (ECPrivateKey) Keys.generate(KeyType.ECDSA_P256).getPrivate();
        byte[] der = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS()).getEncoded();
        String pem = Pem.encode("EC PRIVATE KEY", der);
        PkiException e = assertThrows(PkiException.class, () -> Keys.readPrivateKey(pem));
        assertEquals("private key is an EC PRIVATE KEY without curve parameters; write it as PKCS#8 "
                + "('BEGIN PRIVATE KEY') instead", e.getMessage());
    }

    @Test
    void rejectsEncryptedKeys() {
        String pem = Commands.run(dir, List.of("openssl", "genpkey", "-algorithm", "ED25519", "-aes256", "-pass",
                "pass:secret")).requireSuccess().output();
        PkiException e = assertThrows(PkiException.class, () -> Keys.readPrivateKey(pem));
        assertEquals("private key is encrypted; only unencrypted keys are supported", e.getMessage());
    }

    @Test
    void rejectsGarbageWithoutEchoingIt() {
        String secretLooking = "-----BEGIN PRIVATE KEY-----\nTUlJRXZRSUJBREFOQmdrcWhraUc5dzBC\n-----END PRIVATE KEY-----\n";
        PkiException e = assertThrows(PkiException.class, () -> Keys.readPrivateKey(secretLooking));
        assertEquals("private key is not a valid PKCS#8 structure", e.getMessage());
        assertEquals("private key is not PEM: no '-----BEGIN PRIVATE KEY/EC PRIVATE KEY/RSA PRIVATE KEY/"
                + "ENCRYPTED PRIVATE KEY-----' block",
                assertThrows(PkiException.class, () -> Keys.readPrivateKey("hello")).getMessage());
        assertEquals("private key is empty",
                assertThrows(PkiException.class, () -> Keys.readPrivateKey(" ")).getMessage());
        assertEquals("private key has invalid base64 inside its PEM block", assertThrows(PkiException.class,
                () -> Keys.readPrivateKey("-----BEGIN PRIVATE KEY-----\n@@@\n-----END PRIVATE KEY-----")).getMessage());
        assertEquals("private key is truncated: '-----END PRIVATE KEY-----' not found", assertThrows(
                PkiException.class, () -> Keys.readPrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n")).getMessage());
    }

    @Test
    void rejectsTwoKeysInOneText() {
        String one = Keys.privateKeyPem(Keys.generate(KeyType.ED25519).getPrivate());
        PkiException e = assertThrows(PkiException.class, () -> Keys.readPrivateKey(one + one));
        assertEquals("private key must contain exactly one PEM block, found 2", e.getMessage());
    }

    @Test
    void privateKeyPemOfEcKeyKeepsTheCurve() {
        String pem = Keys.privateKeyPem(Keys.generate(KeyType.ECDSA_P256).getPrivate());
        byte[] der = Pem.decodeOne(pem, "key", "PRIVATE KEY").der();
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(der);
        assertEquals("1.2.840.10045.3.1.7", info.getPrivateKeyAlgorithm().getParameters().toString());
        assertEquals(BigInteger.ZERO, info.getVersion().getValue());
    }
}
