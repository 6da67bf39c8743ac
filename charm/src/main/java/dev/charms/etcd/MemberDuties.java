package dev.charms.etcd;

import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.EtcdConfig;
import dev.charms.etcd.workload.Etcdctl;
import dev.charms.etcd.workload.EtcdctlStatus;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.Framework;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import dev.charms.ops.Status;
import dev.charms.ops.StoredState;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every unit does for its own member: install the certificate the leader signed, start etcd once
 * admitted (as a learner with state {@code existing}), report itself started once it follows the
 * leader, restart in its rolling-restart turn when its configuration changed, keep stale data of a
 * membership it no longer has out of the way, and leave the cluster cleanly when removed.
 */
final class MemberDuties {
    static final Duration SERVE_WAIT = Duration.ofSeconds(60);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final Framework fw;
    private final Model model;
    private final StoredState stored;
    private final Host host;
    private final Reconciler.Pass pass;
    private final Relation peer;

    MemberDuties(Framework fw, Host host, Reconciler.Pass pass) {
        this.fw = fw;
        this.model = fw.model();
        this.stored = fw.stored();
        this.host = host;
        this.pass = pass;
        this.peer = pass.peer();
    }

    /** Writes CA, certificate and key when the leader's certificate fits this unit; false while it does not. */
    boolean installCertificates() {
        Map<String, String> app = peer.localAppData();
        String ca = app.get(PeerData.CA_CERT);
        String cert = app.get(Units.certKey(model.unitName()));
        String csr = peer.localUnitData().get(PeerData.CSR);
        if (!pass.tls().fits(cert, ca, csr)) {
            Roster roster = roster();
            if (!roster.contains(model.unitName()) && !model.isLeader()) {
                // Not a member yet: clear any stale data now and say so (ready), so that the leader can
                // admit this unit in the same hook in which it signs its certificate.
                forgetRestoredOverCluster();
                clearStaleData();
                peer.updateLocalUnitData(Map.of(PeerData.STATE, PeerData.STATE_READY));
            } else {
                peer.updateLocalUnitData(Map.of(PeerData.STATE, PeerData.STATE_WAITING_CERT));
            }
            return false;
        }
        host.writeTls(ca, cert, pass.tls().keyPem());
        return true;
    }

    private Roster roster() {
        return Roster.parse(peer.localAppData().get(PeerData.MEMBERS));
    }

    /** Runs, restarts or parks this unit's member according to the roster; reports status. */
    void converge() {
        converge(false);
    }

    /**
     * As {@link #converge()}; {@code electing}: this hook bootstrapped the cluster and etcd is still
     * electing its first leader, which the status says instead of probing (a probe would wait for it).
     */
    void converge(boolean electing) {
        Roster roster = roster();
        forgetRestoredOverCluster();
        Roster.Entry entry = roster.get(model.unitName());
        if (entry == null) {
            parkUntilAdmitted(roster);
            return;
        }
        EtcdConfig config = Reconciler.configFor(pass, entry, host);
        host.writeConfig(config, pass.installation(), Reconciler.clientUrls(peer, roster, pass.node()));
        String fingerprint = fingerprint();
        if (!host.isRunning()) {
            if (host.hasData() && roster.size() > 1) {
                // A member restarting on a moved peer URL (management_port changed while it was down)
                // must tell the cluster first, exactly as a rolling restart does.
                updatePeerUrlIfMoved(roster);
            }
            startWith(entry);
            awaitServing();
            publishStarted(entry);
            restartRequestMet();
        } else if (!fingerprint.equals(stored.getString(Reconciler.RUNNING_FINGERPRINT, ""))) {
            rollingRestart(roster, fingerprint);
        } else {
            publishStarted(entry);
            restartRequestMet();
        }
        dev.charms.ops.Trace.mark("converge: member settled");
        if (electing && host.isRunning()) {
            fw.reportUnitStatus(Status.maintenance((model.isLeader() ? "(leader) " : "")
                    + "etcd started: the new one-member cluster is electing its leader"));
            return;
        }
        new StatusReport(fw, host, pass).report(roster);
    }

    private String fingerprint() {
        return host.configFingerprint() + "-" + pass.installation().version();
    }

    /** Renders this member's config from its roster entry and starts etcd. */
    void startWith(Roster.Entry entry) {
        startWith(entry, peer.localAppData().getOrDefault(PeerData.TOKEN, ""));
    }

    /** Renders this member's config from {@code entry} with cluster token {@code token} and starts etcd. */
    void startWith(Roster.Entry entry, String token) {
        EtcdConfig config = Reconciler.configFor(pass, entry, token, host);
        host.writeConfig(config, pass.installation(), List.of(pass.node().configuredLocalClientUrl()));
        fw.setUnitStatusNow(Status.maintenance(entry.isLearner() ? "starting etcd as a learner" : "starting etcd"));
        dev.charms.ops.Trace.mark("converge: starting etcd");
        host.start();
        dev.charms.ops.Trace.mark("converge: etcd started");
        stored.put(Reconciler.RUNNING_FINGERPRINT, fingerprint());
        servingOnConfiguredPort();
    }

    /**
     * The member was just (re)started on the configured client port: from now on it is reached there, by
     * this unit and (through its published client URL) by every other unit and the leader.
     */
    private void servingOnConfiguredPort() {
        int port = pass.settings().clientPort();
        if (stored.getLong(Node.SERVING_CLIENT_PORT, 0) != port) {
            stored.put(Node.SERVING_CLIENT_PORT, (long) port);
        }
        peer.updateLocalUnitData(Map.of(PeerData.CLIENT_URL, pass.node().clientUrl().toString()));
    }

    /**
     * Waits until the local member answers and knows a raft leader (learners too: status works on them),
     * polling it with etcdctl; returns what the member says of itself.
     */
    EtcdctlStatus.Local awaitServing() {
        long deadline = System.nanoTime() + SERVE_WAIT.toNanos();
        RuntimeException last = null;
        // etcdctl's gRPC dialer backs off for a second after a refused connection: ask it only once the
        // client port accepts connections.
        awaitListeningOrFail(deadline);
        while (System.nanoTime() < deadline) {
            try {
                EtcdctlStatus.Local status = host.localStatus(pass.installation(), pass.node().localClientUrl(), PROBE_TIMEOUT);
                if (status.leaderId() != 0) {
                    return status;
                }
                last = null;
            } catch (RuntimeException e) {
                last = e;
            }
            LeaderDuties.sleep(100);
        }
        throw new IllegalStateException("etcd did not come up within " + SERVE_WAIT.toSeconds() + " s"
                + (last == null ? " (no raft leader)" : ": " + last.getMessage()) + "; see journalctl -u etcd");
    }

    /**
     * Waits (up to {@link #SERVE_WAIT}) until the local member's client port accepts connections: etcd
     * has accepted its configuration and certificates and listens (it opens its data dir next, and may
     * still be electing; a later hook finds it not running if that fails).
     */
    void awaitListening() {
        awaitListeningOrFail(System.nanoTime() + SERVE_WAIT.toNanos());
    }

    /** As {@link #awaitListening(long)}, failing with what is known when the port stays closed. */
    private void awaitListeningOrFail(long deadline) {
        if (!awaitListening(deadline)) {
            throw new IllegalStateException("etcd did not open its client port within " + SERVE_WAIT.toSeconds() + " s"
                    + (host.isRunning() ? "" : " and is not running") + "; see journalctl -u etcd");
        }
    }

    /** Polls the local client port until it accepts a connection (true) or {@code deadline} passes (false). */
    private boolean awaitListening(long deadline) {
        URI local = pass.node().localClientUrl();
        while (!Etcdctl.accepts(local, Duration.ofMillis(200))) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            LeaderDuties.sleep(20);
        }
        dev.charms.ops.Trace.mark("converge: client port open");
        return true;
    }

    private void publishStarted(Roster.Entry entry) {
        peer.updateLocalUnitData(Map.of(PeerData.STATE, PeerData.STATE_STARTED, PeerData.MEMBER_ID, entry.memberId()));
    }

    /**
     * After the restore action rebuilt the cluster (a new generation in the application bag), this
     * unit's etcd belongs to the replaced cluster: stop it and move its data aside (never deleted),
     * then record the generation, which the leader waits for before adding this unit back. A pending
     * rolling-restart request belonged to the old member and is dropped.
     */
    private void forgetRestoredOverCluster() {
        String generation = peer.localAppData().getOrDefault(PeerData.RESTORE, "");
        if (generation.isEmpty() || generation.equals(peer.localUnitData().get(PeerData.RESTORED))) {
            return;
        }
        if (host.isRunning() || host.hasData()) {
            fw.setUnitStatusNow(Status.maintenance("the cluster was restored from a snapshot: leaving the old cluster"));
            host.stop();
            host.moveDataAside("replaced").ifPresent(p -> model.log("WARNING",
                    "the cluster was restored from a snapshot; moved this unit's old data to " + p));
        }
        peer.updateLocalUnitData(Map.of(PeerData.RESTORED, generation, PeerData.RESTART_REQUEST, ""));
    }

    /** Not admitted: stale data from an earlier membership is moved aside; then wait for the leader. */
    private void parkUntilAdmitted(Roster roster) {
        clearStaleData();
        peer.updateLocalUnitData(Map.of(PeerData.STATE, PeerData.STATE_READY));
        fw.reportUnitStatus(Status.waiting(StatusReport.queueMessage(peer, roster, model.unitName())));
    }

    /** A unit that is not a member (and not the leader) keeps no etcd running and no data: moved aside. */
    private void clearStaleData() {
        if (!model.isLeader()) {
            moveStaleDataAside();
        }
    }

    /** Stops this unit's etcd and moves its data aside, if any: it is not of the current membership. */
    void moveStaleDataAside() {
        if (host.isRunning() || host.hasData()) {
            host.stop();
            Optional<java.nio.file.Path> moved = host.moveDataAside("stale");
            moved.ifPresent(p -> model.log("WARNING", "this unit is not a member of the cluster; moved its old data to " + p));
        }
    }

    /**
     * This member runs the current configuration without having waited for a turn: it was down and has
     * just been started with it, or the configuration went back to what it runs. A restart this unit
     * asked for is no longer needed; saying so lets the leader pass a turn given for it on.
     */
    private void restartRequestMet() {
        Map<String, String> own = peer.localUnitData();
        String wanted = own.getOrDefault(PeerData.RESTART_REQUEST, "");
        if (!wanted.isEmpty() && !wanted.equals(own.getOrDefault(PeerData.RESTARTED, ""))) {
            peer.updateLocalUnitData(Map.of(PeerData.RESTARTED, wanted));
        }
    }

    /** Restarts in this unit's turn (the leader hands turns out one at a time), then reports done. */
    private void rollingRestart(Roster roster, String fingerprint) {
        peer.updateLocalUnitData(Map.of(PeerData.RESTART_REQUEST, fingerprint));
        String turn = peer.localAppData().getOrDefault(PeerData.RESTART_TURN, "");
        boolean mine = turn.equals(model.unitName() + ":" + fingerprint);
        if (!mine && roster.size() > 1 && !(model.isLeader() && turn.isEmpty())) {
            fw.reportUnitStatus(Status.waiting("configuration changed: waiting for this unit's rolling-restart turn"));
            return;
        }
        if (model.isLeader() && turn.isEmpty()) {
            Optional<String> unsafe = RestartGate.check(host, pass, roster, model.unitName());
            if (unsafe.isPresent()) {
                fw.reportUnitStatus(Status.waiting("configuration changed: restarting once the cluster can spare this member ("
                        + unsafe.get() + ")"));
                return;
            }
            peer.updateLocalAppData(Map.of(PeerData.RESTART_TURN, model.unitName() + ":" + fingerprint));
        }
        fw.setUnitStatusNow(Status.maintenance("restarting etcd to apply configuration"));
        updatePeerUrlIfMoved(roster);
        host.restart();
        servingOnConfiguredPort();
        awaitServing();
        stored.put(Reconciler.RUNNING_FINGERPRINT, fingerprint);
        peer.updateLocalUnitData(Map.of(PeerData.RESTARTED, fingerprint));
        model.log("INFO", "restarted etcd with the new configuration");
    }

    /**
     * When this unit's peer URL changed (management_port, or its address), etcd must learn the new URL
     * before the member restarts on it: {@code member update} through the other members.
     */
    private void updatePeerUrlIfMoved(Roster roster) {
        URI now = pass.node().peerUrl();
        List<URI> urls = Reconciler.clientUrls(peer, roster, pass.node());
        try (EtcdCluster admin = host.cluster(urls)) {
            Optional<Member> self = admin.memberList().stream()
                    .filter(m -> m.name().equals(pass.node().memberName())).findFirst();
            if (self.isPresent() && !self.get().peerUrls().contains(now)) {
                admin.updatePeerUrls(self.get().id(), List.of(now));
                model.log("INFO", "updated this member's peer URL to " + now);
            }
        }
    }

    /**
     * Leaves the cluster because this unit is being removed: raft leadership is moved away first, the
     * member is removed through etcd's API (refused if it would lose quorum), then etcd is stopped and
     * its data moved aside.
     */
    void leave() {
        if (stored.getBoolean(Reconciler.LEFT)) {
            return;
        }
        Roster roster = roster();
        List<URI> urls = Reconciler.clientUrls(peer, roster, pass.node());
        if (host.isRunning() && urls.size() > 1) {
            try (EtcdCluster admin = host.cluster(urls)) {
                List<Member> members = admin.memberList();
                Optional<Member> self = members.stream()
                        .filter(m -> m.peerUrls().contains(pass.node().peerUrl())).findFirst();
                if (self.isPresent() && members.size() > 1) {
                    fw.setUnitStatusNow(Status.maintenance("leaving the etcd cluster"));
                    try {
                        new Quorum(admin).removeSafely(self.get(), "unit removed");
                    } catch (Quorum.UnsafeRemoval e) {
                        fw.setUnitStatusNow(Status.blocked(e.getMessage()));
                        throw e;
                    }
                    model.log("INFO", "removed this unit's member " + self.get().idHex() + " from the cluster");
                }
            }
        }
        host.stop();
        host.disable();
        host.moveDataAside("removed");
        stored.put(Reconciler.LEFT, true);
        peer.updateLocalUnitData(Map.of(PeerData.STATE, PeerData.STATE_LEFT));
    }
}
