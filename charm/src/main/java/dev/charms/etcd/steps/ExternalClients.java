package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.certs.CaMove;
import dev.charms.etcd.certs.ClientRequests;
import dev.charms.etcd.certs.TlsCertificatesV1;
import dev.charms.etcd.certs.TrustBundle;
import dev.charms.etcd.pki.KeyType;
import dev.charms.ops.Relation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Client certificates of the {@code db} relation from the {@code certificates} provider
 * (docs/certificates.md): each unit requests one per related application (CN as the cluster CA's,
 * {@code etcd-client-<app>}) with its own key, and hands out the provider's answer once the members serve
 * the provider's CA (so every member trusts it); until then, and without the relation, the cluster CA's
 * credentials serve, and status says so.
 */
final class ExternalClients {
    private ExternalClients() {
    }

    /** The request name of a db relation's client certificate. */
    static String dbRequest(String commonName) {
        return "db-" + commonName;
    }

    /** This unit's client requests. */
    static ClientRequests requests(HookScope scope) {
        return new ClientRequests(scope.host().paths().clientRequests());
    }

    /**
     * First round, every unit: the requests this unit keeps. Without the {@code certificates} relation,
     * none (keys and CSRs deleted); with it, those of the db relations there are and of pending
     * {@code generate-client-certificates} runs. Returns them for the request list.
     */
    static ClientRequests prune(HookScope scope, boolean related) {
        ClientRequests requests = requests(scope);
        Set<String> db = new HashSet<>();
        for (Relation rel : scope.model().relations(PeerData.DB)) {
            db.add(dbRequest("etcd-client-" + rel.remoteApp()));
        }
        for (String name : requests.all().keySet()) {
            if (!related || name.startsWith("db-") && !db.contains(name)) {
                requests.drop(name);
            }
        }
        return requests;
    }

    /**
     * A db relation's credentials from the provider, once they can be handed out: the provider answered
     * this unit's request for {@code commonName} with a usable certificate of the CA the members serve.
     * Requests it (and renews it at nine tenths of its life) meanwhile; notes in status what serves until
     * then; while a renewal is pending, the certificate published before ({@code published}) serves on if
     * it is for the request's key, of the CA the members serve, and valid. Empty without the relation (or
     * in its broken hook).
     */
    static Optional<ClientRequests.Issued> db(HookScope scope, String app, String commonName, String published) {
        Optional<Relation> rel = ExternalCa.relation(scope);
        Optional<String> builtin = ExternalCa.builtin(scope);
        if (rel.isEmpty() || builtin.isEmpty() || ProviderV0.spokenBy(rel.get())) {
            // the original protocol issues no client certificate for this charm's requests: the cluster
            // CA's serve (docs/certificates.md, Limits)
            return Optional.empty();
        }
        ClientRequests requests = requests(scope);
        String name = dbRequest(commonName);
        if (requests.csr(name).isEmpty()) {
            requests.ensure(name, commonName, KeyType.DEFAULT);
            requests.publish(rel.get(), scope.peer().localUnitData().get(PeerData.CSR));
        }
        List<String> problems = new ArrayList<>();
        List<TlsCertificatesV1.Provided> provided = ExternalCa.provided(rel.get(), problems);
        Optional<ClientRequests.Issued> issued = requests.answer(name, provided, problems);
        CaMove now = ExternalCa.current(scope.peer().localAppData(), builtin.get());
        String until = ExternalCa.name(rel.get()) + ": the db client certificate of " + app + " is the cluster CA's until ";
        if (!problems.isEmpty()) {
            problems.forEach(p -> scope.tlsNote(ExternalCa.name(rel.get()) + ": db client certificate of " + app + ": " + p));
            return Optional.empty();
        }
        if (issued.isEmpty()) {
            Optional<ClientRequests.Issued> kept = requests.current(name, published, now.serving());
            if (kept.isEmpty()) {
                scope.tlsNote(until + "the provider answers");
            }
            return kept;
        }
        if (!TrustBundle.sameSet(now.serving(), issued.get().ca())) {
            scope.tlsNote(until + "the members serve the provider's CA");
            return Optional.empty();
        }
        if (TlsCertificatesV1.renewalDue(issued.get().info(), Instant.now())
                && TlsCertificatesV1.answerFor(provided, requests.csr(name).orElseThrow())
                        .filter(a -> a.certificate().strip().equals(issued.get().certificate().strip())).isPresent()) {
            requests.renew(name);
            requests.publish(rel.get(), scope.peer().localUnitData().get(PeerData.CSR));
            scope.model().log("INFO", "renewing the db client certificate of " + app + " from " + ExternalCa.name(rel.get())
                    + " (it expires at " + issued.get().info().notAfter() + ")");
        }
        return issued;
    }
}
