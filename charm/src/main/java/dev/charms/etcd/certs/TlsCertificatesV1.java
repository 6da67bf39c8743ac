package dev.charms.etcd.certs;

import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.ops.Json;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The current {@code tls-certificates} protocol on the {@code certificates} endpoint (interface spec
 * {@code interfaces/tls_certificates/v1} of canonical/charm-relation-interfaces, as the v4 charm library
 * speaks it; see docs/certificates.md). The requirer (each unit) writes {@code certificate_signing_requests}
 * in its unit bag: a JSON list of {@code {"certificate_signing_request": PEM, "ca": false}}. The provider
 * answers in its application bag under {@code certificates}: a JSON list of {@code {"certificate",
 * "certificate_signing_request", "ca", "chain", "revoked"?}}, matched to a request by the exact CSR text.
 */
public final class TlsCertificatesV1 {
    /** The endpoint name in metadata.yaml. */
    public static final String ENDPOINT = "certificates";
    /** Requirer unit-bag key. */
    public static final String REQUESTS = "certificate_signing_requests";
    /** Provider application-bag key. */
    public static final String CERTIFICATES = "certificates";

    private TlsCertificatesV1() {
    }

    /** The requirer's value of {@link #REQUESTS} for {@code csrs} (none a CA request). */
    public static String requests(List<String> csrs) {
        List<Object> list = new ArrayList<>();
        for (String csr : csrs) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("certificate_signing_request", csr.strip());
            item.put("ca", false);
            list.add(item);
        }
        return Json.write(list);
    }

    /**
     * One certificate the provider published.
     *
     * @param certificate the leaf certificate (PEM)
     * @param csr the request it answers (PEM, as the requirer wrote it)
     * @param ca the issuing CA certificate (PEM)
     * @param chain the chain, leaf first (PEM each)
     * @param revoked whether the provider revoked it
     */
    public record Provided(String certificate, String csr, String ca, List<String> chain, boolean revoked) {
        @Override
        public String toString() {
            return "Provided[" + (revoked ? "revoked" : "current") + "]";
        }
    }

    /**
     * Parses the provider's {@link #CERTIFICATES} value. Empty or absent: no certificates. Anything else
     * that is not a list of objects with the four required strings throws {@link IllegalArgumentException}
     * saying what is wrong (never quoting the value).
     */
    public static List<Provided> parse(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        Object parsed;
        try {
            parsed = Json.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + CERTIFICATES + "' is not JSON");
        }
        if (!(parsed instanceof List<?> list)) {
            throw new IllegalArgumentException("'" + CERTIFICATES + "' is not a JSON list");
        }
        List<Provided> result = new ArrayList<>();
        int index = 0;
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("'" + CERTIFICATES + "' item " + index + " is not an object");
            }
            String cert = string(map, "certificate", index);
            String csr = string(map, "certificate_signing_request", index);
            String ca = string(map, "ca", index);
            List<String> chain = new ArrayList<>();
            Object c = map.get("chain");
            if (c instanceof List<?> l) {
                for (Object o : l) {
                    if (!(o instanceof String s)) {
                        throw new IllegalArgumentException("'" + CERTIFICATES + "' item " + index + ": chain holds a non-string");
                    }
                    chain.add(s);
                }
            } else if (c instanceof String s) {
                chain.add(s);
            } else {
                throw new IllegalArgumentException("'" + CERTIFICATES + "' item " + index + " has no chain");
            }
            boolean revoked = Boolean.TRUE.equals(map.get("revoked"));
            result.add(new Provided(cert, csr, ca, List.copyOf(chain), revoked));
            index++;
        }
        return result;
    }

    private static String string(Map<?, ?> map, String key, int index) {
        Object v = map.get(key);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("'" + CERTIFICATES + "' item " + index + " has no string '" + key + "'");
        }
        return s;
    }

    /**
     * Whether a provider's certificate is due for renewal at {@code now}: nine tenths of its lifetime have
     * passed (the v4 library's convention), so the requirer sends a new CSR.
     */
    public static boolean renewalDue(CertificateInfo cert, Instant now) {
        long life = cert.notAfter().toEpochMilli() - cert.notBefore().toEpochMilli();
        return now.toEpochMilli() >= cert.notBefore().toEpochMilli() + life * 9 / 10;
    }

    /** The provider's current (not revoked) answer to exactly {@code csr}, the last one listed if several. */
    public static Optional<Provided> answerFor(List<Provided> provided, String csr) {
        if (csr == null || csr.isBlank()) {
            return Optional.empty();
        }
        String wanted = csr.strip();
        Provided found = null;
        for (Provided p : provided) {
            if (!p.revoked() && p.csr().strip().equals(wanted)) {
                found = p;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * Why {@code answer} cannot serve a member whose key is {@code key} and whose addresses are
     * {@code sans}, at {@code now}; empty when it can: the certificate and CA parse, the certificate is
     * for that key, not a CA, carries every SAN, is valid now, and is signed by the CA it names.
     */
    public static Optional<String> problem(Provided answer, PublicKey key, Set<String> sans, Instant now) {
        CertificateInfo cert;
        CertificateInfo ca;
        try {
            cert = CertificateInfo.parse(answer.certificate());
        } catch (RuntimeException e) {
            return Optional.of("the certificate is not a PEM X.509 certificate");
        }
        try {
            ca = CertificateInfo.parse(answer.ca());
        } catch (RuntimeException e) {
            return Optional.of("the CA is not a PEM X.509 certificate");
        }
        if (!cert.publicKey().equals(key)) {
            return Optional.of("the certificate is not for this unit's key");
        }
        if (cert.isCa()) {
            return Optional.of("the certificate is a CA certificate");
        }
        if (!ca.isCa()) {
            return Optional.of("the CA certificate is not marked as a CA");
        }
        TreeSet<String> missing = new TreeSet<>(sans);
        missing.removeAll(cert.sans());
        if (!missing.isEmpty()) {
            return Optional.of("the certificate lacks the SANs " + String.join(",", missing));
        }
        if (now.isAfter(cert.notAfter())) {
            return Optional.of("the certificate expired at " + cert.notAfter());
        }
        if (now.isBefore(cert.notBefore())) {
            return Optional.of("the certificate is not valid before " + cert.notBefore());
        }
        if (!cert.isSignedBy(ca)) {
            return Optional.of("the certificate is not signed by the CA sent with it");
        }
        if (now.isAfter(ca.notAfter())) {
            return Optional.of("the CA expired at " + ca.notAfter());
        }
        return Optional.empty();
    }
}
