package dev.charms.etcd.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyTypeTest {
    @Test
    void parsesConfigNames() {
        assertEquals(KeyType.ECDSA_P256, KeyType.parse("ecdsa-p256"));
        assertEquals(KeyType.ED25519, KeyType.parse(" Ed25519 "));
        assertEquals(KeyType.RSA_2048, KeyType.parse("RSA-2048"));
        assertEquals(KeyType.ECDSA_P256, KeyType.DEFAULT);
    }

    @Test
    void rejectsUnknownNamesListingTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyType.parse("rsa-4096"));
        assertEquals("invalid key type 'rsa-4096': allowed values are ecdsa-p256, ed25519, rsa-2048", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KeyType.parse(null));
        assertThrows(IllegalArgumentException.class, () -> KeyType.parse(""));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void recognisesGeneratedKeys(KeyType type) {
        var keys = Keys.generate(type);
        assertEquals(type, KeyType.of(keys.getPublic()));
        assertEquals(type, KeyType.of(keys.getPrivate()));
    }

    @Test
    void rejectsOtherCurvesAndSizes() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        PkiException e = assertThrows(PkiException.class, () -> KeyType.of(ec.generateKeyPair().getPublic()));
        assertTrue(e.getMessage().contains("1.3.132.0.34") || e.getMessage().contains("secp384r1"), e.getMessage());
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        e = assertThrows(PkiException.class, () -> KeyType.of(rsa.generateKeyPair().getPublic()));
        assertTrue(e.getMessage().contains("RSA 1024 bits"), e.getMessage());
    }
}
