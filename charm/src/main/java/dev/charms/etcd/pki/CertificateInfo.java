package dev.charms.etcd.pki;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Read-only facts about one X.509 certificate given as PEM. Uses only JDK classes, so inspecting a
 * certificate (e.g. for expiry in update-status) never loads BouncyCastle.
 */
public final class CertificateInfo {
    private static final String[] KEY_USAGE_NAMES = {"digitalSignature", "nonRepudiation", "keyEncipherment",
        "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
    private static final Map<String, String> EKU_NAMES = Map.of(
            "1.3.6.1.5.5.7.3.1", "serverAuth", "1.3.6.1.5.5.7.3.2", "clientAuth");
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private final X509Certificate certificate;
    private final String pem;

    private CertificateInfo(X509Certificate certificate, String pem) {
        this.certificate = certificate;
        this.pem = pem;
    }

    /**
     * Parses a PEM text holding exactly one certificate.
     *
     * @throws PkiException if the text is not exactly one valid PEM certificate
     */
    public static CertificateInfo parse(String pem) {
        return parse(pem, "certificate");
    }

    static CertificateInfo parse(String pem, String what) {
        Pem.Block block = Pem.decodeOne(pem, what, "CERTIFICATE");
        X509Certificate certificate = x509(block.der(), what);
        return new CertificateInfo(certificate, Pem.encode("CERTIFICATE", block.der()));
    }

    static CertificateInfo of(byte[] der, String what) {
        return new CertificateInfo(x509(der, what), Pem.encode("CERTIFICATE", der));
    }

    private static X509Certificate x509(byte[] der, String what) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new PkiException(what + " is not a valid X.509 certificate", e);
        }
    }

    /** The certificate in canonical PEM form. */
    public String pem() {
        return pem;
    }

    /** The JDK view of the certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The subject's common name, or an empty string if it has none. */
    public String subjectCommonName() {
        return commonName(certificate.getSubjectX500Principal());
    }

    /** The issuer's common name, or an empty string if it has none. */
    public String issuerCommonName() {
        return commonName(certificate.getIssuerX500Principal());
    }

    /** The full subject distinguished name (RFC 2253). */
    public String subject() {
        return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    /** The full issuer distinguished name (RFC 2253). */
    public String issuer() {
        return certificate.getIssuerX500Principal().getName(X500Principal.RFC2253);
    }

    /** The serial number. */
    public BigInteger serial() {
        return certificate.getSerialNumber();
    }

    /** Start of validity. */
    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    /** End of validity. */
    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** Whether {@code now} is inside the validity period. */
    public boolean isValidAt(Instant now) {
        return !now.isBefore(notBefore()) && !now.isAfter(notAfter());
    }

    /** Whether the certificate expires (or has expired) within {@code window} from now. */
    public boolean expiresWithin(Duration window) {
        return expiresWithin(window, Instant.now());
    }

    /** Whether the certificate expires (or has expired) within {@code window} from {@code now}. */
    public boolean expiresWithin(Duration window, Instant now) {
        return !notAfter().isAfter(now.plus(window));
    }

    /** Subject alternative names in canonical form (see {@link SubjectAltNames}), sorted. */
    public SortedSet<String> sans() {
        SortedSet<String> result = new TreeSet<>();
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new PkiException("certificate has an invalid subject alternative name extension", e);
        }
        if (entries != null) {
            for (List<?> entry : entries) {
                int type = (Integer) entry.get(0);
                if (type == SAN_DNS) {
                    result.add(((String) entry.get(1)).toLowerCase(Locale.ROOT));
                } else if (type == SAN_IP) {
                    result.add(SubjectAltNames.canonicalIpLiteral((String) entry.get(1)));
                }
            }
        }
        return Collections.unmodifiableSortedSet(result);
    }

    /** Whether basic constraints mark this certificate as a CA. */
    public boolean isCa() {
        return certificate.getBasicConstraints() >= 0;
    }

    /** Key usage names (e.g. {@code digitalSignature}, {@code keyCertSign}); empty if the extension is absent. */
    public Set<String> keyUsages() {
        Set<String> result = new LinkedHashSet<>();
        boolean[] bits = certificate.getKeyUsage();
        for (int i = 0; bits != null && i < bits.length && i < KEY_USAGE_NAMES.length; i++) {
            if (bits[i]) {
                result.add(KEY_USAGE_NAMES[i]);
            }
        }
        return Collections.unmodifiableSet(result);
    }

    /** Extended key usages ({@code serverAuth}, {@code clientAuth}, or the OID of any other); empty if absent. */
    public Set<String> extendedKeyUsages() {
        List<String> oids;
        try {
            oids = certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new PkiException("certificate has an invalid extended key usage extension", e);
        }
        Set<String> result = new LinkedHashSet<>();
        if (oids != null) {
            oids.forEach(oid -> result.add(EKU_NAMES.getOrDefault(oid, oid)));
        }
        return Collections.unmodifiableSet(result);
    }

    /** The subject public key. */
    public PublicKey publicKey() {
        return certificate.getPublicKey();
    }

    /** The type of the subject public key. */
    public KeyType keyType() {
        return KeyType.of(certificate.getPublicKey());
    }

    /** Whether this certificate names {@code ca} as issuer and carries a valid signature by its key. */
    public boolean isSignedBy(CertificateInfo ca) {
        if (!certificate.getIssuerX500Principal().equals(ca.certificate.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(ca.certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether this certificate is signed by the CA certificate given as PEM. */
    public boolean isSignedBy(String caCertificatePem) {
        return isSignedBy(parse(caCertificatePem, "CA certificate"));
    }

    /** SHA-256 of the DER encoding, as upper-case hex pairs separated by colons (as openssl prints it). */
    public String sha256Fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }

    private static String commonName(X500Principal principal) {
        try {
            for (Rdn rdn : new LdapName(principal.getName(X500Principal.RFC2253)).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return String.valueOf(rdn.getValue());
                }
            }
            return "";
        } catch (InvalidNameException e) {
            throw new PkiException("certificate has an unparseable distinguished name", e);
        }
    }

    @Override
    public String toString() {
        return "CertificateInfo[subject=" + subject() + ", issuer=" + issuer() + ", notAfter=" + notAfter()
                + ", sans=" + sans() + "]";
    }
}
