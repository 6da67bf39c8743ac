package dev.charms.etcd.workload;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validation of TLS 1.2 cipher-suite names for etcd's {@code cipher-suites} setting: the Go names
 * that etcd 3.4, 3.5 and 3.6 all accept. Only forward-secret AEAD suites (ECDHE with AES-GCM or
 * ChaCha20-Poly1305) are allowed; CBC, RC4, 3DES and static-RSA key exchange are refused.
 */
public final class CipherSuites {
    /** The secure suites, also the charm's default when the option is empty. */
    public static final List<String> SECURE_DEFAULT = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305");

    /** Names etcd knows but that are refused here, with the reason. */
    private static final Set<String> INSECURE = Set.of(
            "TLS_RSA_WITH_RC4_128_SHA",
            "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_256_CBC_SHA",
            "TLS_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
            "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");

    private CipherSuites() {
    }

    /**
     * Parses a comma-separated list (blank means empty), keeping order and dropping duplicates.
     * Throws {@link IllegalArgumentException} naming the first unknown or insecure entry.
     */
    public static List<String> parse(String csv) {
        Set<String> out = new LinkedHashSet<>();
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        for (String raw : csv.split(",", -1)) {
            String name = raw.strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("tls_cipher_suites has an empty entry in '" + csv.strip() + "'");
            }
            out.add(check(name));
        }
        return List.copyOf(new ArrayList<>(out));
    }

    /**
     * Returns {@code name} if it is an allowed suite (Go's newer "..._CHACHA20_POLY1305_SHA256" names
     * become the legacy names etcd 3.4 also accepts), else throws naming it and why.
     */
    public static String check(String name) {
        if (name.endsWith("_CHACHA20_POLY1305_SHA256") && SECURE_DEFAULT.contains(name.substring(0, name.length() - 7))) {
            return name.substring(0, name.length() - 7);
        }
        if (SECURE_DEFAULT.contains(name)) {
            return name;
        }
        if (INSECURE.contains(name)) {
            String why = name.contains("RC4") ? "RC4 is broken"
                    : name.contains("3DES") ? "3DES is weak"
                    : name.contains("_CBC_") ? "CBC mode is vulnerable to padding-oracle attacks"
                    : "static RSA key exchange has no forward secrecy";
            throw new IllegalArgumentException("tls_cipher_suites entry '" + name + "' is insecure (" + why
                    + "); allowed: " + String.join(",", SECURE_DEFAULT));
        }
        throw new IllegalArgumentException("tls_cipher_suites entry '" + name + "' is not a cipher suite etcd knows"
                + "; allowed: " + String.join(",", SECURE_DEFAULT));
    }
}
