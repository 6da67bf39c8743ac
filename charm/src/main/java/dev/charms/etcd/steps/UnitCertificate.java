package dev.charms.etcd.steps;

import dev.charms.etcd.ClusterCa;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.RootIdentity;
import dev.charms.etcd.Units;
import dev.charms.etcd.certs.CaMove;
import dev.charms.etcd.certs.TlsCertificatesV0;
import dev.charms.etcd.certs.TlsCertificatesV1;
import dev.charms.etcd.certs.TrustBundle;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.ops.Relation;
import dev.charms.ops.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * First round: writes the CAs to trust, this unit's certificate and its key for etcd, and the charm's own
 * client certificate ({@link RootIdentity}, CN root, of the cluster CA), then says in its peer bag
 * that it talks to etcd as root. The trust is the leader's ({@link CaMove#trust}) plus the cluster CA,
 * which issues the charm's own client certificate and those of the {@code db} relation and the
 * {@code generate-client-certificates} action. The certificate is of the CA
 * the leader says members serve: the cluster CA's, when the one the leader published fits this unit's key
 * and names; an external CA's, when the {@code certificates} provider's answer to this unit's CSR passes
 * every check (else the certificate installed before is kept while it is of that CA, for this key, and
 * valid). While there is none, the pass ends here, waiting; a unit that is not a member yet (and not the
 * leader) then clears any stale data and says it is ready, so that the leader can admit it in the same
 * hook in which it signs its certificate.
 */
public final class UnitCertificate implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.firstRound();
    }

    @Override
    public void run(HookScope scope) {
        Relation peer = scope.peer();
        Map<String, String> app = peer.localAppData();
        Optional<String> builtin = ExternalCa.builtin(scope);
        String csr = peer.localUnitData().get(PeerData.CSR);
        if (builtin.isPresent()) {
            CaMove state = ExternalCa.current(app, builtin.get());
            String trust = TrustBundle.sortedUnion(state.trust(), builtin.get());
            Optional<String> cert;
            String key = null;
            String waitingFor;
            String nextCa = app.getOrDefault(PeerData.CA_NEXT_CERT, "");
            boolean leaderSigns = TrustBundle.sameSet(state.serving(), builtin.get())
                    || !nextCa.isBlank() && TrustBundle.sameSet(state.serving(), nextCa);
            if (TrustBundle.sameSet(state.serving(), builtin.get())) {
                String signed = app.get(Units.certKey(scope.unit()));
                cert = scope.tls().fits(signed, app.get(PeerData.CA_CERT), csr) ? Optional.of(signed) : Optional.empty();
                waitingFor = "waiting for the leader to sign this unit's certificate";
            } else if (leaderSigns) {
                // rotate-ca: the certificate the leader signed with the next cluster CA
                String signed = app.get(Units.nextCertKey(scope.unit()));
                cert = scope.tls().fits(signed, nextCa, csr) ? Optional.of(signed) : Optional.empty();
                waitingFor = "waiting for the leader to sign this unit's certificate with the next cluster CA";
            } else {
                Optional<Relation> rel = ExternalCa.relation(scope);
                String[] why = {"no certificates relation"};
                if (rel.isPresent() && ProviderV0.spokenBy(rel.get())) {
                    Optional<ProviderV0.Served> v0 = externalV0(rel.get(), scope.unit(), state.serving(), csr, why);
                    cert = v0.map(ProviderV0.Served::certificate);
                    key = v0.map(ProviderV0.Served::key).orElse(null);
                } else {
                    cert = rel.flatMap(r -> external(scope, r, state.serving(), csr, why));
                }
                if (cert.isEmpty()) {
                    Optional<String[]> kept = installed(scope, state.serving());
                    cert = kept.map(k -> k[0]);
                    key = kept.map(k -> k[1]).orElse(null);
                    rel.ifPresent(r -> scope.tlsNote(ExternalCa.name(r) + ": " + why[0]));
                }
                waitingFor = "waiting for a certificate of the external CA: " + why[0];
            }
            if (cert.isPresent()) {
                // the charm's own client certificate is of the CA that signs client certificates now (the
                // cluster CA; during rotate-ca, the next one once members serve it), trusted throughout
                ClusterCa clusterCa = new ClusterCa(scope.model(), peer);
                RootIdentity.Pair client = RootIdentity.current(scope.host().paths(), scope.state(),
                        clusterCa.signingCertificatePem().orElseThrow(),
                        () -> scope.caMadeNow().orElseGet(() -> clusterCa.signing().orElseThrow()));
                scope.host().writeTls(trust, cert.get(), key != null ? key : scope.tls().keyPem(), client.certPem(), client.keyPem());
                peer.updateLocalUnitData(Map.of(PeerData.IDENTITY, RootIdentity.COMMON_NAME));
                scope.appliedTls(state);
                // etcd-client relations' certificates, trusted on the client port beside these CAs.
                String clients = app.getOrDefault(PeerData.CLIENT_TRUST, "");
                scope.host().writeClientTrust(clients.isBlank() ? "" : TrustBundle.union(trust, clients));
                scope.appliedClientTrust(clients);
                warnIfExpiring(scope, cert.get());
                if (!TrustBundle.sameSet(state.serving(), builtin.get())) {
                    renewIfDue(scope, cert.get(), csr);
                }
                return;
            }
            wait(scope, waitingFor, leaderSigns);
            return;
        }
        wait(scope, "waiting for the leader to sign this unit's certificate", true);
    }

    /** Within this of its end, a certificate in use is named in status (it should have been renewed by then). */
    static final java.time.Duration EXPIRY_WARNING = java.time.Duration.ofDays(14);

    private static void warnIfExpiring(HookScope scope, String certPem) {
        try {
            CertificateInfo cert = CertificateInfo.parse(certPem);
            if (cert.expiresWithin(EXPIRY_WARNING)) {
                scope.tlsNote("this unit's certificate (issuer " + cert.issuerCommonName() + ") expires at " + cert.notAfter());
            }
        } catch (RuntimeException e) {
            // a certificate that does not parse was not installed
        }
    }

    /**
     * An external certificate nine tenths through its life that is still the provider's answer to this
     * unit's CSR: a new CSR (same key and names) asks the provider for a new one; the certificate in
     * use serves until the answer comes.
     */
    private static void renewIfDue(HookScope scope, String certPem, String csrPem) {
        CertificateInfo cert = CertificateInfo.parse(certPem);
        if (!TlsCertificatesV1.renewalDue(cert, Instant.now())) {
            return;
        }
        Optional<Relation> rel = ExternalCa.relation(scope);
        if (rel.isEmpty()) {
            return;
        }
        if (ProviderV0.spokenBy(rel.get())) {
            ProviderV0.renewIfDue(scope, rel.get(), certPem);
            return;
        }
        Optional<TlsCertificatesV1.Provided> answer;
        try {
            answer = TlsCertificatesV1.answerFor(TlsCertificatesV1.parse(rel.get().remoteAppData()
                    .get(TlsCertificatesV1.CERTIFICATES)), csrPem);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (answer.isPresent() && answer.get().certificate().strip().equals(certPem.strip())) {
            Csr current = Csr.parse(csrPem);
            String fresh = Csr.create(scope.tls().keys(), current.commonName(), current.sans());
            scope.peer().updateLocalUnitData(Map.of(PeerData.CSR, fresh));
            ExternalClients.requests(scope).publish(rel.get(), fresh);
            scope.model().log("INFO", "renewing this unit's certificate from " + ExternalCa.name(rel.get())
                    + " (it expires at " + cert.notAfter() + ")");
        }
    }

    /**
     * Ends the pass waiting for a certificate. A unit not admitted yet keeps no stale data; it says it is
     * ready when the leader signs its certificate (which it can do in the hook that admits it), but with
     * an external CA only once the provider answered (then {@link ThisMember} says so).
     */
    private static void wait(HookScope scope, String why, boolean leaderSigns) {
        Relation peer = scope.peer();
        if (!scope.roster().contains(scope.unit()) && !scope.leader()) {
            MemberProcess member = new MemberProcess(scope);
            member.forgetRestoredOverCluster();
            member.clearStaleData();
            peer.updateLocalUnitData(Map.of(PeerData.STATE,
                    (leaderSigns ? UnitProgress.READY : UnitProgress.WAITING_CERTIFICATE).wire()));
        } else {
            peer.updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.WAITING_CERTIFICATE.wire()));
        }
        scope.halt(Status.waiting(why));
    }

    /** The provider's answer to this unit's CSR, if it is of {@code serving} and passes every check. */
    private static Optional<String> external(HookScope scope, Relation rel, String serving, String csrPem, String[] why) {
        List<TlsCertificatesV1.Provided> provided;
        try {
            provided = TlsCertificatesV1.parse(rel.remoteAppData().get(TlsCertificatesV1.CERTIFICATES));
        } catch (IllegalArgumentException e) {
            why[0] = e.getMessage();
            return Optional.empty();
        }
        Optional<TlsCertificatesV1.Provided> answer = TlsCertificatesV1.answerFor(provided, csrPem);
        if (answer.isEmpty()) {
            why[0] = "no answer yet to this unit's request";
            return Optional.empty();
        }
        Optional<String> problem = TlsCertificatesV1.problem(answer.get(), scope.tls().keys().getPublic(),
                Csr.parse(csrPem).sans(), Instant.now());
        if (problem.isPresent()) {
            why[0] = problem.get();
            return Optional.empty();
        }
        if (!TrustBundle.sameSet(answer.get().ca(), serving)) {
            why[0] = "the answer is of another CA than the one the cluster serves";
            return Optional.empty();
        }
        return Optional.of(answer.get().certificate().strip() + "\n");
    }

    /**
     * The provider's answer of the original protocol for this unit, with the key it generated, if it is of
     * {@code serving} and passes every check.
     */
    private static Optional<ProviderV0.Served> externalV0(Relation rel, String unit, String serving, String csrPem,
                                                         String[] why) {
        List<String> problems = new java.util.ArrayList<>();
        Optional<ProviderV0.Served> served;
        try {
            served = ProviderV0.answer(rel, unit, csrPem, problems);
        } catch (RuntimeException e) {
            why[0] = "this unit's request is not readable";
            return Optional.empty();
        }
        if (served.isEmpty()) {
            why[0] = problems.isEmpty() ? "no answer yet to this unit's request" : problems.get(0);
            return Optional.empty();
        }
        if (!TrustBundle.sameSet(served.get().ca(), serving)) {
            why[0] = "the answer is of another CA than the one the cluster serves";
            return Optional.empty();
        }
        return served;
    }

    /**
     * The certificate and key installed before ({certificate, key}), if the certificate is of
     * {@code serving}, for the installed key (this unit's own, or one a provider generated), and valid now.
     */
    private static Optional<String[]> installed(HookScope scope, String serving) {
        Optional<String> pem = scope.host().installedCertificate();
        Optional<String> key = scope.host().installedKey();
        if (pem.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        try {
            CertificateInfo cert = CertificateInfo.parse(pem.get());
            if (cert.isSignedBy(serving) && TlsCertificatesV0.keyMatches(key.get(), cert.publicKey())
                    && cert.isValidAt(Instant.now())) {
                return Optional.of(new String[] {pem.get(), key.get()});
            }
        } catch (RuntimeException e) {
            // an unreadable certificate is not kept
        }
        return Optional.empty();
    }
}
