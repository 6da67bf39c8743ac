package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.EtcdConfig;
import dev.charms.etcd.workload.EtcdctlStatus;
import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.TlsPaths;
import dev.charms.ops.Status;
import dev.charms.ops.Trace;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This unit's etcd member process on the {@link Host}: its rendered configuration, starting it from a
 * roster entry and waiting until it listens or serves, telling the cluster when its peer URL moved, and
 * keeping data of a membership it no longer has out of the way. The steps that start, restart, park or
 * remove the member, and the restore action, use it.
 */
public final class MemberProcess {
    static final Duration SERVE_WAIT = Duration.ofSeconds(60);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final HookScope scope;
    private final Host host;

    public MemberProcess(HookScope scope) {
        this.scope = scope;
        this.host = scope.host();
    }

    /** The configuration for {@code entry} with cluster token {@code token}. */
    EtcdConfig config(Roster.Entry entry, String token) {
        TlsPaths server = TlsPaths.server(host.paths());
        // etcd-client relations' own certificates are trusted on the client port only (docs/client-access.md).
        TlsPaths client = scope.appliedClientTrust().isBlank() ? server
                : new TlsPaths(host.paths().clientTrust(), server.certFile(), server.keyFile());
        return scope.node().config(entry, token, host.paths().dataDir(), client, server, host.dataFileSystemBytes());
    }

    /** What the running member's configuration and binary amount to: a change asks for a restart. */
    String fingerprint() {
        return host.configFingerprint() + "-" + scope.installation().version();
    }

    /** Renders this member's config from its roster entry and starts etcd. */
    public void startWith(Roster.Entry entry) {
        startWith(entry, scope.token());
    }

    /** Renders this member's config from {@code entry} with cluster token {@code token} and starts etcd. */
    public void startWith(Roster.Entry entry, String token) {
        host.writeConfig(config(entry, token), scope.installation(), List.of(scope.node().configuredLocalClientUrl()));
        scope.framework().setUnitStatusNow(Status.maintenance(entry.isLearner() ? "starting etcd as a learner" : "starting etcd"));
        Trace.mark("converge: starting etcd");
        host.start();
        Trace.mark("converge: etcd started");
        scope.state().runningFingerprint(fingerprint());
        servingOnConfiguredPort();
    }

    /**
     * The member was just (re)started on the configured client port: from now on it is reached there, by
     * this unit and (through its published client URL) by every other unit and the leader.
     */
    void servingOnConfiguredPort() {
        scope.state().servingClientPort(scope.settings().clientPort());
        scope.peer().updateLocalUnitData(Map.of(PeerData.CLIENT_URL, scope.node().clientUrl().toString()));
    }

    /** etcd stopped and the data it was started on is damaged: see {@link #awaitServing(Roster.Entry)}. */
    static final class DataDamaged extends RuntimeException {
        private final String damage;

        DataDamaged(String damage) {
            super("etcd stopped on damaged data: " + damage);
            this.damage = damage;
        }

        String damage() {
            return damage;
        }
    }

    /**
     * Waits until the local member answers and knows a raft leader (learners too: status works on them),
     * polling it with etcdctl; returns what the member says of itself.
     */
    EtcdctlStatus.Local awaitServing() {
        return awaitServing(null);
    }

    /**
     * As {@link #awaitServing()}, for the member of {@code started} just started from its data; when etcd
     * stops meanwhile and that data is now missing or damaged (see {@link #damagedData}) -- damaged while
     * this hook started it, after it was checked -- throws {@link DataDamaged} at once instead of waiting
     * out {@link #SERVE_WAIT}.
     */
    EtcdctlStatus.Local awaitServing(Roster.Entry started) {
        long deadline = System.nanoTime() + SERVE_WAIT.toNanos();
        RuntimeException last = null;
        // etcdctl's gRPC dialer backs off for a second after a refused connection: ask it only once the
        // client port accepts connections.
        awaitListeningOrFail(deadline, started);
        while (System.nanoTime() < deadline) {
            try {
                EtcdctlStatus.Local status = host.localStatus(scope.installation(), scope.node().localClientUrl(), PROBE_TIMEOUT);
                if (status.leaderId() != 0) {
                    return status;
                }
                last = null;
            } catch (RuntimeException e) {
                last = e;
                failIfStoppedOnDamagedData(started);
            }
            Pause.sleep(100);
        }
        throw new IllegalStateException("etcd did not come up within " + SERVE_WAIT.toSeconds() + " s"
                + (last == null ? " (no raft leader)" : ": " + last.getMessage()) + "; see journalctl -u etcd");
    }

    private void failIfStoppedOnDamagedData(Roster.Entry started) {
        if (started != null && !host.isRunning()) {
            Optional<String> damage = damagedData(started);
            if (damage.isPresent()) {
                throw new DataDamaged(damage.get());
            }
        }
    }

    /**
     * Waits (up to {@link #SERVE_WAIT}) until the local member's client port accepts connections: etcd
     * has accepted its configuration and certificates and listens (it opens its data dir next, and may
     * still be electing; a later hook finds it not running if that fails).
     */
    void awaitListening() {
        awaitListeningOrFail(System.nanoTime() + SERVE_WAIT.toNanos(), null);
    }

    private void awaitListeningOrFail(long deadline, Roster.Entry started) {
        URI local = scope.node().localClientUrl();
        long nextCheck = System.nanoTime();
        while (!host.accepts(local, Duration.ofMillis(200))) {
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("etcd did not open its client port within " + SERVE_WAIT.toSeconds() + " s"
                        + (host.isRunning() ? "" : " and is not running") + "; see journalctl -u etcd");
            }
            if (System.nanoTime() >= nextCheck) {
                failIfStoppedOnDamagedData(started);
                nextCheck = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            }
            Pause.sleep(20);
        }
        Trace.mark("converge: client port open");
    }

    /**
     * Says in this unit's bag that its member runs, with its member id, and remembers that the data
     * directory holds that member's data (a replaced member's data-lost mark is dropped).
     */
    void publishStarted(Roster.Entry entry) {
        Map<String, String> update = new java.util.HashMap<>(Map.of(PeerData.STATE, UnitProgress.STARTED.wire(),
                PeerData.MEMBER_ID, entry.memberId()));
        if (!scope.peer().localUnitData().getOrDefault(PeerData.DATA_LOST, "").isEmpty()) {
            update.put(PeerData.DATA_LOST, "");
        }
        scope.peer().updateLocalUnitData(update);
        scope.state().memberData(entry.memberId());
        scope.state().dataSetAside("");
    }

    /**
     * Why this unit's member cannot start from its data: the data directory held the data of the
     * roster's member for this unit when it last ran, and that data is now missing or damaged (deleted
     * or corrupted while etcd was stopped). Starting it would rejoin with bad data -- or, for the
     * member that bootstrapped the cluster, start a second cluster of its own -- so it must be replaced.
     */
    Optional<String> damagedData(Roster.Entry entry) {
        String had = scope.state().memberData();
        if (had.isEmpty() || !had.equals(entry.memberId())) {
            return Optional.empty();
        }
        return host.dataDamage();
    }

    /**
     * Keeps etcd stopped, moves what is left of the member's data aside (never deleted: 0700, under a
     * name saying "damaged" and when), and asks the leader in this unit's bag to replace the member:
     * remove it from the cluster through the other members, then admit this unit again as a learner.
     * Returns what the status says about it.
     */
    String setAsideDamaged(Roster.Entry entry, String damage) {
        String note = scope.state().dataSetAside();
        if (note.isEmpty()) {
            host.stop();
            Optional<java.nio.file.Path> moved = host.hasData() ? host.moveDataAside("damaged") : Optional.empty();
            note = "etcd data of member " + entry.memberId() + " unusable: " + damage
                    + moved.map(p -> " (what was left is in " + p + ")").orElse("");
            scope.model().log("WARNING", note + "; asking the leader to replace the member");
            scope.state().dataSetAside(note);
        }
        scope.peer().updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.READY.wire(), PeerData.DATA_LOST, entry.memberId()));
        return note;
    }


    /**
     * This member runs the current configuration without having waited for a turn: it was down and has
     * just been started with it, or the configuration went back to what it runs. A restart this unit
     * asked for is no longer needed; saying so lets the leader pass a turn given for it on.
     */
    void restartRequestMet() {
        Map<String, String> own = scope.peer().localUnitData();
        String wanted = own.getOrDefault(PeerData.RESTART_REQUEST, "");
        if (!wanted.isEmpty() && !wanted.equals(own.getOrDefault(PeerData.RESTARTED, ""))) {
            scope.peer().updateLocalUnitData(Map.of(PeerData.RESTARTED, wanted));
        }
    }

    /**
     * After the restore action rebuilt the cluster (a new generation in the application bag), this
     * unit's etcd belongs to the replaced cluster: stop it and move its data aside (never deleted),
     * then record the generation, which the leader waits for before adding this unit back. A pending
     * rolling-restart request belonged to the old member and is dropped.
     */
    void forgetRestoredOverCluster() {
        String generation = scope.peer().localAppData().getOrDefault(PeerData.RESTORE, "");
        if (generation.isEmpty() || generation.equals(scope.peer().localUnitData().get(PeerData.RESTORED))) {
            return;
        }
        if (host.isRunning() || host.hasData()) {
            scope.framework().setUnitStatusNow(Status.maintenance("the cluster was restored from a snapshot: leaving the old cluster"));
            host.stop();
            host.moveDataAside("replaced").ifPresent(p -> scope.model().log("WARNING",
                    "the cluster was restored from a snapshot; moved this unit's old data to " + p));
        }
        scope.state().memberData("");
        scope.peer().updateLocalUnitData(Map.of(PeerData.RESTORED, generation, PeerData.RESTART_REQUEST, ""));
    }

    /** A unit that is not a member (and not the leader) keeps no etcd running and no data: moved aside. */
    void clearStaleData() {
        if (!scope.leader()) {
            moveStaleDataAside();
        }
    }

    /** Stops this unit's etcd and moves its data aside, if any: it is not of the current membership. */
    void moveStaleDataAside() {
        if (host.isRunning() || host.hasData()) {
            host.stop();
            Optional<java.nio.file.Path> moved = host.moveDataAside("stale");
            moved.ifPresent(p -> scope.model().log("WARNING", "this unit is not a member of the cluster; moved its old data to " + p));
        }
        scope.state().memberData("");
    }

    /**
     * When this unit's peer URL changed (management_port, or its address), etcd must learn the new URL
     * before the member restarts on it: {@code member update} through the other members.
     */
    void updatePeerUrlIfMoved() {
        URI now = scope.node().peerUrl();
        try (EtcdCluster admin = host.cluster(scope.clientUrls())) {
            Optional<Member> self = admin.memberList().stream()
                    .filter(m -> m.name().equals(scope.node().memberName())).findFirst();
            if (self.isPresent() && !self.get().peerUrls().contains(now)) {
                admin.updatePeerUrls(self.get().id(), List.of(now));
                scope.model().log("INFO", "updated this member's peer URL to " + now);
            }
        }
    }
}
