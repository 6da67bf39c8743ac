package dev.charms.etcd.pki;

import java.security.SecureRandom;

/** The package's shared, lazily created source of cryptographic randomness. */
final class Randomness {
    static final SecureRandom SECURE = new SecureRandom();

    private Randomness() {
    }
}
