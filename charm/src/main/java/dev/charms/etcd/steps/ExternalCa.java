package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.certs.CaMove;
import dev.charms.etcd.certs.TlsCertificatesV1;
import dev.charms.etcd.certs.TrustBundle;
import dev.charms.etcd.pki.Csr;
import dev.charms.ops.Event;
import dev.charms.ops.Relation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@code certificates} relation and the peer application bag say about the CA the cluster uses:
 * the relation (absent while its broken hook runs), the current {@link CaMove} state, and the CA the
 * provider's answers would move the cluster to (docs/certificates.md).
 */
final class ExternalCa {
    private ExternalCa() {
    }

    /** The {@code certificates} relation, unless there is none or this hook is its broken hook. */
    static Optional<Relation> relation(HookScope scope) {
        Optional<Relation> rel = scope.model().relation(TlsCertificatesV1.ENDPOINT);
        if (rel.isPresent() && scope.framework().event() instanceof Event.RelationBroken b
                && b.relation().endpoint().equals(TlsCertificatesV1.ENDPOINT) && b.relation().id() == rel.get().id()) {
            return Optional.empty();
        }
        return rel;
    }

    /** "certificates:<id>", as Juju names a relation. */
    static String name(Relation rel) {
        return TlsCertificatesV1.ENDPOINT + ":" + rel.id();
    }

    /** The cluster CA certificate, if the leader made it. */
    static Optional<String> builtin(HookScope scope) {
        String pem = scope.peer().localAppData().get(PeerData.CA_CERT);
        return pem == null || pem.isBlank() ? Optional.empty() : Optional.of(TrustBundle.canonical(pem));
    }

    /** The current state; absent keys mean the cluster CA alone. */
    static CaMove current(Map<String, String> app, String builtin) {
        String trust = app.getOrDefault(PeerData.TLS_TRUST, "");
        String serving = app.getOrDefault(PeerData.TLS_SERVING_CA, "");
        return new CaMove(trust.isBlank() ? builtin : TrustBundle.canonical(trust),
                serving.isBlank() ? builtin : TrustBundle.canonical(serving));
    }

    /** Leader: publishes {@code next} (both keys cleared once it is the cluster CA alone again). */
    static void publish(HookScope scope, CaMove next, String builtin) {
        if (next.equals(current(scope.peer().localAppData(), builtin))) {
            return;
        }
        boolean plain = TrustBundle.sameSet(next.trust(), builtin) && TrustBundle.sameSet(next.serving(), builtin);
        scope.peer().updateLocalAppData(Map.of(PeerData.TLS_TRUST, plain ? "" : next.trust(),
                PeerData.TLS_SERVING_CA, plain ? "" : next.serving()));
    }

    /** The provider's certificates; an unreadable value is a problem named in {@code problems}. */
    static List<TlsCertificatesV1.Provided> provided(Relation rel, List<String> problems) {
        try {
            return TlsCertificatesV1.parse(rel.remoteAppData().get(TlsCertificatesV1.CERTIFICATES));
        } catch (IllegalArgumentException e) {
            problems.add(name(rel) + ": " + e.getMessage());
            return List.of();
        }
    }

    /**
     * Leader: the CA the cluster should serve. Without the relation, the cluster CA. With it, the
     * provider's CA once it answered every member's request with a usable certificate, all from one CA;
     * until then (or when an answer is refused, which {@code problems} names) the CA served now.
     */
    static String desired(HookScope scope, String builtin, CaMove now, List<String> problems, List<String> waiting) {
        String next = scope.peer().localAppData().getOrDefault(PeerData.CA_NEXT_CERT, "");
        if (!next.isBlank()) {
            // rotate-ca: the move to the next cluster CA finishes first
            return TrustBundle.canonical(next);
        }
        Optional<Relation> rel = relation(scope);
        if (rel.isEmpty()) {
            return builtin;
        }
        if (ProviderV0.spokenBy(rel.get())) {
            return desiredV0(scope, rel.get(), now, problems, waiting);
        }
        List<TlsCertificatesV1.Provided> provided = provided(rel.get(), problems);
        if (!problems.isEmpty()) {
            return now.serving();
        }
        String ca = null;
        boolean usable = true;
        Instant at = Instant.now();
        List<String> members = new ArrayList<>(scope.roster().entries().keySet());
        for (String unit : members) {
            Map<String, String> data = unit.equals(scope.unit()) ? scope.peer().localUnitData() : scope.peer().unitData(unit);
            String csrPem = data.get(PeerData.CSR);
            Optional<TlsCertificatesV1.Provided> answer = TlsCertificatesV1.answerFor(provided, csrPem);
            if (answer.isEmpty()) {
                waiting.add(unit);
                usable = false;
                continue;
            }
            Csr csr;
            try {
                csr = Csr.parse(csrPem);
            } catch (RuntimeException e) {
                usable = false;
                continue;
            }
            Optional<String> problem = TlsCertificatesV1.problem(answer.get(), csr.publicKey(), csr.sans(), at);
            if (problem.isPresent()) {
                problems.add(name(rel.get()) + ": " + unit + ": " + problem.get());
                usable = false;
                continue;
            }
            String thisCa = TrustBundle.canonical(answer.get().ca());
            if (ca == null) {
                ca = thisCa;
            } else if (!ca.equals(thisCa)) {
                usable = false;
            }
        }
        return usable && ca != null ? ca : now.serving();
    }

    /** {@link #desired} with a provider of the original protocol: its answer for every member, all of one CA. */
    private static String desiredV0(HookScope scope, Relation rel, CaMove now, List<String> problems, List<String> waiting) {
        String ca = null;
        boolean usable = true;
        for (String unit : scope.roster().entries().keySet()) {
            Map<String, String> data = unit.equals(scope.unit()) ? scope.peer().localUnitData() : scope.peer().unitData(unit);
            String csrPem = data.get(PeerData.CSR);
            if (csrPem == null || csrPem.isBlank()) {
                usable = false;
                continue;
            }
            List<String> why = new ArrayList<>();
            Optional<ProviderV0.Served> served;
            try {
                served = ProviderV0.answer(rel, unit, csrPem, why);
            } catch (RuntimeException e) {
                usable = false;
                continue;
            }
            if (served.isEmpty()) {
                usable = false;
                if (why.isEmpty()) {
                    waiting.add(unit);
                } else {
                    problems.add(name(rel) + ": " + unit + ": " + why.get(0));
                }
                continue;
            }
            if (ca == null) {
                ca = served.get().ca();
            } else if (!ca.equals(served.get().ca())) {
                usable = false;
            }
        }
        return usable && ca != null ? ca : now.serving();
    }
}
