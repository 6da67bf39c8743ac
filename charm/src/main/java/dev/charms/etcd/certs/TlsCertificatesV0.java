package dev.charms.etcd.certs;

import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Keys;
import dev.charms.ops.Json;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The original {@code tls-certificates} protocol on the {@code certificates} endpoint (spec
 * {@code interfaces/tls_certificates/v0} of canonical/charm-relation-interfaces, as the reactive interface
 * juju-solutions/interface-tls-certificates and its provider easyrsa speak it; see docs/certificates.md).
 * The requirer (each unit, its unit bag) writes {@code unit_name} (the unit's name with '/' made '_'),
 * {@code common_name}, {@code sans} (a JSON list) and {@code certificate_name}: one server certificate.
 * The provider generates key and certificate and answers in its unit bag: {@code ca}, optionally
 * {@code chain}, and {@code <unit_name>.server.cert} / {@code <unit_name>.server.key} (plain PEM).
 */
public final class TlsCertificatesV0 {
    /** Requirer unit-bag keys. */
    public static final String UNIT_NAME = "unit_name";
    public static final String COMMON_NAME = "common_name";
    public static final String SANS = "sans";
    public static final String CERTIFICATE_NAME = "certificate_name";
    /** Provider unit-bag keys. */
    public static final String CA = "ca";
    public static final String CHAIN = "chain";

    private TlsCertificatesV0() {
    }

    /** The name a unit goes by in the provider's keys: {@code etcd/0} is {@code etcd_0}. */
    public static String munged(String unit) {
        return unit.replace('/', '_');
    }

    /** Provider unit-bag key of the server certificate answering {@code unit}'s request. */
    public static String serverCertKey(String unit) {
        return munged(unit) + ".server.cert";
    }

    /** Provider unit-bag key of its private key. */
    public static String serverKeyKey(String unit) {
        return munged(unit) + ".server.key";
    }

    /**
     * The requirer's unit-bag values asking for one server certificate with common name {@code commonName}
     * and the SANs {@code sans} (sorted, as the original etcd charm sends them).
     */
    public static Map<String, String> request(String unit, String commonName, Set<String> sans) {
        Map<String, String> out = new TreeMap<>();
        out.put(UNIT_NAME, munged(unit));
        out.put(COMMON_NAME, commonName);
        out.put(SANS, Json.write(new ArrayList<>(new TreeSet<>(sans))));
        out.put(CERTIFICATE_NAME, munged(unit));
        return out;
    }

    /** The keys {@link #request} writes, to clear them. */
    public static List<String> requestKeys() {
        return List.of(UNIT_NAME, COMMON_NAME, SANS, CERTIFICATE_NAME);
    }

    /**
     * Whether the provider speaks this protocol: one of its units' bags holds a {@code ca} (the v1 provider
     * writes its application bag only).
     */
    public static boolean spokenBy(Iterable<Map<String, String>> providerUnitBags) {
        for (Map<String, String> bag : providerUnitBags) {
            String ca = bag.get(CA);
            if (ca != null && !ca.isBlank()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The provider's answer for one requirer unit.
     *
     * @param certificate its certificate (PEM)
     * @param key the private key the provider generated (PEM); never printed
     * @param ca the provider's CA (PEM)
     * @param chain the provider's chain (PEM, may be empty)
     */
    public record Answer(String certificate, String key, String ca, String chain) {
        @Override
        public String toString() {
            return "Answer[key redacted]";
        }
    }

    /**
     * The answer to {@code unit}'s request, from the provider's unit bags (the first bag holding each key,
     * as the reactive interface merges them); empty until {@code ca}, the certificate and its key are all
     * there.
     */
    public static Optional<Answer> answerFor(Iterable<Map<String, String>> providerUnitBags, String unit) {
        String ca = first(providerUnitBags, CA);
        String cert = first(providerUnitBags, serverCertKey(unit));
        String key = first(providerUnitBags, serverKeyKey(unit));
        if (ca == null || cert == null || key == null) {
            return Optional.empty();
        }
        String chain = first(providerUnitBags, CHAIN);
        return Optional.of(new Answer(cert, key, ca, chain == null ? "" : chain));
    }

    private static String first(Iterable<Map<String, String>> bags, String key) {
        for (Map<String, String> bag : bags) {
            String v = bag.get(key);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /**
     * Why {@code answer} cannot serve a member whose addresses are {@code sans}, at {@code now}; empty when
     * it can: the key parses and is the certificate's, and the certificate passes every check an answer of
     * the current protocol passes ({@link TlsCertificatesV1#problem}). Messages never quote key material.
     */
    public static Optional<String> problem(Answer answer, Set<String> sans, Instant now) {
        PrivateKey key;
        try {
            key = Keys.readPrivateKey(answer.key());
        } catch (RuntimeException e) {
            return Optional.of("the key is not a PEM private key");
        }
        CertificateInfo cert;
        try {
            cert = CertificateInfo.parse(answer.certificate());
        } catch (RuntimeException e) {
            return Optional.of("the certificate is not a PEM X.509 certificate");
        }
        if (!matches(key, cert.publicKey())) {
            return Optional.of("the certificate is not for the key sent with it");
        }
        return TlsCertificatesV1.problem(new TlsCertificatesV1.Provided(answer.certificate(), "", answer.ca(),
                List.of(), false), cert.publicKey(), sans, now);
    }

    /** The key as PKCS#8 PEM, the form the unit stores it in (0600). */
    public static String normalisedKey(Answer answer) {
        return Keys.privateKeyPem(Keys.readPrivateKey(answer.key()));
    }

    /** Whether the private key {@code keyPem} is the private half of {@code pub}; false when it does not parse. */
    public static boolean keyMatches(String keyPem, PublicKey pub) {
        try {
            return matches(Keys.readPrivateKey(keyPem), pub);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean matches(PrivateKey key, PublicKey pub) {
        try {
            if (key instanceof RSAPrivateCrtKey rsa) {
                return pub instanceof RSAPublicKey r && r.getModulus().equals(rsa.getModulus())
                        && r.getPublicExponent().equals(rsa.getPublicExponent());
            }
            return Keys.toKeyPair(key).getPublic().equals(pub);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
