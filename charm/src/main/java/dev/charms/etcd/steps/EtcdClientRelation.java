package dev.charms.etcd.steps;

import dev.charms.etcd.ClientAccess;
import dev.charms.etcd.ClusterCa;
import dev.charms.etcd.Fingerprint;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.etcdclient.EtcdClientV0;
import dev.charms.etcd.etcdclient.Grant;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.ops.Event;
import dev.charms.ops.HookToolException;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import dev.charms.ops.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code etcd-client} endpoint (interface {@code etcd_client}, docs/client-access.md "Relating a
 * modern client").
 * <p>
 * Leader, first round, while its member runs: reads each related application's {@code prefix} and the
 * {@code mtls-cert} of the secret its {@code secret-mtls} names, decides what each gets
 * ({@link EtcdClientV0#decide}), makes each granted application's etcd user (the certificate's CN) with
 * read-write on its prefix only, removes the users of relations that are gone, and publishes the granted
 * certificates as the client trust (peer application bag {@code client-trust}), which every unit's
 * {@link UnitCertificate} adds to what its client port trusts; each member then restarts in its turn to
 * read it. It talks to etcd only when the requests changed since it last succeeded.
 * <p>
 * Once the pass has settled: every unit whose etcd runs with the client trust written in this hook
 * reports it; the leader answers each granted relation ({@code endpoints}, {@code version}, the secrets
 * {@code secret-user} and {@code secret-tls}) once every member trusts its certificate, removes a broken
 * relation's secrets, and names refused requests in its status (nothing granted changes). On Juju 2.9
 * (no secrets) the endpoint is not served and the leader's status says so.
 */
public final class EtcdClientRelation implements Step {
    private final boolean closing;

    EtcdClientRelation(boolean closing) {
        this.closing = closing;
    }

    @Override
    public boolean appliesTo(HookScope scope) {
        Map<String, String> app = scope.peer().localAppData();
        if (closing) {
            // Members report while the leader publishes a client trust (or did); the leader answers its relations.
            return !app.getOrDefault(PeerData.CLIENT_TRUST, "").isEmpty()
                    || scope.peer().localUnitData().containsKey(PeerData.CLIENT_TRUST_RUNNING)
                    || scope.leader() && related(scope);
        }
        return scope.firstRound() && scope.leader() && !scope.roster().isEmpty() && scope.model().hasSecrets()
                && related(scope) && scope.host().isRunning();
    }

    @Override
    public void run(HookScope scope) {
        if (!closing) {
            decide(scope);
            return;
        }
        reportRunning(scope);
        if (scope.leader()) {
            answer(scope);
        }
    }

    /** Whether there is an etcd-client relation, or a grant of one that went. */
    private static boolean related(HookScope scope) {
        return !scope.model().relations(EtcdClientV0.ENDPOINT).isEmpty()
                || !scope.peer().localAppData().getOrDefault(PeerData.ETCD_CLIENT_GRANTS, "").isEmpty();
    }

    private static int brokenId(HookScope scope) {
        return scope.framework().event() instanceof Event.RelationBroken b
                && b.relation().endpoint().equals(EtcdClientV0.ENDPOINT) ? b.relation().id() : -1;
    }

    private static List<Relation> relations(HookScope scope) {
        int broken = brokenId(scope);
        List<Relation> out = new ArrayList<>();
        for (Relation rel : scope.model().relations(EtcdClientV0.ENDPOINT)) {
            if (rel.id() != broken && rel.remoteApp() != null && !rel.remoteApp().isBlank()) {
                out.add(rel);
            }
        }
        return out;
    }

    private static void decide(HookScope scope) {
        Model model = scope.model();
        List<Relation> relations = relations(scope);
        Map<String, String> app = scope.peer().localAppData();
        List<Grant> previous = Grant.read(app.get(PeerData.ETCD_CLIENT_GRANTS));
        Map<Integer, String> apps = new TreeMap<>();
        List<EtcdClientV0.Request> requests = new ArrayList<>();
        for (Relation rel : relations) {
            apps.put(rel.id(), rel.remoteApp());
            request(model, rel).ifPresent(requests::add);
        }
        // A relation whose requirer has not written yet is not refused, and keeps what it held.
        List<Integer> waiting = relations.stream().map(Relation::id)
                .filter(id -> requests.stream().noneMatch(r -> r.relationId() == id)).toList();
        String basis = basis(scope, requests, waiting, app.getOrDefault(PeerData.ETCD_CLIENT_GRANTS, ""));
        if (basis.equals(app.get(PeerData.ETCD_CLIENT_CHECKED))) {
            return;
        }
        try {
            ClientAccess access = new ClientAccess(scope.membershipCluster());
            Set<String> taken = new HashSet<>();
            Set<String> fromRelations = new HashSet<>();
            Map<String, String> takenPrefixes = new TreeMap<>();
            for (ClientAccess.Client c : access.list()) {
                (c.source() == ClientAccess.Source.RELATION ? fromRelations : taken).add(c.user());
                if (c.source() != ClientAccess.Source.RELATION) {
                    c.access().stream().flatMap(a -> a.asPrefix().stream()).findFirst().ifPresent(p -> takenPrefixes.put(c.user(), p));
                }
            }
            EtcdClientV0.Decision decision = EtcdClientV0.decide(requests, previous, taken, takenPrefixes, Instant.now());
            List<Grant> grants = new ArrayList<>(decision.grants());
            previous.stream().filter(g -> waiting.contains(g.relationId())).forEach(grants::add);
            grants.sort(java.util.Comparator.comparingInt(Grant::relationId));
            Set<String> wanted = new HashSet<>();
            for (Grant g : grants) {
                access.grantRelationClient(g.user(), g.prefix());
                wanted.add(g.user());
            }
            for (String user : fromRelations) {
                if (!wanted.contains(user)) {
                    access.removeRelationClient(user);
                    model.log("INFO", "removed etcd user " + user + " and its role: its etcd-client relation is gone or changed");
                }
            }
            String refused = decision.describeRefusals(apps).orElse("");
            String written = grants.isEmpty() ? "" : Grant.write(grants);
            Map<String, String> update = new LinkedHashMap<>();
            update.put(PeerData.ETCD_CLIENT_GRANTS, written);
            update.put(PeerData.CLIENT_TRUST, clientTrust(grants));
            update.put(PeerData.ETCD_CLIENT_REFUSED, refused);
            update.put(PeerData.ETCD_CLIENT_CHECKED, basis(scope, requests, waiting, written));
            scope.peer().updateLocalAppData(update);
            if (!refused.isEmpty() && !refused.equals(app.getOrDefault(PeerData.ETCD_CLIENT_REFUSED, ""))) {
                model.log("WARNING", refused);
            }
        } catch (EtcdAdminException e) {
            model.log("WARNING", "etcd-client users not brought up to date, tried again in the next hook: " + e.getMessage());
        } finally {
            scope.closeMembershipCluster();
        }
    }

    /** What the decision depends on: the requests, the grants it starts from, and the cluster (a restore or rebuild may lose users). */
    private static String basis(HookScope scope, List<EtcdClientV0.Request> requests, List<Integer> waiting, String grants) {
        Map<String, String> app = scope.peer().localAppData();
        return Fingerprint.of("etcd-client", requests.toString(), waiting.toString(), grants, scope.token(),
                String.valueOf(app.get(PeerData.RESTORE)), String.valueOf(app.get(PeerData.AUTH)));
    }

    /** Every unit whose etcd runs with what this hook wrote says which client trust that is. */
    private static void reportRunning(HookScope scope) {
        if (scope.member().isEmpty() || !scope.host().isRunning()
                || !new MemberProcess(scope).fingerprint().equals(scope.state().runningFingerprint())) {
            return;
        }
        String report = Fingerprint.of(scope.appliedClientTrust());
        if (!report.equals(scope.peer().localUnitData().get(PeerData.CLIENT_TRUST_RUNNING))) {
            scope.peer().updateLocalUnitData(Map.of(PeerData.CLIENT_TRUST_RUNNING, report));
        }
    }

    private static void answer(HookScope scope) {
        Model model = scope.model();
        List<Relation> relations = relations(scope);
        int broken = brokenId(scope);
        if (relations.isEmpty() && broken < 0) {
            return;
        }
        if (!model.hasSecrets()) {
            if (!relations.isEmpty()) {
                scope.framework().reportUnitStatus(Status.blocked("etcd-client is not supported on Juju "
                        + model.context().jujuVersion() + ": it passes credentials in Juju secrets (Juju 3 or later);"
                        + " use the db relation or generate-client-certificates"));
            }
            return;
        }
        Map<String, String> app = scope.peer().localAppData();
        List<Grant> grants = Grant.read(app.get(PeerData.ETCD_CLIENT_GRANTS));
        for (Relation rel : relations) {
            grants.stream().filter(g -> g.relationId() == rel.id()).findFirst()
                    .ifPresent(g -> publish(scope, rel, g));
        }
        if (broken >= 0) {
            forget(model, broken);
        }
        String refused = app.getOrDefault(PeerData.ETCD_CLIENT_REFUSED, "");
        if (!refused.isEmpty() && !relations.isEmpty()) {
            scope.framework().reportUnitStatus(Status.blocked(refused));
        }
    }

    /** The client certificates every member trusts on its client port besides its CAs. */
    static String clientTrust(List<Grant> grants) {
        List<String> certs = new ArrayList<>();
        grants.forEach(g -> certs.add(g.certificate()));
        return dev.charms.etcd.certs.TrustBundle.sortedUnion(certs.toArray(String[]::new));
    }

    /** What the relation asks for; empty while its requirer has written neither a prefix nor a secret. */
    private static Optional<EtcdClientV0.Request> request(Model model, Relation rel) {
        Map<String, String> bag = rel.remoteAppData();
        String prefix = bag.get(EtcdClientV0.PREFIX);
        String uri = bag.get(EtcdClientV0.SECRET_MTLS);
        if ((prefix == null || prefix.isEmpty()) && (uri == null || uri.isEmpty())) {
            return Optional.empty();
        }
        if (uri == null || uri.isBlank()) {
            return Optional.of(new EtcdClientV0.Request(rel.id(), rel.remoteApp(), prefix, null,
                    "no client certificate (" + EtcdClientV0.SECRET_MTLS + " is not set)"));
        }
        try {
            Map<String, String> content = model.tools().secretGet(uri.strip(), null, true);
            return Optional.of(new EtcdClientV0.Request(rel.id(), rel.remoteApp(), prefix, content.get(EtcdClientV0.MTLS_CERT), null));
        } catch (HookToolException e) {
            return Optional.of(new EtcdClientV0.Request(rel.id(), rel.remoteApp(), prefix, null,
                    "its " + EtcdClientV0.SECRET_MTLS + " secret cannot be read (is it granted to this relation?)"));
        }
    }

    /**
     * Writes the relation's answer once every member trusts the certificate (or it was answered before:
     * the credentials stay the same when only the certificate or the members change).
     */
    private static void publish(HookScope scope, Relation rel, Grant g) {
        Map<String, String> mine = rel.localAppData();
        boolean answered = mine.containsKey(EtcdClientV0.SECRET_USER);
        if (!answered && !trustRunningEverywhere(scope)) {
            return;
        }
        List<String> urls = clientUrls(scope);
        Optional<String> ca = new ClusterCa(scope.model(), scope.peer()).certificatePem();
        if (urls.isEmpty() || ca.isEmpty()) {
            return;
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put(EtcdClientV0.ENDPOINTS, EtcdClientV0.endpoints(urls));
        data.put(EtcdClientV0.VERSION, scope.installation().version().toString());
        data.put(EtcdClientV0.SECRET_USER, secret(scope.model(), rel, mine.get(EtcdClientV0.SECRET_USER), "user",
                EtcdClientV0.userSecret(g.user(), urls)));
        // The CAs the members' server certificates may come from (both during a CA move), as the db relation's client_ca.
        String serverCas = scope.appliedTls().map(t -> dev.charms.etcd.certs.TrustBundle.sortedUnion(t.trust(), ca.get()))
                .orElse(ca.get());
        data.put(EtcdClientV0.SECRET_TLS, secret(scope.model(), rel, mine.get(EtcdClientV0.SECRET_TLS), "tls",
                EtcdClientV0.tlsSecret(serverCas)));
        Map<String, String> changed = new LinkedHashMap<>();
        data.forEach((k, v) -> {
            if (!v.equals(mine.get(k))) {
                changed.put(k, v);
            }
        });
        if (!changed.isEmpty()) {
            rel.updateLocalAppData(changed);
        }
    }

    /** The secret {@code uri} holding {@code content} (a new revision when it differs), or a new one granted to the relation. */
    private static String secret(Model model, Relation rel, String uri, String group, Map<String, String> content) {
        if (uri != null && !uri.isBlank()) {
            try {
                if (!content.equals(model.tools().secretGet(uri, null, false))) {
                    model.tools().secretSet(uri, content);
                }
                return uri;
            } catch (HookToolException e) {
                model.log("WARNING", "etcd-client:" + rel.id() + ": its " + group + " secret is gone, making a new one");
            }
        }
        String made = model.tools().secretAdd(content, EtcdClientV0.secretLabel(rel.id(), group),
                "etcd-client credentials of " + rel.remoteApp(), "application");
        model.tools().secretGrant(made, rel.id());
        return made;
    }

    /** A broken relation's secrets are removed (its user, role and trust went with the decision above). */
    private static void forget(Model model, int id) {
        try {
            Map<String, String> mine = model.relation(EtcdClientV0.ENDPOINT, id).map(Relation::localAppData).orElse(Map.of());
            for (String key : List.of(EtcdClientV0.SECRET_USER, EtcdClientV0.SECRET_TLS)) {
                String uri = mine.get(key);
                if (uri != null && !uri.isBlank()) {
                    model.tools().secretRemove(uri);
                }
            }
        } catch (HookToolException e) {
            model.log("WARNING", "etcd-client:" + id + ": its secrets could not be removed: " + e.getMessage());
        }
    }

    /** Every voting member's client URL. */
    private static List<String> clientUrls(HookScope scope) {
        return DbRelation.connectionUrls(scope);
    }

    /** Whether every member reports that its etcd runs with the client trust the leader published. */
    static boolean trustRunningEverywhere(HookScope scope) {
        String want = Fingerprint.of(scope.peer().localAppData().getOrDefault(PeerData.CLIENT_TRUST, ""));
        for (String unit : scope.roster().entries().keySet()) {
            Map<String, String> data = unit.equals(scope.unit()) ? scope.peer().localUnitData() : scope.peer().unitData(unit);
            if (!want.equals(data.get(PeerData.CLIENT_TRUST_RUNNING))) {
                return false;
            }
        }
        return true;
    }
}
