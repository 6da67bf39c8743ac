package dev.charms.etcd.pki;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The key algorithms the cluster PKI supports, with their configuration names. Uses only JDK classes, so
 * parsing a config value never loads BouncyCastle.
 */
public enum KeyType {
    /** ECDSA on NIST P-256 with SHA-256 signatures: the default, fast and accepted everywhere. */
    ECDSA_P256("ecdsa-p256", "SHA256withECDSA"),
    /** Ed25519 (pure EdDSA). */
    ED25519("ed25519", "Ed25519"),
    /** RSA with a 2048-bit modulus and SHA-256 PKCS#1 v1.5 signatures. */
    RSA_2048("rsa-2048", "SHA256withRSA");

    /** The type used when nothing is configured. */
    public static final KeyType DEFAULT = ECDSA_P256;

    private static final String P256_OID = "1.2.840.10045.3.1.7";

    private final String configName;
    private final String signatureAlgorithm;

    KeyType(String configName, String signatureAlgorithm) {
        this.configName = configName;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The name used in configuration, e.g. {@code ecdsa-p256}. */
    public String configName() {
        return configName;
    }

    /** The JCA signature algorithm a key of this type signs certificates and CSRs with. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** Whether TLS may use a key of this type for key transport (only RSA), i.e. needs keyEncipherment. */
    public boolean supportsKeyEncipherment() {
        return this == RSA_2048;
    }

    /**
     * Parses a configuration value ({@code ecdsa-p256}, {@code ed25519}, {@code rsa-2048}; case and
     * surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the allowed values if {@code value} is none of them
     */
    public static KeyType parse(String value) {
        String wanted = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (KeyType type : values()) {
            if (type.configName.equals(wanted)) {
                return type;
            }
        }
        throw new IllegalArgumentException("invalid key type '" + value + "': allowed values are " + allowedValues());
    }

    /** The allowed configuration values, comma separated. */
    public static String allowedValues() {
        return Arrays.stream(values()).map(KeyType::configName).collect(Collectors.joining(", "));
    }

    /**
     * The type of an existing public or private key.
     *
     * @throws PkiException if the key is of an unsupported algorithm, curve or size
     */
    public static KeyType of(Key key) {
        if (key instanceof EdECKey edKey && "Ed25519".equalsIgnoreCase(edKey.getParams().getName())) {
            return ED25519;
        }
        if (key instanceof RSAKey rsaKey && rsaKey.getModulus().bitLength() == 2048) {
            return RSA_2048;
        }
        if (key instanceof ECKey ecKey && isP256(ecKey)) {
            return ECDSA_P256;
        }
        throw new PkiException("unsupported key (" + describe(key) + "): supported key types are " + allowedValues());
    }

    /** The order of the P-256 group (FIPS 186-4 D.1.2.3). */
    private static final java.math.BigInteger P256_ORDER = new java.math.BigInteger(
            "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    /**
     * Whether an EC key is on P-256, by the curve's parameters: JDKs name the curve differently (JDK 17
     * reports the OID, JDK 25 "secp256r1"), the group order is the same everywhere.
     */
    private static boolean isP256(ECKey key) {
        String name = curveOid(key);
        return P256_OID.equals(name) || "secp256r1".equalsIgnoreCase(name)
                || (key.getParams() != null && P256_ORDER.equals(key.getParams().getOrder())
                        && key.getParams().getCurve().getField().getFieldSize() == 256);
    }

    private static String curveOid(ECKey key) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(key.getParams());
            return parameters.getParameterSpec(ECGenParameterSpec.class).getName();
        } catch (GeneralSecurityException e) {
            return "unknown curve";
        }
    }

    private static String describe(Key key) {
        if (key instanceof RSAKey rsaKey) {
            return "RSA " + rsaKey.getModulus().bitLength() + " bits";
        }
        if (key instanceof ECKey ecKey) {
            return "EC curve " + curveOid(ecKey);
        }
        return key.getAlgorithm();
    }
}
