package dev.charms.etcd.pki;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** Tests' access to a CA and certificates made as if in the past (for renewal, which depends on the clock). */
public final class PastCertificates {
    private PastCertificates() {
    }

    /** A CA made {@code ago} before now. */
    public static CertificateAuthority ca(String commonName, int validityDays, Duration ago) {
        return CertificateAuthority.create(commonName, validityDays, KeyType.DEFAULT, Instant.now().minus(ago));
    }

    /** A certificate of {@code ca} for {@code csr}, signed {@code ago} before now. */
    public static String sign(CertificateAuthority ca, Csr csr, Set<String> sans, int validityDays, Duration ago) {
        return ca.sign(csr, sans, validityDays, Usage.SERVER_AND_CLIENT, Instant.now().minus(ago));
    }
}
