package dev.charms.etcd;

import dev.charms.etcd.workload.MachineHost;
import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.actions.ActionParams;
import dev.charms.etcd.actions.Alarms;
import dev.charms.etcd.actions.ClientCredentials;
import dev.charms.etcd.actions.ClusterHealth;
import dev.charms.etcd.actions.Compaction;
import dev.charms.etcd.actions.ConsistencyCheck;
import dev.charms.etcd.actions.Defragmentation;
import dev.charms.etcd.actions.LeaderTransfer;
import dev.charms.etcd.actions.MemberListing;
import dev.charms.etcd.actions.ProviderClientCredentials;
import dev.charms.etcd.actions.SnapshotTarget;
import dev.charms.etcd.actions.Snapshots;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.steps.UpgradeSnapshot;
import dev.charms.etcd.workload.EtcdAdmin;
import dev.charms.ops.ActionContext;
import dev.charms.ops.ActionFailedException;
import dev.charms.ops.Event;
import dev.charms.ops.Framework;
import dev.charms.ops.Model;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Binds each action to its class in {@code dev.charms.etcd.actions}: reads and checks the parameters,
 * builds the admin client from this unit's view of the cluster, and sets the results. Every action
 * runs on any unit except {@code restore} and {@code rebuild-cluster}, which need the leader.
 */
final class Actions {
    /** Per-call limit for the health checks (an unreachable member must not hold the answer up long). */
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(3);

    private final Framework fw;
    private final Model model;
    private final Host host;

    Actions(Framework fw, Host host) {
        this.fw = fw;
        this.model = fw.model();
        this.host = host;
    }

    /** Actions whose first etcd call goes to this unit's own member over jetcd. */
    private static final java.util.Set<String> LOCAL_FIRST = java.util.Set.of("health", "member-list", "snapshot",
            "compact", "defrag", "move-leader", "check-consistency", "alarm-list", "alarm-disarm");

    /**
     * For an action that talks to etcd, starts connecting to this unit's member in the background (see
     * {@link EtcdAdmin#prewarm}) as the very first thing the process does, while the framework reads
     * the action's parameters and the peer data. The client port is the one this unit opened when it
     * last converged (its stored state); nothing happens before that, or when anything is unreadable.
     */
    static void prewarmEarly(String action, Path charmDir) {
        if (!LOCAL_FIRST.contains(action)) {
            return;
        }
        // Even reading the state and loading the admin class (its logging set-up) happen off the main thread.
        Thread starter = new Thread(() -> {
            try {
                long port = dev.charms.etcd.state.UnitState.openedClientPort(
                        dev.charms.ops.StoredState.load(charmDir.resolve(".unit-state.json")));
                Duration timeout = action.equals("health") ? HEALTH_TIMEOUT : EtcdAdmin.DEFAULT_TIMEOUT;
                new MachineHost(dev.charms.etcd.workload.EtcdPaths.system(), charmDir).prewarm(port, timeout);
            } catch (RuntimeException e) {
                // only a head start: the action reads the same state and reports any problem itself
            }
        }, "etcd-prewarm-start");
        starter.setDaemon(true);
        starter.start();
    }

    void run(Event.Action event) {
        ActionContext ctx = fw.action();
        switch (event.action()) {
            case "health" -> health(ctx);
            case "member-list" -> memberList(ctx);
            case "generate-client-certificates" -> clientCertificates(ctx);
            case "snapshot" -> snapshot(ctx);
            case "restore" -> new ClusterRestore(fw, host).run(ctx);
            case "create-backup" -> new BackupActions(fw, host).create(ctx);
            case "list-backups" -> new BackupActions(fw, host).list(ctx);
            case "rebuild-cluster" -> new ClusterRebuild(fw, host).run(ctx);
            case "compact" -> compact(ctx);
            case "defrag" -> defrag(ctx);
            case "move-leader" -> moveLeader(ctx);
            case "check-consistency" -> withAdmin(EtcdAdmin.DEFAULT_TIMEOUT, (scope, admin) -> {
                Map<String, Object> results = new ConsistencyCheck(admin, scope.endpoints()).check();
                ctx.setResults(results);
                ctx.log(results.get("status") + ": " + results.get("message"));
            });
            case "rotate-ca" -> rotateCa(ctx);
            case "alarm-list" -> withAdmin(EtcdAdmin.DEFAULT_TIMEOUT, (scope, admin) -> ctx.setResults(new Alarms(admin).list()));
            case "list-clients" -> listClients(ctx);
            case "revoke-client" -> revokeClient(ctx);
            case "alarm-disarm" -> withAdmin(EtcdAdmin.DEFAULT_TIMEOUT, (scope, admin) -> ctx.setResults(new Alarms(admin).disarm()));
            default -> throw new ActionFailedException("unknown action '" + event.action() + "'");
        }
    }

    /** Work needing the unit's view of the cluster and an admin client. */
    @FunctionalInterface
    private interface AdminWork {
        void run(ActionScope scope, EtcdCluster admin);
    }

    private void withAdmin(Duration timeout, AdminWork work) {
        ActionScope scope = new ActionScope(model, host, fw.stored());
        try (EtcdCluster admin = scope.admin(timeout)) {
            work.run(scope, admin);
        }
    }

    private void health(ActionContext ctx) {
        withAdmin(HEALTH_TIMEOUT, (scope, admin) -> {
            dev.charms.ops.Trace.mark("health: scope ready");
            ClusterHealth.Report report = new ClusterHealth(admin, scope.endpoints()).check();
            dev.charms.ops.Trace.mark("health: checked");
            Map<String, Object> results = new java.util.LinkedHashMap<>(report.toResults());
            List<String> upgradeSnapshots = UpgradeSnapshot.published(scope.peer(), model.unitName());
            if (!upgradeSnapshots.isEmpty()) {
                results.put("upgrade-snapshot", String.join("; ", upgradeSnapshots));
            }
            tlsInUse().ifPresent(tls -> results.put("tls", tls));
            results.put("last-scheduled-backup", BackupTimer.lastForHealth(host, model.isLeader(), java.util.Optional.of(scope.peer())));
            ctx.setResults(results);
            ctx.log("cluster is " + report.status() + ": " + report.message());
        });
    }

    /**
     * This unit's certificate as etcd serves it (issuer, end of validity) and the CAs its members trust
     * (docs/certificates.md): which CA the cluster uses.
     */
    private java.util.Optional<Map<String, Object>> tlsInUse() {
        try {
            java.util.Optional<String> cert = host.installedCertificate();
            if (cert.isEmpty()) {
                return java.util.Optional.empty();
            }
            dev.charms.etcd.pki.CertificateInfo info = dev.charms.etcd.pki.CertificateInfo.parse(cert.get());
            Map<String, Object> tls = new java.util.LinkedHashMap<>();
            tls.put("issuer", info.issuerCommonName());
            tls.put("expires", info.notAfter().toString());
            List<String> trusted = new java.util.ArrayList<>();
            String bundle = dev.charms.etcd.pki.PemFiles.readIfExists(host.paths().caCert()).orElse("");
            for (String ca : dev.charms.etcd.certs.TrustBundle.certificates(bundle)) {
                trusted.add(dev.charms.etcd.pki.CertificateInfo.parse(ca).subjectCommonName());
            }
            tls.put("trusted", String.join(", ", trusted));
            return java.util.Optional.of(tls);
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** rotate-ca (leader): makes the next cluster CA; the hooks move the members to it (docs/certificates.md). */
    private void rotateCa(ActionContext ctx) {
        if (!model.isLeader()) {
            throw new ActionFailedException("rotate-ca must run on the leader unit (juju run " + model.appName()
                    + "/leader rotate-ca)");
        }
        dev.charms.ops.Relation peer = model.relation(PeerData.PEER).orElseThrow(() ->
                new ActionFailedException("no peer relation yet"));
        ClusterCa ca = new ClusterCa(model, peer);
        if (ca.certificatePem().isEmpty()) {
            throw new ActionFailedException("the cluster CA does not exist yet; the leader creates it on its first hook");
        }
        java.util.Optional<dev.charms.ops.Relation> certificates = model.relation(dev.charms.etcd.certs.TlsCertificatesV1.ENDPOINT);
        if (certificates.isPresent()) {
            throw new ActionFailedException("the cluster uses the CA of relation certificates:" + certificates.get().id()
                    + "; rotate-ca replaces the charm's own CA: rotate the provider's CA instead, or remove the relation first");
        }
        Map<String, String> app = peer.localAppData();
        if (!app.getOrDefault(PeerData.CA_NEXT_CERT, "").isBlank() || !app.getOrDefault(PeerData.TLS_TRUST, "").isBlank()) {
            throw new ActionFailedException("a CA move is under way (see the leader's status); run rotate-ca again once it is done");
        }
        CertificateAuthority next = ca.startRotation();
        ctx.setResults(Map.of("new-ca", next.info().subjectCommonName(),
                "next", "the members move to the new CA in three rolling restarts; the leader's status shows each"
                        + " step and ends plain once the old CA is dropped"));
    }

    private void memberList(ActionContext ctx) {
        withAdmin(EtcdAdmin.DEFAULT_TIMEOUT, (scope, admin) ->
                ctx.setResults(new MemberListing(admin, scope.endpoints()).list().toResults()));
    }

    private void clientCertificates(ActionContext ctx) {
        ClientCredentials.Request request = ClientCredentials.Request.of(ctx.params());
        ActionScope scope = new ActionScope(model, host, fw.stored());
        ClientAccess.reservedName(request.commonName()).ifPresent(why -> {
            throw new ActionFailedException(why);
        });
        // The user first: a certificate is issued only for a CN that etcd grants what the result says.
        try (EtcdCluster admin = scope.admin(EtcdAdmin.DEFAULT_TIMEOUT)) {
            new ClientAccess(admin).grantActionClient(request.commonName(), request.access());
        } catch (ClientAccess.AccessRefused e) {
            throw new ActionFailedException(e.getMessage());
        } catch (dev.charms.etcd.workload.EtcdAdminException e) {
            throw new ActionFailedException("cannot make the etcd user for " + request.commonName()
                    + ", so no certificate was issued: " + e.getMessage());
        }
        java.util.Optional<dev.charms.ops.Relation> provider = model.relation(dev.charms.etcd.certs.TlsCertificatesV1.ENDPOINT);
        boolean v0 = provider.isPresent() && dev.charms.etcd.steps.ProviderV0.spokenBy(provider.get());
        if (provider.isPresent() && !v0) {
            providerClientCertificates(ctx, request, scope, provider.get());
            return;
        }
        CertificateAuthority ca;
        try {
            ca = new ClusterCa(model, scope.peer()).signing().orElseThrow(() -> new ActionFailedException(
                    "the cluster CA does not exist yet; the leader creates it on its first hook"));
        } catch (IllegalStateException e) {
            throw new ActionFailedException("cannot load the cluster CA: " + e.getMessage());
        }
        List<URI> endpoints = MemberUrls.clientUrls(scope.peer(), scope.roster(), scope.node()).stream()
                .map(u -> u.equals(scope.node().localClientUrl()) ? scope.node().clientUrl() : u).toList();
        ClientCredentials.Issued issued = ClientCredentials.issue(ca, request);
        Path bundle = ClientCredentials.write(issued, endpoints, ClientCredentials.DEFAULT_DIR);
        Map<String, Object> results = new java.util.LinkedHashMap<>(
                ClientCredentials.results(issued, request.access(), bundle, model.unitName()));
        results.put("issuer", ca.info().subjectCommonName() + (v0
                ? " (the cluster CA, which every member trusts: the certificates provider speaks the original"
                        + " protocol, which issues no client certificates to this charm)"
                : " (the cluster CA)"));
        ctx.setResults(results);
        ctx.log("issued a client certificate for CN=" + request.commonName() + " (" + request.access().describe()
                + "), written to " + bundle);
    }

    private void listClients(ActionContext ctx) {
        withAdmin(EtcdAdmin.DEFAULT_TIMEOUT, (scope, admin) ->
                ctx.setResults(ClientAccess.results(new ClientAccess(admin).list())));
    }

    private void revokeClient(ActionContext ctx) {
        String cn = ctx.stringParam("common-name", "");
        withAdmin(EtcdAdmin.DEFAULT_TIMEOUT, (scope, admin) -> {
            ClientAccess.Client revoked;
            try {
                revoked = new ClientAccess(admin).revokeActionClient(cn);
            } catch (ClientAccess.AccessRefused e) {
                throw new ActionFailedException(e.getMessage());
            }
            ctx.setResults(Map.of("common-name", cn, "revoked", revoked.describeAccess()));
            ctx.log("revoked etcd user " + cn + " (" + revoked.describeAccess() + ")");
        });
    }

    /** generate-client-certificates with a certificates provider: its CA signs (docs/certificates.md). */
    private void providerClientCertificates(ActionContext ctx, ClientCredentials.Request request, ActionScope scope,
            dev.charms.ops.Relation provider) {
        Map<String, String> app = scope.peer().localAppData();
        String builtin = app.getOrDefault(PeerData.CA_CERT, "");
        if (builtin.isBlank()) {
            throw new ActionFailedException("the cluster CA does not exist yet; the leader creates it on its first hook");
        }
        String trust = app.getOrDefault(PeerData.TLS_TRUST, "");
        String serving = app.getOrDefault(PeerData.TLS_SERVING_CA, "");
        ProviderClientCredentials.Cluster cluster = new ProviderClientCredentials.Cluster(
                dev.charms.etcd.certs.TrustBundle.canonical(serving.isBlank() ? builtin : serving),
                dev.charms.etcd.certs.TrustBundle.canonical(trust.isBlank() ? builtin : trust));
        List<URI> endpoints = MemberUrls.clientUrls(scope.peer(), scope.roster(), scope.node()).stream()
                .map(u -> u.equals(scope.node().localClientUrl()) ? scope.node().clientUrl() : u).toList();
        Map<String, Object> results = ProviderClientCredentials.run(request,
                new dev.charms.etcd.certs.ClientRequests(host.paths().clientRequests()), provider,
                scope.peer().localUnitData().get(PeerData.CSR), cluster, endpoints, ClientCredentials.DEFAULT_DIR, model.unitName());
        ctx.setResults(results);
        ctx.log(String.valueOf(results.get("status")) + ": client certificate for CN=" + request.commonName() + " from "
                + results.get("relation"));
    }

    private void snapshot(ActionContext ctx) {
        SnapshotTarget.checkKeysVersion(ctx.params().get("keys-version"));
        Path dir = SnapshotTarget.prepare(ctx.stringParam("target", "/home/ubuntu/etcd-snapshots"));
        withAdmin(EtcdAdmin.DEFAULT_TIMEOUT, (scope, admin) -> {
            Snapshots.Saved saved = new Snapshots(admin, scope.snapshotTool()).save(dir, model.appName());
            ctx.setResults(saved.toResults(model.unitName()));
            ctx.log("saved snapshot " + saved.path() + " at revision " + saved.status().revision());
        });
    }

    private void compact(ActionContext ctx) {
        OptionalLong revision = Compaction.parseRevision(ctx.params().get("revision"));
        boolean physical = ActionParams.flag("physical", ctx.params().get("physical"), false);
        withAdmin(EtcdAdmin.DEFAULT_TIMEOUT, (scope, admin) -> ctx.setResults(new Compaction(admin).compact(revision, physical)));
    }

    private void moveLeader(ActionContext ctx) {
        String member = ctx.stringParam("member", "");
        withAdmin(EtcdAdmin.DEFAULT_TIMEOUT, (scope, admin) -> {
            Map<String, Object> results = new LeaderTransfer(admin, scope.endpoints()).move(member, scope.node().memberName());
            ctx.setResults(results);
            ctx.log(String.valueOf(results.get("message")));
        });
    }

    private void defrag(ActionContext ctx) {
        String member = ctx.stringParam("member", "");
        withAdmin(EtcdAdmin.DEFAULT_TIMEOUT, (scope, admin) -> {
            Map<String, Object> results = new Defragmentation(admin, scope.endpoints()).defrag(member, scope.node().memberName());
            ctx.setResults(results);
        });
    }
}
