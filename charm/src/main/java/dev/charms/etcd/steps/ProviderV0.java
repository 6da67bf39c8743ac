package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.certs.TlsCertificatesV0;
import dev.charms.etcd.certs.TlsCertificatesV1;
import dev.charms.etcd.certs.TrustBundle;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.ops.Relation;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The {@code certificates} relation when the provider speaks the original protocol
 * ({@link TlsCertificatesV0}, as easyrsa does; docs/certificates.md): what each unit requests, the
 * provider's answer for a member with the key it generated, and renewal.
 */
public final class ProviderV0 {
    /** What a member serves under this protocol: certificate, key (PKCS#8 PEM; never printed) and its CA. */
    record Served(String certificate, String key, String ca) {
        @Override
        public String toString() {
            return "Served[key redacted]";
        }
    }

    private ProviderV0() {
    }

    /** The provider's unit bags, in unit order (the reactive interface merges them the same way). */
    static List<Map<String, String>> bags(Relation rel) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String unit : new TreeSet<>(rel.units())) {
            out.add(rel.unitData(unit));
        }
        return out;
    }

    /** Whether the provider speaks the original protocol: no v1 answer in its app bag, a CA in a unit bag. */
    public static boolean spokenBy(Relation rel) {
        String v1 = rel.remoteAppData().get(TlsCertificatesV1.CERTIFICATES);
        return (v1 == null || v1.isBlank()) && TlsCertificatesV0.spokenBy(bags(rel));
    }

    /**
     * Every unit, beside its v1 request: asks for its member certificate with the SANs of its CSR. The
     * common name is the member name, or the one of the last renewal (a new common name is how the
     * protocol asks for a new certificate).
     */
    static void request(HookScope scope, Relation rel) {
        String csrPem = scope.peer().localUnitData().get(PeerData.CSR);
        if (csrPem == null || csrPem.isBlank()) {
            return;
        }
        Csr csr = Csr.parse(csrPem);
        String cn = rel.localUnitData().get(TlsCertificatesV0.COMMON_NAME);
        if (cn == null || !cn.startsWith(csr.commonName())) {
            cn = csr.commonName();
        }
        rel.updateLocalUnitData(TlsCertificatesV0.request(scope.unit(), cn, csr.sans()));
    }

    /** The answer for {@code unit}, whose CSR is {@code csrPem}; a problem with it goes to {@code why}. */
    static Optional<Served> answer(Relation rel, String unit, String csrPem, List<String> why) {
        Optional<TlsCertificatesV0.Answer> answer = TlsCertificatesV0.answerFor(bags(rel), unit);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> problem = TlsCertificatesV0.problem(answer.get(), Csr.parse(csrPem).sans(), Instant.now());
        if (problem.isPresent()) {
            why.add(problem.get());
            return Optional.empty();
        }
        return Optional.of(new Served(answer.get().certificate().strip() + "\n",
                TlsCertificatesV0.normalisedKey(answer.get()), TrustBundle.canonical(answer.get().ca())));
    }

    /**
     * Once nine tenths of the certificate in use have passed and it is still the provider's answer, asks
     * for a new one under a new common name (easyrsa issues a certificate per common name and SANs).
     */
    static void renewIfDue(HookScope scope, Relation rel, String certPem) {
        CertificateInfo cert = CertificateInfo.parse(certPem);
        if (!TlsCertificatesV1.renewalDue(cert, Instant.now())) {
            return;
        }
        Optional<TlsCertificatesV0.Answer> answer = TlsCertificatesV0.answerFor(bags(rel), scope.unit());
        if (answer.isEmpty() || !answer.get().certificate().strip().equals(certPem.strip())) {
            return;
        }
        String csrPem = scope.peer().localUnitData().get(PeerData.CSR);
        Csr csr = Csr.parse(csrPem);
        String cn = csr.commonName() + "-" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        rel.updateLocalUnitData(TlsCertificatesV0.request(scope.unit(), cn, csr.sans()));
        scope.model().log("INFO", "renewing this unit's certificate from " + ExternalCa.name(rel)
                + " (it expires at " + cert.notAfter() + ")");
    }
}
