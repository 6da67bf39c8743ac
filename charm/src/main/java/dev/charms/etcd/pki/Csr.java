package dev.charms.etcd.pki;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A PKCS#10 certificate signing request: a unit creates one for its own key; the CA parses it. A parsed
 * {@code Csr} always has a valid self-signature, a single common name, canonical SANs and a supported key.
 */
public final class Csr {
    private static final String LABEL = "CERTIFICATE REQUEST";

    private final String pem;
    private final String commonName;
    private final SortedSet<String> sans;
    private final PublicKey publicKey;
    private final KeyType keyType;

    private Csr(String pem, String commonName, SortedSet<String> sans, PublicKey publicKey, KeyType keyType) {
        this.pem = pem;
        this.commonName = commonName;
        this.sans = sans;
        this.publicKey = publicKey;
        this.keyType = keyType;
    }

    /**
     * Creates a CSR for {@code keys} with subject {@code CN=commonName} requesting {@code sans} (validated
     * and canonicalised, see {@link SubjectAltNames}), signed by the key pair's private key.
     *
     * @return the request as PEM ({@code -----BEGIN CERTIFICATE REQUEST-----})
     * @throws PkiException if the common name or a SAN is invalid, or the key type unsupported
     */
    public static String create(KeyPair keys, String commonName, Set<String> sans) {
        KeyType type = KeyType.of(keys.getPublic());
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, CommonNames.validate(commonName)).build();
        SortedSet<String> canonical = SubjectAltNames.normalize(sans);
        JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(subject,
                keys.getPublic());
        try {
            if (!canonical.isEmpty()) {
                ExtensionsGenerator extensions = new ExtensionsGenerator();
                extensions.addExtension(Extension.subjectAlternativeName, false,
                        SanExtensions.toGeneralNames(canonical));
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            PKCS10CertificationRequest request = builder.build(
                    new JcaContentSignerBuilder(type.signatureAlgorithm()).build(keys.getPrivate()));
            return Pem.encode(LABEL, request.getEncoded());
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a " + type.configName() + " certificate request", e);
        }
    }

    /**
     * Parses and checks a CSR given as PEM.
     *
     * @throws PkiException if it is not a valid CSR, its signature does not verify, its subject does not
     *                      have exactly one CN, it requests invalid SANs or uses an unsupported key
     */
    public static Csr parse(String pem) {
        Pem.Block block = Pem.decodeOne(pem, "CSR", LABEL, "NEW CERTIFICATE REQUEST");
        PKCS10CertificationRequest request;
        try {
            request = new PKCS10CertificationRequest(block.der());
        } catch (IOException | RuntimeException e) {
            throw new PkiException("CSR is not a valid PKCS#10 certificate request");
        }
        PublicKey publicKey = Keys.publicKey(request.getSubjectPublicKeyInfo(), "CSR");
        KeyType keyType = KeyType.of(publicKey);
        verifySignature(request, publicKey);
        return new Csr(Pem.encode(LABEL, block.der()), commonName(request.getSubject()), requestedSans(request),
                publicKey, keyType);
    }

    private static void verifySignature(PKCS10CertificationRequest request, PublicKey publicKey) {
        boolean valid;
        try {
            valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey));
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new PkiException(
                    "CSR signature does not verify: the request was altered or not signed by its own key");
        }
    }

    private static String commonName(X500Name subject) {
        RDN[] rdns = subject.getRDNs(BCStyle.CN);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            throw new PkiException("CSR subject must have exactly one common name (CN), found " + rdns.length);
        }
        ASN1Encodable value = rdns[0].getFirst().getValue();
        if (!(value instanceof ASN1String text)) {
            throw new PkiException("CSR common name is not a string");
        }
        return CommonNames.validate(text.getString());
    }

    private static SortedSet<String> requestedSans(PKCS10CertificationRequest request) {
        SortedSet<String> result = new TreeSet<>();
        for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : attribute.getAttrValues()) {
                GeneralNames names;
                try {
                    names = GeneralNames.fromExtensions(Extensions.getInstance(value),
                            Extension.subjectAlternativeName);
                } catch (RuntimeException e) {
                    throw new PkiException("CSR has a malformed extension request");
                }
                if (names != null) {
                    result.addAll(SanExtensions.fromGeneralNames(names, "CSR"));
                }
            }
        }
        return Collections.unmodifiableSortedSet(result);
    }

    /** The request in canonical PEM form. */
    public String pem() {
        return pem;
    }

    /** The subject common name. */
    public String commonName() {
        return commonName;
    }

    /** The requested subject alternative names, canonical and sorted (possibly empty). */
    public SortedSet<String> sans() {
        return sans;
    }

    /** The public key to be certified. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The type of the public key. */
    public KeyType keyType() {
        return keyType;
    }

    @Override
    public String toString() {
        return "Csr[CN=" + commonName + ", sans=" + sans + ", keyType=" + keyType.configName() + "]";
    }
}
