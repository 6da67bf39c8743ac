package dev.charms.etcd.steps;

import dev.charms.etcd.ClusterCa;
import dev.charms.etcd.Fingerprint;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.certs.ClientRequests;
import dev.charms.etcd.state.CheckedUntil;
import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.Usage;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code db} relation (interface {@code etcd}) as consumers of the original charm read it:
 * {@code connection_string} (every voting member's client URL), {@code client_ca}, {@code client_cert},
 * {@code client_key} and {@code version}, in each unit's bag and (leader) the application bag. Each
 * related application gets its own client certificate (CN {@code etcd-client-<app>}), never a member's
 * key, renewed before it expires and re-issued if the CA changes; published only once the cluster has
 * members, and refreshed as members come and go. A step of every pass, run once the pass has settled.
 */
public final class DbRelation implements Step {
    static final int CLIENT_VALIDITY_DAYS = 365;
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    @Override
    public boolean appliesTo(HookScope scope) {
        return true;
    }

    @Override
    public void run(HookScope scope) {
        Model model = scope.model();
        UnitState state = scope.state();
        List<Relation> relations = model.relations(PeerData.DB);
        if (relations.isEmpty()) {
            return;
        }
        String connection = connectionString(scope);
        if (connection.isEmpty()) {
            return;
        }
        ClusterCa clusterCa = new ClusterCa(model, scope.peer());
        // During a rotate-ca, once members serve the next CA's certificates, clients get certificates of it
        // too, before the old CA leaves the trust.
        Optional<String> caPem = clusterCa.signingCertificatePem();
        if (caPem.isEmpty()) {
            return;
        }
        for (Relation rel : relations) {
            Map<String, String> mine = rel.localUnitData();
            Map<String, String> data = new LinkedHashMap<>();
            data.put("connection_string", connection);
            data.put("version", scope.installation().version().toString());
            // Clients trust what members trust: during a CA move, both CAs, before any member switches.
            data.put("client_ca", scope.appliedTls().map(t -> dev.charms.etcd.certs.TrustBundle.sortedUnion(t.trust(), caPem.get()))
                    .orElse(caPem.get()));
            String cn = "etcd-client-" + rel.remoteApp();
            // With a certificates provider, its certificate once the members serve its CA (docs/certificates.md).
            Optional<ClientRequests.Issued> external = ExternalClients.db(scope, rel.remoteApp(), cn, mine.get("client_cert"));
            if (external.isPresent()) {
                data.put("client_cert", external.get().certificate());
                data.put("client_key", external.get().keyPem());
            } else {
            String basis = Fingerprint.of(mine.get("client_cert"), mine.get("client_key"), caPem.get(), cn);
            boolean known = state.dbCredentials(rel.id()).filter(c -> c.holds(basis, System.currentTimeMillis())).isPresent();
            if (known || credentialsValid(mine.get("client_cert"), mine.get("client_key"), caPem.get(), cn)) {
                data.put("client_cert", mine.get("client_cert"));
                data.put("client_key", mine.get("client_key"));
            } else {
                CertificateAuthority ca = scope.caMadeNow().orElseGet(() -> clusterCa.signing().orElseThrow());
                KeyPair keys = Keys.generate(KeyType.DEFAULT);
                data.put("client_cert", ca.sign(Csr.create(keys, cn, Set.of()), Set.of(), CLIENT_VALIDITY_DAYS, Usage.CLIENT));
                data.put("client_key", Keys.privateKeyPem(keys.getPrivate()));
            }
            if (!known) {
                long renewAt = CertificateInfo.parse(data.get("client_cert")).notAfter().toEpochMilli() - RENEW_BEFORE.toMillis();
                state.dbCredentials(rel.id(), new CheckedUntil(
                        Fingerprint.of(data.get("client_cert"), data.get("client_key"), caPem.get(), cn), renewAt));
            }
            }
            rel.updateLocalUnitData(data);
            if (model.isLeader()) {
                rel.updateLocalAppData(data);
            }
        }
    }

    private static String connectionString(HookScope scope) {
        return String.join(",", connectionUrls(scope));
    }

    /** Every voting member's client URL, sorted. */
    static List<String> connectionUrls(HookScope scope) {
        TreeSet<String> urls = new TreeSet<>();
        for (Map.Entry<String, Roster.Entry> e : scope.roster().entries().entrySet()) {
            if (e.getValue().isLearner()) {
                continue;
            }
            String unit = e.getKey();
            String url = unit.equals(scope.unit()) ? scope.node().clientUrl().toString()
                    : scope.peer().unitData(unit).get(PeerData.CLIENT_URL);
            if (url != null && !url.isBlank()) {
                urls.add(url);
            }
        }
        return List.copyOf(urls);
    }

    private static boolean credentialsValid(String certPem, String keyPem, String caPem, String cn) {
        if (certPem == null || certPem.isBlank() || keyPem == null || keyPem.isBlank()) {
            return false;
        }
        try {
            CertificateInfo cert = CertificateInfo.parse(certPem);
            return cn.equals(cert.subjectCommonName()) && cert.isSignedBy(caPem)
                    && !cert.expiresWithin(RENEW_BEFORE)
                    && Keys.toKeyPair(Keys.readPrivateKey(keyPem)).getPublic().equals(cert.publicKey());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
