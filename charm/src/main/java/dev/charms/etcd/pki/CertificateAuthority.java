package dev.charms.etcd.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Set;
import java.util.SortedSet;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster certificate authority: a self-signed CA certificate and its private key. It signs unit
 * certificates (serverAuth + clientAuth, used on both the client and the peer port) and client
 * certificates (clientAuth only) from CSRs. {@link #toString()} never shows the key.
 */
public final class CertificateAuthority {
    /** How far notBefore is set in the past, to tolerate clock skew between machines. */
    public static final Duration BACKDATE = Duration.ofMinutes(10);
    private static final int MAX_VALIDITY_DAYS = 36_500;

    private final CertificateInfo certificate;
    private final PrivateKey privateKey;
    private final KeyType keyType;

    private CertificateAuthority(CertificateInfo certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.keyType = certificate.keyType();
    }

    /**
     * Creates a new self-signed CA: basic constraints CA:true with path length 0, key usage keyCertSign and
     * cRLSign, subject and authority key identifiers.
     *
     * @throws PkiException if the common name or validity is invalid
     */
    public static CertificateAuthority create(String commonName, int validityDays, KeyType keyType) {
        return create(commonName, validityDays, keyType, Instant.now());
    }

    static CertificateAuthority create(String commonName, int validityDays, KeyType keyType, Instant now) {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, CommonNames.validate(commonName)).build();
        checkValidityDays(validityDays);
        KeyPair keys = Keys.generate(keyType);
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, randomSerial(),
                    notBefore(now), Date.from(now.plus(Duration.ofDays(validityDays))), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(keys.getPublic()));
            byte[] der = builder.build(new JcaContentSignerBuilder(keyType.signatureAlgorithm())
                    .build(keys.getPrivate())).getEncoded();
            return new CertificateAuthority(CertificateInfo.of(der, "CA certificate"), keys.getPrivate());
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create a " + keyType.configName() + " CA certificate", e);
        }
    }

    /**
     * Loads a CA from its certificate and private key (PEM), e.g. from a Juju secret.
     *
     * @throws PkiException if either is unreadable, the certificate is not a CA or not currently valid, or
     *                      the key does not belong to the certificate; messages never contain key material
     */
    public static CertificateAuthority load(String certificatePem, String privateKeyPem) {
        return load(certificatePem, privateKeyPem, Instant.now());
    }

    static CertificateAuthority load(String certificatePem, String privateKeyPem, Instant now) {
        CertificateInfo info = CertificateInfo.parse(certificatePem, "CA certificate");
        PrivateKey key = Keys.readPrivateKey(privateKeyPem, "CA private key");
        if (!info.isCa()) {
            throw new PkiException("CA certificate '" + info.subject() + "' is not a CA (basic constraints CA:false)");
        }
        if (!info.keyUsages().isEmpty() && !info.keyUsages().contains("keyCertSign")) {
            throw new PkiException("CA certificate '" + info.subject()
                    + "' may not sign certificates (no keyCertSign)");
        }
        checkCurrent(info, now);
        if (!Keys.matches(key, info.publicKey())) {
            throw new PkiException("CA private key does not match the CA certificate '" + info.subject() + "'");
        }
        return new CertificateAuthority(info, key);
    }

    /** The CA certificate as PEM. */
    public String certificatePem() {
        return certificate.pem();
    }

    /** The CA private key as unencrypted PKCS#8 PEM. Keep it secret: mode 0600 files and Juju secrets only. */
    public String privateKeyPem() {
        return Keys.privateKeyPem(privateKey);
    }

    /** The CA key type. */
    public KeyType keyType() {
        return keyType;
    }

    /** Facts about the CA certificate (expiry, fingerprint, ...). */
    public CertificateInfo info() {
        return certificate;
    }

    /**
     * Parses {@code csrPem} and signs it; see {@link #sign(Csr, Set, int, Usage)}.
     *
     * @throws PkiException if the CSR is invalid or its signature does not verify
     */
    public String sign(String csrPem, Set<String> sans, int validityDays, Usage usage) {
        return sign(Csr.parse(csrPem), sans, validityDays, usage);
    }

    /**
     * Issues a certificate for the CSR's key and common name with exactly the given SANs (the CSR's own
     * requested SANs are not copied: the caller decides). The CSR's signature was verified when it was
     * parsed. Serial: random positive 128-bit; notBefore: now minus {@link #BACKDATE}; notAfter: now plus
     * {@code validityDays}, but never after the CA's own notAfter.
     *
     * @param sans  IP literals become IP SANs, other names DNS SANs; required for {@link Usage#SERVER_AND_CLIENT}
     * @param usage {@code SERVER_AND_CLIENT}: EKU serverAuth + clientAuth, key usage digitalSignature (plus
     *              keyEncipherment for RSA keys); {@code CLIENT}: EKU clientAuth, key usage digitalSignature
     * @return the certificate as PEM
     * @throws PkiException if a SAN or the validity is invalid, or the CA has expired
     */
    public String sign(Csr csr, Set<String> sans, int validityDays, Usage usage) {
        return sign(csr, sans, validityDays, usage, Instant.now());
    }

    String sign(Csr csr, Set<String> sans, int validityDays, Usage usage, Instant now) {
        SortedSet<String> canonical = SubjectAltNames.normalize(sans);
        if (usage == Usage.SERVER_AND_CLIENT && canonical.isEmpty()) {
            throw new PkiException("a server certificate needs at least one subject alternative name");
        }
        checkValidityDays(validityDays);
        checkCurrent(certificate, now);
        Instant notAfter = now.plus(Duration.ofDays(validityDays));
        if (notAfter.isAfter(certificate.notAfter())) {
            notAfter = certificate.notAfter();
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, csr.commonName()).build();
        X500Name issuer = X500Name.getInstance(certificate.certificate().getSubjectX500Principal().getEncoded());
        PublicKey subjectKey = csr.publicKey();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, randomSerial(),
                    notBefore(now), Date.from(notAfter), subject, subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, keyUsage(usage, csr.keyType()))
                    .addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(usage))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(certificate.certificate()));
            if (!canonical.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, SanExtensions.toGeneralNames(canonical));
            }
            byte[] der = builder.build(new JcaContentSignerBuilder(keyType.signatureAlgorithm()).build(privateKey))
                    .getEncoded();
            return Pem.encode("CERTIFICATE", der);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate with the " + keyType.configName() + " CA", e);
        }
    }

    private static KeyUsage keyUsage(Usage usage, KeyType subjectKeyType) {
        if (usage == Usage.SERVER_AND_CLIENT && subjectKeyType.supportsKeyEncipherment()) {
            return new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
        }
        return new KeyUsage(KeyUsage.digitalSignature);
    }

    private static ExtendedKeyUsage extendedKeyUsage(Usage usage) {
        if (usage == Usage.CLIENT) {
            return new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth);
        }
        return new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
    }

    private static void checkValidityDays(int validityDays) {
        if (validityDays < 1 || validityDays > MAX_VALIDITY_DAYS) {
            throw new PkiException("invalid validity of " + validityDays + " days: must be 1 to "
                    + MAX_VALIDITY_DAYS);
        }
    }

    private static void checkCurrent(CertificateInfo info, Instant now) {
        if (now.isAfter(info.notAfter())) {
            throw new PkiException("CA certificate '" + info.subject() + "' expired on " + info.notAfter());
        }
        if (now.isBefore(info.notBefore())) {
            throw new PkiException("CA certificate '" + info.subject() + "' is not valid before " + info.notBefore());
        }
    }

    private static Date notBefore(Instant now) {
        return Date.from(now.minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS));
    }

    private static BigInteger randomSerial() {
        BigInteger serial;
        do {
            serial = new BigInteger(128, Randomness.SECURE);
        } while (serial.signum() == 0);
        return serial;
    }

    @Override
    public String toString() {
        return "CertificateAuthority[subject=" + certificate.subject() + ", keyType=" + keyType.configName()
                + ", notAfter=" + certificate.notAfter() + ", sha256=" + certificate.sha256Fingerprint() + "]";
    }
}
