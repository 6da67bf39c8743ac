package dev.charms.etcd;

import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.EtcdConfig;
import dev.charms.etcd.workload.EtcdInstallation;
import dev.charms.ops.Event;
import dev.charms.ops.Framework;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import dev.charms.ops.Status;
import dev.charms.ops.StoredState;
import dev.charms.ops.Trace;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One idempotent pass that converges this unit, and (on the leader) the cluster, towards what the
 * configuration and the peer data say: install etcd, publish this unit's addresses and CSR, sign
 * certificates (leader), bootstrap or grow or shrink membership (leader), run or restart this member,
 * and report an honest status. Every hook but the removal hooks ends here, in any order Juju runs them.
 */
public final class Reconciler {
    static final String RUNNING_FINGERPRINT = "running-fingerprint";
    static final String LEFT = "left-cluster";
    /** Stored: the client port this unit opened (and its member listens on) when it last converged. */
    static final String OPENED_CLIENT_PORT = "opened-client-port";

    private final Framework fw;
    private final Model model;
    private final StoredState stored;
    private final Host host;

    public Reconciler(Framework fw, Host host) {
        this.fw = fw;
        this.model = fw.model();
        this.stored = fw.stored();
        this.host = host;
    }

    /** The context one pass works in, once the basics are there. */
    record Pass(EtcdSettings settings, EtcdInstallation installation, Relation peer, Node node, UnitTls tls) {
    }

    public void run() {
        if (stored.getBoolean(LEFT)) {
            fw.reportUnitStatus(Status.maintenance("this unit has left the cluster and is being removed"));
            return;
        }
        Optional<Pass> maybe = prepare();
        if (maybe.isEmpty()) {
            return;
        }
        Pass pass = maybe.get();
        Trace.mark("reconcile: prepared");
        if (model.isLeader()) {
            new LeaderDuties(fw, host, pass).prepare();
            Trace.mark("reconcile: certificates signed");
        }
        if (!new MemberDuties(fw, host, pass).installCertificates()) {
            fw.reportUnitStatus(Status.waiting("waiting for the leader to sign this unit's certificate"));
            return;
        }
        boolean bootstrapped = false;
        LeaderDuties leader = null;
        if (model.isLeader()) {
            leader = new LeaderDuties(fw, host, pass);
            leader.manageMembership();
            bootstrapped = leader.bootstrapped();
            Trace.mark("reconcile: membership managed");
        }
        new MemberDuties(fw, host, pass).converge(bootstrapped);
        Trace.mark("reconcile: member converged");
        if (leader != null && leader.admittedItself()) {
            // The leader joined as a learner and its member has started: it promotes itself now.
            new LeaderDuties(fw, host, pass).manageMembership();
            new MemberDuties(fw, host, pass).converge(false);
        }
        if (leader != null && leader.passOwnRestartTurn()) {
            new MemberDuties(fw, host, pass).converge(false);
            leader.passOwnRestartTurn();
        }
        openClientPort(pass.settings().clientPort());
        new DbRelation(fw, host, pass).update();
        Trace.mark("reconcile: done");
    }

    /** Opens the client port (shown in juju status, effective once the application is exposed). */
    private void openClientPort(int port) {
        long opened = stored.getLong(OPENED_CLIENT_PORT, 0);
        if (opened == port) {
            return;
        }
        if (opened != 0) {
            model.tools().closePort((int) opened, "tcp");
        }
        model.tools().openPort(port, "tcp");
        stored.put(OPENED_CLIENT_PORT, (long) port);
    }

    /** Validates config, installs etcd, finds the peer relation and publishes this unit's data. */
    Optional<Pass> prepare() {
        EtcdSettings.Parsed parsed = EtcdSettings.parse(model.config());
        if (!parsed.valid()) {
            fw.reportUnitStatus(Status.blocked(EtcdSettings.summary(parsed.problems())));
            return Optional.empty();
        }
        EtcdSettings settings = parsed.settings();
        EtcdInstallation installation = ensureInstalled();
        if (fw.event() instanceof Event.Install) {
            // Peer data is not touched during install (as ops requires); cluster-relation-created follows.
            fw.reportUnitStatus(Status.waiting("etcd " + installation.version() + " installed; waiting for the peer relation"));
            return Optional.empty();
        }
        Optional<Relation> peer = model.relation(PeerData.PEER);
        if (peer.isEmpty()) {
            fw.reportUnitStatus(Status.waiting("waiting for the peer relation"));
            return Optional.empty();
        }
        Node node = Node.of(model, settings, stored);
        host.ensurePkiDir();
        UnitTls tls = new UnitTls(host.paths(), host.keyOwner(), stored);
        Relation rel = peer.get();
        PeersSeen.record(stored, rel);
        String csr = tls.csr(rel.localUnitData().get(PeerData.CSR), node.memberName(), node.sans());
        rel.updateLocalUnitData(Map.of(
                PeerData.ADDRESS, node.peerAddress(),
                PeerData.MEMBER_NAME, node.memberName(),
                PeerData.PEER_URL, node.peerUrl().toString(),
                PeerData.CLIENT_URL, node.clientUrl().toString(),
                PeerData.CSR, csr));
        return Optional.of(new Pass(settings, installation, rel, node, tls));
    }

    /**
     * etcd from the attached resource, the machine, or apt; the application version follows it.
     * upgrade-charm always installs, and so does install when the {@code etcd} resource is attached (it
     * wins over an etcd already on the machine); otherwise what is installed is used.
     */
    EtcdInstallation ensureInstalled() {
        Optional<EtcdInstallation> found = host.installation(stored);
        EtcdInstallation installation;
        boolean installHook = fw.event() instanceof Event.Install;
        boolean upgrade = fw.event() instanceof Event.UpgradeCharm;
        Optional<Path> resource = found.isEmpty() || installHook || upgrade ? model.resource("etcd") : Optional.empty();
        if (found.isPresent() && !upgrade && !(installHook && resource.isPresent())) {
            installation = found.get();
        } else {
            fw.setUnitStatusNow(Status.maintenance("installing etcd"));
            // A member's data must stay runnable: etcd moves one minor version at a time and never back.
            installation = host.install(resource, found.filter(f -> host.hasData())
                    .map(EtcdInstallation::version));
        }
        String version = installation.version().toString();
        if (!version.equals(stored.getString("host-version", ""))) {
            model.setWorkloadVersion(version);
            stored.put("host-version", version);
        }
        return installation;
    }

    /** Client URLs of every member in the roster (from their unit data), this unit's local URL first. */
    static List<URI> clientUrls(Relation peer, Roster roster, Node self) {
        return new ArrayList<>(clientUrlsByUnit(peer, roster, self).values());
    }

    /**
     * As {@link #clientUrls}, by unit: this unit's own member first (at its local URL), then the others
     * that published a client URL, in roster order.
     */
    static Map<String, URI> clientUrlsByUnit(Relation peer, Roster roster, Node self) {
        Map<String, URI> urls = new LinkedHashMap<>();
        if (roster.contains(self.unit())) {
            urls.put(self.unit(), self.localClientUrl());
        }
        for (String unit : roster.entries().keySet()) {
            if (unit.equals(self.unit())) {
                continue;
            }
            String url = peer.unitData(unit).get(PeerData.CLIENT_URL);
            if (url != null && !url.isBlank()) {
                urls.put(unit, URI.create(url));
            }
        }
        return urls;
    }

    static EtcdConfig configFor(Pass pass, Roster.Entry entry, Host host) {
        return configFor(pass, entry, pass.peer().localAppData().getOrDefault(PeerData.TOKEN, ""), host);
    }

    /** The configuration for {@code entry} with an explicit cluster token (a restore makes a new one). */
    static EtcdConfig configFor(Pass pass, Roster.Entry entry, String token, Host host) {
        return pass.node().config(entry, token, host.paths().dataDir(),
                dev.charms.etcd.workload.TlsPaths.server(host.paths()));
    }
}
