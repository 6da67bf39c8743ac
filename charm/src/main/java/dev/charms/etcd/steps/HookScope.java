package dev.charms.etcd.steps;

import dev.charms.etcd.EtcdSettings;
import dev.charms.etcd.MemberUrls;
import dev.charms.etcd.Node;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.UnitTls;
import dev.charms.etcd.state.PeersSeen;
import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.EtcdInstallation;
import dev.charms.etcd.workload.EtcdInstaller;
import dev.charms.etcd.workload.EtcdVersion;
import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.InitialClusterState;
import dev.charms.ops.Event;
import dev.charms.ops.Framework;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import dev.charms.ops.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One hook's view of the world, handed to every {@link Step}: the validated settings, the installed
 * etcd, the peer relation (its bags are read once by the framework and kept), the roster, this unit as a
 * member ({@link Node}) and its TLS identity, the {@link Host}, leadership, and what this unit stores
 * ({@link UnitState}). It also carries the current round's outcomes: whether the leader bootstrapped the
 * cluster, what this unit's member needs, whether the pass is halted or unsettled, and the etcd client
 * the membership steps share.
 */
public final class HookScope implements AutoCloseable {
    /** What this unit's member came to in this round. */
    public enum MemberOutcome {
        /** Not admitted: no member runs here, the unit waits for the leader. */
        PARKED,
        /** Runs the roster's configuration (started now, or already). */
        RUNNING,
        /** Runs, but its configuration changed: it restarts in its rolling-restart turn. */
        RESTART_WANTED,
        /** Its data was lost or damaged and set aside: it waits for the leader to replace the member. */
        DATA_SET_ASIDE
    }

    private final Framework fw;
    private final Model model;
    private final Host host;
    private final UnitState state;
    private final EtcdSettings settings;
    private final EtcdInstallation installation;
    private final Relation peer;
    private final Node node;
    private final UnitTls tls;
    private Roster roster;

    private int round;
    private Unsettled rerun;
    private Unsettled unsettled;
    private Status halt;
    private boolean bootstrapped;
    private String bootstrapWaiting;
    private MemberOutcome member;
    private String fingerprint = "";
    private boolean membershipDue;
    private EtcdCluster membershipCluster;
    private dev.charms.etcd.certs.CaMove appliedTls;
    private String appliedClientTrust = "";
    private dev.charms.etcd.pki.CertificateAuthority caMadeNow;
    private final java.util.List<String> tlsNotes = new java.util.ArrayList<>();

    /** A scope over what {@link #open} found (or, in tests, what a test hands it). */
    HookScope(Framework fw, Host host, UnitState state, EtcdSettings settings, EtcdInstallation installation,
                      Relation peer, Node node, UnitTls tls, Roster roster) {
        this.fw = fw;
        this.model = fw.model();
        this.host = host;
        this.state = state;
        this.settings = settings;
        this.installation = installation;
        this.peer = peer;
        this.node = node;
        this.tls = tls;
        this.roster = roster;
    }

    /**
     * Validates the configuration, installs etcd, finds the peer relation, records the peers this hook
     * sees ({@link PeersSeen#record}) and publishes this unit's addresses, URLs and CSR, which every step
     * reads. Empty, with the unit's status reported, when a hook cannot get that far (bad configuration,
     * an etcd too old, a refused release on a unit that runs no etcd yet, a unit without member data whose
     * etcd cannot join the versions its peers run, the install hook, no peer relation yet).
     */
    public static Optional<HookScope> open(Framework fw, Host host) {
        Model model = fw.model();
        UnitState state = new UnitState(fw.stored());
        EtcdSettings.Parsed parsed = EtcdSettings.parse(model.config());
        if (!parsed.valid()) {
            fw.reportUnitStatus(Status.blocked(EtcdSettings.summary(parsed.problems())));
            return Optional.empty();
        }
        EtcdSettings settings = parsed.settings();
        Optional<EtcdInstallation> installed;
        try {
            installed = ensureInstalled(fw, host, state);
        } catch (EtcdInstaller.UnsupportedEtcdException e) {
            fw.reportUnitStatus(Status.blocked(e.getMessage() + ": attach a release tarball: juju attach-resource "
                    + model.appName() + " etcd=./etcd-v3.5.x-linux-amd64.tar.gz"));
            return Optional.empty();
        }
        if (installed.isEmpty()) {
            // The attached release was refused and this unit has run no etcd yet: it starts none.
            reportRefusedRelease(fw, state);
            return Optional.empty();
        }
        EtcdInstallation installation = installed.get();
        String version = installation.version().toString();
        if (!version.equals(state.workloadVersion())) {
            model.setWorkloadVersion(version);
            state.workloadVersion(version);
        }
        Optional<String> cannotJoin = host.hasData() || fw.event() instanceof Event.Install ? Optional.empty()
                : EtcdVersion.refusesMoveTo(installation.version(), heldVersions(model, host, Optional.empty()));
        if (cannotJoin.isPresent()) {
            // Installed before its peers were known (the install hook sees none): it must not join them.
            reportRefusal(fw, (installation.source() == EtcdInstallation.Source.TARBALL ? "etcd resource " : "etcd ")
                    + installation.version() + " refused: " + cannotJoin.get());
            return Optional.empty();
        }
        if (fw.event() instanceof Event.Install) {
            // Peer data is not touched during install (as ops requires); cluster-relation-created follows.
            fw.reportUnitStatus(Status.waiting("etcd " + installation.version() + " installed; waiting for the peer relation"));
            return Optional.empty();
        }
        Optional<Relation> maybePeer = model.relation(PeerData.PEER);
        if (maybePeer.isEmpty()) {
            fw.reportUnitStatus(Status.waiting("waiting for the peer relation"));
            return Optional.empty();
        }
        Node node = Node.of(model, settings, fw.stored());
        host.ensurePkiDir();
        UnitTls tls = new UnitTls(host.paths(), host.keyOwner(), state);
        Relation peer = maybePeer.get();
        Roster roster = Roster.parse(peer.localAppData().get(PeerData.MEMBERS));
        PeersSeen.record(state, peer, roster, model.unitName(), model.isLeader(), System.currentTimeMillis());
        String csr = tls.csr(peer.localUnitData().get(PeerData.CSR), node.memberName(), node.sans());
        peer.updateLocalUnitData(Map.of(
                PeerData.ADDRESS, node.peerAddress(),
                PeerData.MEMBER_NAME, node.memberName(),
                PeerData.PEER_URL, node.peerUrl().toString(),
                PeerData.CLIENT_URL, node.clientUrl().toString(),
                PeerData.CSR, csr,
                PeerData.ETCD_VERSION, installation.version().toString()));
        return Optional.of(new HookScope(fw, host, state, settings, installation, peer, node, tls, roster));
    }

    /**
     * etcd from the attached resource, the machine, or apt. upgrade-charm always installs, and so does
     * install when the {@code etcd} resource is attached (it wins over an etcd already on the machine);
     * otherwise what is installed is used. An attached release that must not run here is refused before
     * anything installed is replaced ({@link EtcdInstaller.RefusedReleaseException}): the refusal is
     * recorded ({@link UnitState#releaseRefused}) and the unit goes on with the etcd it runs. A unit that
     * has run no etcd yet (no workload version recorded) tries the resource again in every hook, and gets
     * nothing (empty) while it is refused. An etcd older than {@link EtcdInstaller#MINIMUM} throws
     * {@link EtcdInstaller.UnsupportedEtcdException}.
     */
    private static Optional<EtcdInstallation> ensureInstalled(Framework fw, Host host, UnitState state) {
        Model model = fw.model();
        Optional<EtcdInstallation> found = host.installation(fw.stored());
        boolean untried = found.isEmpty() || state.workloadVersion().isEmpty() && state.releaseRefused().isPresent();
        boolean installHook = fw.event() instanceof Event.Install || untried;
        boolean upgrade = fw.event() instanceof Event.UpgradeCharm;
        Optional<Path> resource = installHook || upgrade ? model.resource("etcd") : Optional.empty();
        if (found.isPresent() && !upgrade && !(installHook && resource.isPresent())) {
            EtcdInstaller.requireSupported(found.get());
            return found;
        }
        fw.setUnitStatusNow(Status.maintenance("installing etcd"));
        try {
            EtcdInstallation installation = host.install(resource, heldVersions(model, host, found));
            state.releaseRefused(Optional.empty());
            return Optional.of(installation);
        } catch (EtcdInstaller.RefusedReleaseException e) {
            model.log("WARNING", e.getMessage());
            state.releaseRefused(Optional.of(e.statusMessage()));
            if (found.isEmpty() || state.workloadVersion().isEmpty()) {
                return Optional.empty();
            }
            EtcdInstaller.requireSupported(found.get());
            return found;
        }
    }

    /**
     * Reports the recorded refusal of the attached etcd release, if any, as this unit's blocked status
     * (and, on the leader, the application's): the release named, why, and what to attach instead.
     */
    static void reportRefusedRelease(Framework fw, UnitState state) {
        state.releaseRefused().ifPresent(why -> reportRefusal(fw, why));
    }

    private static void reportRefusal(Framework fw, String why) {
        boolean leader = fw.model().isLeader();
        fw.reportUnitStatus(Status.blocked((leader ? "(leader) " : "") + why));
        if (leader) {
            fw.reportAppStatus(Status.blocked(why));
        }
    }

    /**
     * The etcd versions whose data the cluster holds, which an etcd installed here must be able to join
     * (see {@link EtcdVersion#refusesMoveTo}): this unit's, when it holds member data, and the version each
     * peer in the roster publishes. A unit not in the roster holds no data of the cluster; a peer that
     * published no version yet, or a malformed one, binds nothing.
     */
    private static List<EtcdVersion> heldVersions(Model model, Host host, Optional<EtcdInstallation> found) {
        List<EtcdVersion> held = new ArrayList<>();
        found.filter(f -> host.hasData()).ifPresent(f -> held.add(f.version()));
        model.relation(PeerData.PEER).ifPresent(peer -> held.addAll(MembershipPlan.memberVersions(peer,
                Roster.parse(peer.localAppData().get(PeerData.MEMBERS)), model.unitName())));
        return held;
    }

    /** The trust and serving CA this unit's TLS files were written for in this hook, if they were. */
    /** The etcd-client certificates this hook wrote into the client port's trust ("" when none). */
    public String appliedClientTrust() {
        return appliedClientTrust;
    }

    void appliedClientTrust(String bundle) {
        this.appliedClientTrust = bundle == null ? "" : bundle;
    }

    public Optional<dev.charms.etcd.certs.CaMove> appliedTls() {
        return Optional.ofNullable(appliedTls);
    }

    void appliedTls(dev.charms.etcd.certs.CaMove applied) {
        this.appliedTls = applied;
    }

    /**
     * The cluster CA when the leader made it in this hook: its secret is committed only when the hook
     * ends, so until then it is used as made rather than read back.
     */
    public Optional<dev.charms.etcd.pki.CertificateAuthority> caMadeNow() {
        return Optional.ofNullable(caMadeNow);
    }

    void caMadeNow(dev.charms.etcd.pki.CertificateAuthority ca) {
        this.caMadeNow = ca;
    }

    /** Notes on certificates (a CA move under way, a provider's answer refused) that status appends. */
    public java.util.List<String> tlsNotes() {
        return java.util.List.copyOf(tlsNotes);
    }

    void tlsNote(String note) {
        if (!note.isBlank() && !tlsNotes.contains(note)) {
            tlsNotes.add(note);
        }
    }

    public Framework framework() {
        return fw;
    }

    public Model model() {
        return model;
    }

    public Host host() {
        return host;
    }

    public UnitState state() {
        return state;
    }

    public EtcdSettings settings() {
        return settings;
    }

    public EtcdInstallation installation() {
        return installation;
    }

    public Relation peer() {
        return peer;
    }

    public Node node() {
        return node;
    }

    public UnitTls tls() {
        return tls;
    }

    /** This unit's name. */
    public String unit() {
        return model.unitName();
    }

    /** Whether this unit is the Juju leader (asked once per hook). */
    public boolean leader() {
        return model.isLeader();
    }

    /** The cluster token the leader published (empty before it did). */
    public String token() {
        return peer.localAppData().getOrDefault(PeerData.TOKEN, "");
    }

    /** The roster as this pass knows it: as published, or as a leader step changed it since. */
    public Roster roster() {
        return roster;
    }

    /** The roster a leader step changed, not yet published (a later step publishes it). */
    void roster(Roster changed) {
        this.roster = changed;
    }

    /** Publishes {@code changed} as the roster (leader). */
    public void publishRoster(Roster changed) {
        publishRoster(changed, Map.of());
    }

    /** Publishes {@code changed} as the roster together with other application-bag {@code values}, in one write. */
    public void publishRoster(Roster changed, Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(values);
        all.put(PeerData.MEMBERS, changed.toJson());
        peer.updateLocalAppData(all);
        this.roster = changed;
    }

    /** Client URLs of the roster's members, this unit's local URL first. */
    public java.util.List<java.net.URI> clientUrls() {
        return MemberUrls.clientUrls(peer, roster, node);
    }

    /** Starts round {@code number}: the first (no {@code rerun}), or a round run again because of {@code rerun}. */
    void beginRound(int number, Unsettled why) {
        closeMembershipCluster();
        round = number;
        rerun = why;
        unsettled = null;
        bootstrapped = false;
        member = null;
        fingerprint = "";
        membershipDue = false;
    }

    /** Whether no round can follow this one ({@link Reconciler#MAX_ROUNDS}). */
    boolean lastRound() {
        return round >= Reconciler.MAX_ROUNDS;
    }

    /** Whether this is the pass's first round. */
    public boolean firstRound() {
        return round == 1;
    }

    /**
     * Whether the leader manages membership in this round: its first, and a round run again because it
     * admitted itself (to promote itself).
     */
    public boolean membershipRound() {
        return leader() && (rerun == null || rerun == Unsettled.LEADER_ADMITTED_ITSELF || rerun == Unsettled.OWN_DATA_SET_ASIDE);
    }

    /** Why this round runs again; empty in the first round. */
    public Optional<Unsettled> rerun() {
        return Optional.ofNullable(rerun);
    }

    /** A step says the pass is not settled: the steps run again (the earliest reason first). */
    public void unsettled(Unsettled why) {
        if (unsettled == null || why.ordinal() < unsettled.ordinal()) {
            unsettled = why;
        }
    }

    Optional<Unsettled> unsettledBy() {
        return Optional.ofNullable(unsettled);
    }

    /** A step ends the pass here, with {@code status} as what the unit waits for. */
    public void halt(Status status) {
        halt = status;
    }

    Optional<Status> halted() {
        return Optional.ofNullable(halt);
    }

    /**
     * Whether this unit started a member of a new cluster in this round: the leader bootstrapping it, or a
     * unit of its initial cluster (etcd may still be electing its leader).
     */
    public boolean bootstrapped() {
        return bootstrapped;
    }

    void bootstrappedNow() {
        bootstrapped = true;
    }

    /**
     * Whether the roster is an initial cluster of several members that has no majority running yet:
     * every entry {@code new}, every unit of it still in the relation, and no more than half of them have
     * said their member started (a member id in their bag, kept from then on). etcd elects once a
     * majority of them run, which takes the other units' hooks, and answers nothing before, so
     * membership waits for a later hook.
     */
    public boolean formingSeveral() {
        if (roster.size() < 2) {
            return false;
        }
        if (bootstrapped) {
            return true;
        }
        List<String> present = peer.units();
        long started = 0;
        for (Map.Entry<String, Roster.Entry> e : roster.entries().entrySet()) {
            String u = e.getKey();
            if (e.getValue().clusterState() != InitialClusterState.NEW || !(u.equals(unit()) || present.contains(u))) {
                return false;
            }
            if (!(u.equals(unit()) ? peer.localUnitData() : peer.unitData(u)).getOrDefault(PeerData.MEMBER_ID, "").isBlank()) {
                started++;
            }
        }
        return started <= roster.size() / 2;
    }

    /** What the leader waits for before the cluster forms ({@link Bootstrap}); empty when it does not wait. */
    public Optional<String> bootstrapWaiting() {
        return Optional.ofNullable(bootstrapWaiting);
    }

    void bootstrapWaiting(String why) {
        bootstrapWaiting = why;
    }

    /** What this unit's member came to in this round; empty until the member step ran. */
    public Optional<MemberOutcome> member() {
        return Optional.ofNullable(member);
    }

    /** Records what this unit's member came to, with the configuration fingerprint it runs or wants. */
    void member(MemberOutcome outcome, String configFingerprint) {
        member = outcome;
        fingerprint = configFingerprint;
    }

    /** The configuration fingerprint recorded with the member outcome. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Whether the membership steps talk to etcd in this round (decided by {@link Departures}). */
    public boolean membershipDue() {
        return membershipDue;
    }

    void membershipDue(boolean due) {
        membershipDue = due;
    }

    /** The etcd client the membership steps share in this round, opened on first use over {@link #clientUrls}. */
    EtcdCluster membershipCluster() {
        if (membershipCluster == null) {
            membershipCluster = host.cluster(clientUrls());
        }
        return membershipCluster;
    }

    void closeMembershipCluster() {
        if (membershipCluster != null) {
            EtcdCluster open = membershipCluster;
            membershipCluster = null;
            open.close();
        }
    }

    @Override
    public void close() {
        closeMembershipCluster();
    }
}
