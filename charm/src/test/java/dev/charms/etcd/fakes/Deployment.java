package dev.charms.etcd.fakes;

import dev.charms.charmfiles.CharmFiles;
import dev.charms.charmfiles.ConfigOption;
import dev.charms.etcd.EtcdCharm;
import dev.charms.etcd.Units;
import dev.charms.etcd.workload.Host;
import dev.charms.ops.Status;
import dev.charms.ops.testing.Context;
import dev.charms.ops.testing.InconsistentStateException;
import dev.charms.ops.testing.JujuEvent;
import dev.charms.ops.testing.NetworkInfo;
import dev.charms.ops.testing.Output;
import dev.charms.ops.testing.PeerRelation;
import dev.charms.ops.testing.Secret;
import dev.charms.ops.testing.State;
import dev.charms.ops.testing.ToolCall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Juju model with one etcd application, for scenario tests: each unit's machine ({@link InMemoryHost},
 * all on one {@link InMemoryEtcd}), what Juju holds for it (its peer bag, stored state, status, ports),
 * the peer application bag and application-owned secrets the leader writes, leadership, and each unit's
 * queue of hooks. Hooks run the real {@link EtcdCharm} through the ops-testing harness, on a state built
 * from the model as that unit sees it ({@code relation-list} holds the peers whose {@code -joined} hook
 * it has begun, as Juju's uniter does), and their committed output is folded back, queueing on the other
 * units the {@code -relation-changed} hooks Juju would run. Queues follow juju-contract.md section 2 the
 * way the local runner's do (deploy, add-unit, remove-unit, config, leadership). A departed unit's bag
 * stays readable, unlisted, for the relation's life, and a dying unit's {@code stop} and {@code remove}
 * hooks run out of the relation's scope (juju-contract.md section 6). Which unit runs next is
 * a choice Juju leaves open: {@link #settle} runs the hooks of dying units first, then those of a leader
 * with a {@code -departed} hook pending, then the other units' in unit order, and the leader's when no
 * other unit has one pending (the leader's machine being the slower one); a dying unit's {@code remove}
 * hook, its last, runs only once no other hook but a {@code remove} is pending (the leader's first). When
 * several dying units have hooks to run, they run at once, as Juju runs hooks on different machines,
 * interleaved call by call ({@link Lockstep}). That order also spares the leader the charm's real-time
 * waits for other units' hooks (for a learner it admitted to start), which in one process no other hook
 * could end. A hook that fails stays at the head of its unit's queue, and the unit runs nothing else,
 * until {@link #retry}; a unit removed by force skips it instead. What Juju would refuse (an unknown
 * option or a value of the wrong type, electing or removing a dying unit, a hook for a unit that has none
 * to run) throws the harness's {@link InconsistentStateException}.
 */
public final class Deployment {
    /** The application's name. */
    public static final String APP = "etcd";
    private static final String PEER = "cluster";
    private static final int PEER_ID = 0;
    private static final int MAX_HOOKS = 400;

    /**
     * One hook Juju ran: on which unit, which hook (and for which remote unit), how it ended, the unit's
     * status after it, its juju-log lines, every hook-tool call it made and how long it took.
     */
    public record HookRun(String unit, String hook, String remote, int exitCode, String stderr, Status status,
                          List<String> logs, List<ToolCall> toolCalls, long millis) {
        @Override
        public String toString() {
            return unit + " " + hook + (remote == null ? "" : "(" + remote + ")") + " " + millis + " ms"
                    + (exitCode == 0 ? "" : " FAILED: " + stderr.strip());
        }
    }

    /** A hook waiting in a unit's queue; {@code remote} is null for app-level changes and unit hooks. */
    private record Pending(String kind, String remote, String departing) {
        boolean relation() {
            return Set.of("created", "joined", "changed", "departed").contains(kind);
        }

        String hookName() {
            if (kind.equals(COS_CREATED)) {
                return COS_AGENT + "-relation-created";
            }
            return relation() ? PEER + "-relation-" + kind
                    : kind.startsWith(CERTS_PREFIX) ? CERTS + "-relation-" + kind.substring(CERTS_PREFIX.length())
                    : kind.startsWith(EC_PREFIX) ? ETCD_CLIENT + "-relation-" + kind.substring(kind.lastIndexOf('-') + 1)
                    : kind.equals(EC_SECRET) ? "secret-changed" : kind;
        }
    }

    /** The {@code certificates} endpoint, its relation id and remote application in this model. */
    static final String CERTS = "certificates";
    static final int CERTS_ID = 7;
    static final String CERTS_APP = "tls-provider";
    private static final String CERTS_PREFIX = "certs-";

    /** The {@code etcd-client} endpoint; a hook of relation {@code id} is queued as {@code ec-<id>-<hook>}. */
    public static final String ETCD_CLIENT = "etcd-client";
    private static final String EC_PREFIX = "ec-";
    private static final String EC_SECRET = "ec-secret-changed";

    /** One application related on etcd-client: its bag, its granted secret, the leader's answer, the units whose broken hook ran. */
    private static final class ClientRelation {
        final int id;
        final String app;
        Map<String, String> remoteBag;
        Secret secret;
        Map<String, String> localAppBag = Map.of();
        final Set<String> gone = new TreeSet<>(Units.ORDER);

        ClientRelation(int id, String app, Map<String, String> remoteBag, Secret secret) {
            this.id = id;
            this.app = app;
            this.remoteBag = remoteBag;
            this.secret = secret;
        }

        dev.charms.ops.testing.Relation view() {
            return new dev.charms.ops.testing.Relation(ETCD_CLIENT, id, app, localAppBag, Map.of(), remoteBag,
                    Map.of(app + "/0", Map.of()));
        }
    }

    private final Map<Integer, ClientRelation> clientRelations = new TreeMap<>();
    private String jujuVersion;

    /** The Juju version every hook sees from now on (by default the harness's, a Juju 3). */
    public Deployment juju(String version) {
        jujuVersion = version;
        return this;
    }

    /**
     * {@code juju integrate etcd:etcd-client <app>}: relation {@code id}; the requirer's application bag is
     * {@code bag} plus, when {@code certificate} is not null, {@code secret-mtls} naming a secret of its own
     * with {@code mtls-cert} (granted to the relation). Every unit runs -created and -changed.
     */
    public void relateEtcdClient(int id, String app, Map<String, String> bag, String certificate) {
        Map<String, String> full = new LinkedHashMap<>(bag);
        Secret secret = null;
        if (certificate != null) {
            secret = Secret.granted(null, Map.of("mtls-cert", certificate));
            full.put("secret-mtls", secret.id());
        }
        clientRelations.put(id, new ClientRelation(id, app, full, secret));
        for (Unit u : units.values()) {
            if (!u.dying) {
                u.enqueue(new Pending(EC_PREFIX + id + "-created", null, null));
                u.enqueue(new Pending(EC_PREFIX + id + "-changed", null, null));
            }
        }
    }

    /** The requirer of relation {@code id} rewrote its bag ({@code secret-mtls} kept unless given). */
    public void etcdClientChanged(int id, Map<String, String> bag) {
        ClientRelation r = clientRelations.get(id);
        Map<String, String> full = new LinkedHashMap<>(bag);
        if (r.secret != null) {
            full.putIfAbsent("secret-mtls", r.secret.id());
        }
        r.remoteBag = full;
        units.values().stream().filter(u -> !u.dying && !r.gone.contains(u.name))
                .forEach(u -> u.enqueue(new Pending(EC_PREFIX + id + "-changed", null, null)));
    }

    /** The requirer of relation {@code id} put a new certificate in its secret: the leader, which read it, runs secret-changed. */
    public void etcdClientCertificateChanged(int id, String certificate) {
        ClientRelation r = clientRelations.get(id);
        r.secret = r.secret.withNewRevision(Map.of("mtls-cert", certificate));
        live(leader).enqueue(new Pending(EC_SECRET, String.valueOf(id), null));
    }

    /** {@code juju remove-relation}: every unit runs etcd-client-relation-broken for {@code id}, then has no such relation. */
    public void unrelateEtcdClient(int id) {
        for (Unit u : units.values()) {
            if (!u.dying) {
                u.enqueue(new Pending(EC_PREFIX + id + "-broken", null, null));
            }
        }
    }

    /** What the leader wrote in relation {@code id}'s application bag. */
    public Map<String, String> etcdClientAppBag(int id) {
        return clientRelations.containsKey(id) ? clientRelations.get(id).localAppBag : Map.of();
    }

    /** The latest content of one of the application's own secrets, if it exists. */
    public Optional<Map<String, String>> appSecret(String uri) {
        return appSecrets.stream().filter(x -> x.id().equals(uri)).findFirst().map(Secret::latestContent);
    }

    /** A provider on the certificates relation: its application bag from every etcd unit's bag there. */
    public interface CertificatesProvider {
        Map<String, String> answer(Map<String, Map<String, String>> requirerUnitBags);

        /** Its unit's bag, where a provider of the original protocol answers; nothing by default. */
        default Map<String, String> unitAnswer(Map<String, Map<String, String>> requirerUnitBags) {
            return Map.of();
        }
    }

    private CertificatesProvider certsProvider;
    private Map<String, String> certsAppData = Map.of();
    private Map<String, String> certsUnitData = Map.of();

    /**
     * {@code juju integrate etcd:certificates tls-provider}: every unit runs certificates-relation-changed;
     * {@code provider} answers whenever a unit's bag there changes (as a provider's hooks would).
     */
    public void relateCertificates(CertificatesProvider provider) {
        certsProvider = provider;
        certsAppData = Map.of();
        certsUnitData = Map.of();
        for (Unit u : units.values()) {
            u.certsGone = false;
            u.certsBag = Map.of();
            if (!u.dying) {
                // -created runs first (juju-contract.md section 2), so the unit asks for the relation ids again.
                u.enqueue(new Pending(CERTS_PREFIX + "created", null, null));
                u.enqueue(new Pending(CERTS_PREFIX + "changed", null, null));
            }
        }
    }

    /** The {@code db} endpoint's relation id and remote application in this model. */
    static final int DB_ID = 11;
    static final String DB_APP = "kube";
    private boolean dbRelated;

    /**
     * {@code juju integrate etcd:db kube}: from now on every unit's hooks see the relation (with one remote
     * unit, which writes nothing); each unit runs a hook that asks Juju for its relations again (as
     * db-relation-created would), so that its pass publishes there.
     */
    public void relateDb() {
        dbRelated = true;
        units.values().stream().filter(u -> !u.dying).forEach(u -> u.enqueue(new Pending("config-changed", null, null)));
    }

    /** A unit's bag on the {@code certificates} relation. */
    public Map<String, String> unitBagOnCertificates(String name) {
        return units.get(name).certsBag;
    }

    /** A unit's bag on the {@code db} relation. */
    public Map<String, String> dbBag(String name) {
        return units.get(name).dbBag;
    }

    /** The provider changed what it answers (a new CA): its application bag is recomputed. */
    public void certificatesProviderChanged(CertificatesProvider provider) {
        certsProvider = provider;
        answerCertificates();
    }

    /**
     * {@code juju run <name> <action>}: runs the action on the unit with the state it has now (between its
     * hooks), takes what it wrote into the model as a hook's output would be, and returns the output.
     */
    public Output runAction(String name, String action) {
        Unit unit = live(name);
        Pending p = new Pending("action", null, null);
        Output out = unit.context.run(JujuEvent.action(action), stateOf(unit, p));
        if (out.succeeded()) {
            fold(unit, out.state());
        }
        return out;
    }

    /** {@code juju remove-relation}: every unit runs certificates-relation-broken, then has no such relation. */
    public void unrelateCertificates() {
        for (Unit u : units.values()) {
            if (!u.dying) {
                u.enqueue(new Pending(CERTS_PREFIX + "broken", null, null));
            }
        }
    }

    private void answerCertificates() {
        if (certsProvider == null) {
            return;
        }
        Map<String, Map<String, String>> bags = new TreeMap<>(Units.ORDER);
        units.values().forEach(u -> bags.put(u.name, u.certsBag));
        Map<String, String> answer = certsProvider.answer(bags);
        Map<String, String> unitAnswer = certsProvider.unitAnswer(bags);
        if (!answer.equals(certsAppData) || !unitAnswer.equals(certsUnitData)) {
            certsAppData = answer;
            certsUnitData = unitAnswer;
            for (Unit u : units.values()) {
                if (!u.dying && !u.certsGone) {
                    u.enqueue(new Pending(CERTS_PREFIX + "changed", null, null));
                }
            }
        }
    }

    private dev.charms.ops.testing.Relation certsRelation(Unit unit) {
        return new dev.charms.ops.testing.Relation(CERTS, CERTS_ID, CERTS_APP, Map.of(), unit.certsBag, certsAppData,
                Map.of(CERTS_APP + "/0", certsUnitData));
    }

    /** A unit: its machine, what Juju keeps for it, and its hook queue. */
    private final class Unit {
        final String name;
        final InMemoryHost host;
        final Context context;
        final List<Pending> queue = new ArrayList<>();
        /** Peers whose joined hook is queued or ran (and which have not departed since). */
        final Set<String> joined = new TreeSet<>(Units.ORDER);
        /** relation-list: peers whose joined hook has begun. */
        final Set<String> members = new TreeSet<>(Units.ORDER);
        /** Peers whose departed hook has run here: their bags stay readable. */
        final Set<String> departedPeers = new TreeSet<>(Units.ORDER);
        Map<String, String> bag = Map.of();
        /** This unit's bag in the cos-agent relation (see {@link #relateCosAgent}). */
        Map<String, String> cosAgentBag = Map.of();
        Map<String, Object> stored = Map.of();
        Status status;
        Set<String> ports = Set.of();
        String workloadVersion = "";
        boolean dying;
        /** This unit's bag on the certificates relation, and whether its broken hook ran. */
        Map<String, String> certsBag = Map.of();
        boolean certsGone = true;
        /** This unit's bag on the db relation. */
        Map<String, String> dbBag = Map.of();
        /** Removed with {@code --force}: a failed hook does not hold its removal, and its machine goes with it. */
        boolean forced;
        boolean inError;

        Unit(String name, InMemoryHost host) {
            this.name = name;
            this.host = host;
            Host gated = lockstep.gate(host);
            this.context = new Context(EtcdCharm.SPEC, fw -> new EtcdCharm(fw, gated), files);
        }

        boolean headIs(String kind) {
            return !queue.isEmpty() && queue.get(0).kind().equals(kind);
        }

        void enqueue(Pending p) {
            if (p.kind().equals("changed")) {
                boolean same = queue.stream().anyMatch(q -> q.kind().equals("changed") && Objects.equals(q.remote(), p.remote()));
                if (same) {
                    return;
                }
            } else if (Set.of("config-changed", "leader-settings-changed", "update-status", "leader-elected", CERTS_PREFIX + "changed").contains(p.kind())
                    && queue.stream().skip(inError ? 1 : 0).anyMatch(q -> q.kind().equals(p.kind()))) {
                return;
            }
            if (p.kind().startsWith("leader-")) {
                // Juju's resolver runs leadership hooks once the unit is installed, before its other pending hooks.
                int at = inError && !queue.isEmpty() ? 1 : 0;
                while (at < queue.size() && Set.of("install", "created").contains(queue.get(at).kind())) {
                    at++;
                }
                queue.add(at, p);
            } else {
                queue.add(p);
            }
        }

        void enqueueJoin(String remote) {
            if (joined.add(remote)) {
                queue.removeIf(q -> q.kind().equals("changed") && remote.equals(q.remote()));
                queue.add(new Pending("joined", remote, null));
                queue.add(new Pending("changed", remote, null));
            }
        }

        void enqueueDeparted(String remote) {
            if (!joined.remove(remote)) {
                return;
            }
            boolean joinPending = queue.stream().anyMatch(q -> q.kind().equals("joined") && remote.equals(q.remote()));
            queue.removeIf(q -> remote.equals(q.remote()) && (q.kind().equals("joined") || q.kind().equals("changed")));
            if (!joinPending) {
                queue.add(new Pending("departed", remote, remote));
            }
        }
    }

    private static final String COS_AGENT = "cos-agent";
    private static final int COS_AGENT_ID = 9;
    private static final String COS_CREATED = "cos-agent-created";
    private final CharmFiles files = CharmFiles.load(Path.of("."));
    /** Whether the application is related to a cos_agent subordinate (one unit of it beside each unit). */
    private boolean cosAgentRelated;
    private final Lockstep lockstep = new Lockstep();
    private final InMemoryEtcd etcd = new InMemoryEtcd();
    private final Path root;
    private final Map<String, Object> config = new LinkedHashMap<>();
    private final Map<String, Unit> units = new TreeMap<>(Units.ORDER);
    private final Map<String, InMemoryHost> hosts = new TreeMap<>(Units.ORDER);
    private final List<HookRun> runs = new ArrayList<>();
    /** The last bag of each unit Juju removed: its peers read it until their departed hook for it has run. */
    private final Map<String, Map<String, String>> goneBags = new LinkedHashMap<>();
    private final Map<String, Path> resources = new LinkedHashMap<>();
    private dev.charms.etcd.workload.EtcdVersion packaged = InMemoryHost.ETCD_VERSION;
    private Map<String, String> appBag = Map.of();
    private List<Secret> appSecrets = List.of();
    private Status appStatus;
    private String leader;
    private int nextUnit;
    private boolean goalStateOffered = true;

    /** An empty model whose machines keep their files under {@code root} (a test's temporary directory). */
    public Deployment(Path root) {
        this.root = root;
    }

    // ------------------------------------------------------------------ what operators do

    /** {@code juju deploy etcd -n count}, then runs every hook that follows. */
    public Deployment deploy(int count) {
        for (int i = 0; i < count; i++) {
            addUnitQueued();
        }
        settle();
        return this;
    }

    /** {@code juju add-unit etcd}: the new unit's hooks and its peers' joined hooks are queued (see {@link #settle}). */
    public String addUnit() {
        return addUnitQueued();
    }

    private String addUnitQueued() {
        String name = APP + "/" + nextUnit;
        nextUnit++;
        InMemoryHost host = new InMemoryHost(etcd, "10.0.0." + (nextUnit + 10), root.resolve(name.replace('/', '-')))
                .packaged(packaged);
        Unit unit = new Unit(name, host);
        units.put(name, unit);
        hosts.put(name, host);
        if (leader == null) {
            leader = name;
        }
        for (String kind : List.of("install", "created", name.equals(leader) ? "leader-elected" : "leader-settings-changed",
                "config-changed", "start")) {
            unit.queue.add(new Pending(kind, null, null));
        }
        for (Unit other : units.values()) {
            if (other != unit && !other.dying) {
                unit.enqueueJoin(other.name);
                other.enqueueJoin(name);
            }
        }
        if (!appBag.isEmpty()) {
            unit.enqueue(new Pending("changed", null, null));
        }
        if (certsProvider != null) {
            unit.certsGone = false;
            unit.enqueue(new Pending(CERTS_PREFIX + "created", null, null));
            unit.enqueue(new Pending(CERTS_PREFIX + "changed", null, null));
        }
        return name;
    }

    /**
     * {@code juju remove-unit}: the unit runs cluster-relation-departed for each peer it had joined, then
     * stop and remove, and is gone; each peer runs departed for it. A leader stays leader until it is gone;
     * then the lowest remaining unit is elected.
     */
    public void removeUnit(String name) {
        Unit unit = live(name);
        unit.dying = true;
        for (Unit other : units.values()) {
            if (other != unit) {
                other.enqueueDeparted(name);
            }
        }
        Set<String> neverJoined = new TreeSet<>();
        unit.queue.stream().filter(q -> q.kind().equals("joined")).forEach(q -> neverJoined.add(q.remote()));
        // Peers it has joined, and peers removed moments before whose departed hook it has not run yet.
        Set<String> toDepart = new TreeSet<>(Units.ORDER);
        toDepart.addAll(unit.joined);
        unit.queue.stream().filter(q -> q.kind().equals("departed")).forEach(q -> toDepart.add(q.remote()));
        unit.queue.clear();
        unit.inError = false;
        for (String remote : toDepart) {
            if (!neverJoined.contains(remote)) {
                unit.queue.add(new Pending("departed", remote, name));
            }
        }
        unit.joined.clear();
        unit.queue.add(new Pending("stop", null, null));
        unit.queue.add(new Pending("remove", null, null));
    }

    /** {@code juju remove-unit} of several units in one command: each is removed as {@link #removeUnit} says. */
    public void removeUnits(String... names) {
        for (String name : names) {
            removeUnit(name);
        }
    }

    /**
     * {@code juju remove-unit --force} of several units: each runs its removal hooks as {@link #removeUnit}
     * says, but a hook that fails does not hold it (Juju goes on with the next one), and once it is gone
     * its machine is gone too, with its etcd.
     */
    public void forceRemoveUnits(String... names) {
        for (String name : names) {
            removeUnit(name);
            units.get(name).forced = true;
        }
    }

    /**
     * {@code juju remove-unit --force --no-wait} of a unit whose machine is gone: its etcd is gone with
     * it, it runs no hook, and its peers see it depart.
     */
    public void forceRemoveUnit(String name) {
        Unit unit = live(name);
        unit.host.crash();
        unit.dying = true;
        for (Unit other : units.values()) {
            if (other != unit) {
                other.enqueueDeparted(name);
            }
        }
        gone(unit);
    }

    private void gone(Unit unit) {
        if (unit.forced) {
            unit.host.crash();
        }
        units.remove(unit.name);
        goneBags.put(unit.name, unit.bag);
        if (unit.name.equals(leader)) {
            leader = null;
            units.values().stream().filter(u -> !u.dying).findFirst().ifPresent(u -> elect(u.name));
        }
    }

    /** Juju moves leadership to {@code name}: leader-elected there, leader-settings-changed on the others. */
    public void elect(String name) {
        live(name);
        if (name.equals(leader)) {
            return;
        }
        leader = name;
        for (Unit u : units.values()) {
            if (!u.dying) {
                u.enqueue(new Pending(u.name.equals(name) ? "leader-elected" : "leader-settings-changed", null, null));
            }
        }
    }

    /** {@code juju config etcd key=value}: config-changed on every unit. */
    public void config(String key, Object value) {
        ConfigOption option = files.config().options().get(key);
        if (option == null) {
            throw new InconsistentStateException("unknown option \"" + key + "\"");
        }
        config.put(key, option.typed(value).orElseThrow(() -> new InconsistentStateException(
                "option \"" + key + "\" expected " + option.type() + ", got " + value)));
        units.values().stream().filter(u -> !u.dying).forEach(u -> u.enqueue(new Pending("config-changed", null, null)));
    }

    /**
     * Juju runs {@code cluster-relation-changed} for {@code remote} on {@code name}, as after a write of
     * {@code remote}'s that changed nothing {@code name} acts on.
     */
    public void peerChanged(String name, String remote) {
        Unit unit = live(name);
        if (!unit.members.contains(remote)) {
            throw new InconsistentStateException(remote + " is not in " + name + "'s view of the peer relation");
        }
        unit.enqueue(new Pending("changed", remote, null));
    }

    /**
     * The machines of {@code names} lose power together: their etcd processes end (the services stay
     * enabled on disk). Nothing runs on them until {@link #boot}.
     */
    public void powerLoss(String... names) {
        for (String name : names) {
            live(name).host.crash();
        }
    }

    /**
     * The machine of {@code name} boots: an enabled etcd starts, and Juju's agent queues {@code start}
     * (the unit had started) and, on a non-leader, {@code leader-settings-changed} ahead of everything
     * else (docs/juju-contract.md, section 2).
     */
    public void boot(String name) {
        Unit unit = live(name);
        if (unit.host.enabled()) {
            unit.host.start();
        }
        int at = unit.inError && !unit.queue.isEmpty() ? 1 : 0;
        unit.queue.removeIf(q -> q.kind().equals("leader-settings-changed"));
        unit.queue.add(Math.min(at, unit.queue.size()), new Pending("start", null, null));
        if (!name.equals(leader)) {
            unit.queue.add(Math.min(at + 1, unit.queue.size()), new Pending("leader-settings-changed", null, null));
        }
    }

    /** The etcd version the machines of units added from now on offer as a package; returns this deployment. */
    public Deployment packaged(dev.charms.etcd.workload.EtcdVersion version) {
        packaged = version;
        return this;
    }

    /**
     * {@code juju attach-resource etcd name=file}: every unit sees the file from now on and runs
     * upgrade-charm, config-changed and start (queued; see {@link #settle}).
     */
    public void attachResource(String name, Path file) {
        resources.put(name, file);
        units.values().stream().filter(u -> !u.dying).forEach(u -> {
            for (String kind : List.of("upgrade-charm", "config-changed", "start")) {
                u.enqueue(new Pending(kind, null, null));
            }
        });
    }

    /**
     * Relates the application to a cos_agent subordinate ({@code grafana-agent}): every live unit gets the
     * relation and its {@code cos-agent-relation-created} hook.
     */
    public void relateCosAgent() {
        cosAgentRelated = true;
        units.values().stream().filter(u -> !u.dying).forEach(u -> u.enqueue(new Pending(COS_CREATED, null, null)));
    }

    /** {@code name}'s bag in the cos-agent relation. */
    public Map<String, String> cosAgentBag(String name) {
        return units.get(name).cosAgentBag;
    }

    /** Juju's periodic update-status on {@code name}. */
    public void updateStatus(String name) {
        live(name).enqueue(new Pending("update-status", null, null));
    }

    /** Juju retries a unit's failed hook ({@code juju resolve}, or its automatic retry). */
    public void retry(String name) {
        Unit unit = units.get(name);
        if (unit == null || !unit.inError) {
            throw new InconsistentStateException(name + " has no failed hook to retry");
        }
        unit.inError = false;
    }

    /**
     * From now on the units' {@code goal-state} fails, as on a Juju or emulator that does not offer it
     * (docs/juju-contract.md, section 4).
     */
    public Deployment withoutGoalState() {
        goalStateOffered = false;
        return this;
    }

    /**
     * Time passes for {@code name}: every number stored under {@code key} in its stored state (a moment
     * the charm recorded, in epoch milliseconds) moves {@code by} into the past, as when that much time
     * went by before its next hook.
     */
    public void age(String name, String key, java.time.Duration by) {
        Unit unit = live(name);
        if (unit.stored.get(key) instanceof Number n) {
            Map<String, Object> next = new LinkedHashMap<>(unit.stored);
            next.put(key, n.longValue() - by.toMillis());
            unit.stored = next;
        } else {
            throw new InconsistentStateException(name + " has no moment stored under " + key);
        }
    }

    /** What {@code goal-state} lists: every unit Juju has, {@code dying} for those being removed. */
    private Map<String, String> goalState() {
        Map<String, String> out = new TreeMap<>(Units.ORDER);
        units.values().forEach(u -> out.put(u.name, u.dying ? "dying" : "active"));
        return out;
    }

    /** A unit's stored state as its last successful hook left it. */
    public Map<String, Object> stored(String name) {
        return units.get(name).stored;
    }

    // ------------------------------------------------------------------ running hooks

    /**
     * Runs queued hooks until none is left (units in error wait), the non-leaders' first, in unit order.
     * Fails when hooks keep queueing each other beyond any deployment's need.
     */
    public Deployment settle() {
        for (int i = 0; i < MAX_HOOKS; i++) {
            if (step().isEmpty()) {
                return this;
            }
        }
        throw new AssertionError("hooks did not settle after " + MAX_HOOKS + " runs; last: "
                + runs.subList(Math.max(0, runs.size() - 10), runs.size()));
    }

    /**
     * Runs the one hook {@link #settle} would run next (with several dying units, one hook of each, at
     * once; the first of them is returned); empty when no unit has one to run.
     */
    public Optional<HookRun> step() {
        List<Unit> dying = units.values().stream()
                .filter(u -> u.dying && !u.inError && !u.queue.isEmpty() && !u.headIs("remove")).toList();
        if (dying.size() > 1) {
            return Optional.of(runTogether(dying).get(0));
        }
        Unit next = nextToRun();
        return next == null ? Optional.empty() : Optional.of(runHead(next));
    }

    /** The unit whose hook runs next (see the class comment), or null when no unit can run one. */
    private Unit nextToRun() {
        List<Unit> all = units.values().stream().filter(u -> !u.inError && !u.queue.isEmpty()).toList();
        List<Unit> ready = all.stream().filter(u -> !u.headIs("remove")).toList();
        Unit leaderUnit = leader == null ? null : units.get(leader);
        boolean leaderDeparts = leaderUnit != null && ready.contains(leaderUnit)
                && leaderUnit.queue.stream().anyMatch(q -> q.kind().equals("departed"));
        return ready.stream().filter(u -> u.dying).findFirst()
                .or(() -> leaderDeparts ? Optional.of(leaderUnit) : Optional.empty())
                .or(() -> ready.stream().filter(u -> u != leaderUnit).findFirst())
                .or(() -> ready.stream().findFirst())
                .or(() -> all.stream().filter(u -> u == leaderUnit).findFirst())
                .orElse(all.isEmpty() ? null : all.get(0));
    }

    /** Runs the next hook of each of {@code together} at once ({@link Lockstep}); their runs in unit order. */
    private List<HookRun> runTogether(List<Unit> together) {
        Map<String, Prepared> prepared = new LinkedHashMap<>();
        together.forEach(u -> prepared.put(u.name, prepare(u)));
        Map<String, java.util.function.Supplier<Executed>> hooks = new LinkedHashMap<>();
        together.forEach(u -> hooks.put(u.name, () -> execute(u, prepared.get(u.name))));
        List<Executed> executed = lockstep.run(hooks);
        List<HookRun> out = new ArrayList<>();
        for (int i = 0; i < together.size(); i++) {
            out.add(finish(together.get(i), prepared.get(together.get(i).name), executed.get(i)));
        }
        return out;
    }

    /** Runs the next queued hook of {@code name} only (a unit Juju got to first); returns how it went. */
    public HookRun runNext(String name) {
        Unit unit = units.get(name);
        if (unit == null || unit.inError || unit.queue.isEmpty()) {
            throw new InconsistentStateException(name + " has no hook to run");
        }
        return runHead(unit);
    }

    /** Runs the queued hooks of {@code name} only, until none is left or one fails. */
    public void runAll(String name) {
        Unit unit = units.get(name);
        while (unit != null && !unit.inError && !unit.queue.isEmpty()) {
            runHead(unit);
            unit = units.get(name);
        }
    }

    /** A hook about to run: what Juju queued, and the state and event it runs with. */
    private record Prepared(Pending pending, State in, JujuEvent event) {
    }

    /** How a hook run ended and how long it took. */
    private record Executed(Output out, long millis) {
    }

    private HookRun runHead(Unit unit) {
        Prepared prepared = prepare(unit);
        return finish(unit, prepared, execute(unit, prepared));
    }

    private Prepared prepare(Unit unit) {
        Pending p = unit.queue.get(0);
        if (p.kind().equals("joined")) {
            unit.members.add(p.remote());
        }
        State in = stateOf(unit, p);
        PeerRelation peer = in.peerRelation(PEER).orElse(null);
        if (p.kind().startsWith(EC_PREFIX) && !p.kind().equals(EC_SECRET)) {
            String[] parts = p.kind().split("-");
            dev.charms.ops.testing.Relation rel = clientRelations.get(Integer.parseInt(parts[1])).view();
            String hook = parts[2];
            return new Prepared(p, in, hook.equals("broken") ? JujuEvent.relationBroken(rel)
                    : hook.equals("created") ? JujuEvent.relationCreated(rel)
                    : JujuEvent.relationChanged(rel, rel.remoteApp() + "/0"));
        }
        if (p.kind().equals(EC_SECRET)) {
            return new Prepared(p, in, JujuEvent.secretChanged(clientRelations.get(Integer.parseInt(p.remote())).secret));
        }
        if (p.kind().startsWith(CERTS_PREFIX)) {
            dev.charms.ops.testing.Relation certs = certsRelation(unit);
            return new Prepared(p, in, p.kind().equals(CERTS_PREFIX + "broken") ? JujuEvent.relationBroken(certs)
                    : p.kind().equals(CERTS_PREFIX + "created") ? JujuEvent.relationCreated(certs)
                    : JujuEvent.relationChanged(certs, CERTS_APP + "/0"));
        }
        JujuEvent event = switch (p.kind()) {
            case "created" -> JujuEvent.relationCreated(peer);
            case "joined" -> JujuEvent.relationJoined(peer, p.remote());
            case "changed" -> p.remote() == null ? JujuEvent.relationAppChanged(peer) : JujuEvent.relationChanged(peer, p.remote());
            case "departed" -> JujuEvent.relationDeparted(peer, p.remote(), p.departing());
            case COS_CREATED -> JujuEvent.relationCreated(in.relation(COS_AGENT_ID).orElseThrow());
            default -> new JujuEvent.Hook(p.kind());
        };
        if (p.kind().equals("departed")) {
            unit.members.remove(p.remote());
            unit.departedPeers.add(p.remote());
        }
        return new Prepared(p, in, event);
    }

    private static Executed execute(Unit unit, Prepared prepared) {
        long began = System.nanoTime();
        Output out = unit.context.run(prepared.event(), prepared.in());
        return new Executed(out, (System.nanoTime() - began) / 1_000_000);
    }

    private HookRun finish(Unit unit, Prepared prepared, Executed executed) {
        Pending p = prepared.pending();
        Output out = executed.out();
        HookRun run = new HookRun(unit.name, p.hookName(), p.remote(), out.exitCode(), out.stderr(), out.state().unitStatus(),
                out.logMessages(), out.toolCalls(), executed.millis());
        runs.add(run);
        unit.status = out.state().unitStatus();
        if (unit.name.equals(leader)) {
            appStatus = out.state().appStatus();
        }
        if (!out.succeeded() && !unit.forced) {
            unit.inError = true;
            return run;
        }
        unit.queue.remove(0);
        if (out.succeeded()) {
            fold(unit, out.state());
        }
        if (p.kind().equals("remove")) {
            gone(unit);
        }
        if (p.kind().startsWith(EC_PREFIX) && p.kind().endsWith("-broken") && out.succeeded()) {
            int id = Integer.parseInt(p.kind().split("-")[1]);
            ClientRelation rel = clientRelations.get(id);
            rel.gone.add(unit.name);
            if (units.values().stream().allMatch(u -> rel.gone.contains(u.name))) {
                clientRelations.remove(id);
            }
        }
        if (p.kind().equals(CERTS_PREFIX + "broken") && out.succeeded()) {
            unit.certsGone = true;
            unit.certsBag = Map.of();
            if (units.values().stream().allMatch(u -> u.certsGone)) {
                certsProvider = null;
                certsAppData = Map.of();
            }
        }
        return run;
    }

    /** The state Juju gives {@code unit}'s hook {@code p} (a departed hook still reads the departing unit's bag). */
    private State stateOf(Unit unit, Pending p) {
        Set<String> readable = new TreeSet<>(Units.ORDER);
        readable.addAll(unit.members);
        if (p.kind().equals("departed")) {
            readable.add(p.remote());
        }
        Map<String, Map<String, String>> peers = new LinkedHashMap<>();
        for (String m : readable) {
            peers.put(m, bagOf(m));
        }
        Map<String, Map<String, String>> departed = new LinkedHashMap<>();
        for (String m : unit.departedPeers) {
            if (!readable.contains(m)) {
                departed.put(m, bagOf(m));
            }
        }
        String address = unit.host.address();
        State.Builder state = State.builder().unitName(unit.name).leader(unit.name.equals(leader)).config(config);
        if (jujuVersion != null) {
            state.jujuVersion(jujuVersion);
        }
        resources.forEach(state::resource);
        if (!(unit.dying && Set.of("stop", "remove").contains(p.kind()))) {
            // A dying unit is out of the relation's scope once its departed hooks have run.
            state.relation(new PeerRelation(PEER, PEER_ID, appBag, unit.bag, peers, departed));
        }
        if (cosAgentRelated) {
            state.relation(dev.charms.ops.testing.Relation.of(COS_AGENT, COS_AGENT_ID, "grafana-agent")
                    .withLocalUnitData(unit.cosAgentBag).withRemoteUnit("grafana-agent/" + unit.name.substring(unit.name.indexOf('/') + 1), Map.of()));
        }
        if (!unit.certsGone && certsProvider != null) {
            state.relation(certsRelation(unit));
        }
        List<Secret> secrets = new ArrayList<>(appSecrets);
        for (ClientRelation r : clientRelations.values()) {
            if (!r.gone.contains(unit.name)) {
                state.relation(r.view());
            }
            if (r.secret != null) {
                secrets.add(r.secret);
            }
        }
        if (dbRelated) {
            state.relation(dev.charms.ops.testing.Relation.of("db", DB_ID, DB_APP).withLocalUnitData(unit.dbBag)
                    .withRemoteUnit(DB_APP + "/0", Map.of()));
        }
        return state.network(PEER, NetworkInfo.of(address)).network("db", NetworkInfo.of(address))
                .network(CERTS, NetworkInfo.of(address)).network(ETCD_CLIENT, NetworkInfo.of(address))
                .secrets(secrets).openedPorts(unit.ports).unitStatus(unit.status)
                .appStatus(unit.name.equals(leader) ? appStatus : null).workloadVersion(unit.workloadVersion)
                .storedState(unit.stored).goalState(goalStateOffered ? goalState() : null).build();
    }


    private Map<String, String> bagOf(String name) {
        Unit other = units.get(name);
        return other == null ? goneBags.getOrDefault(name, Map.of()) : other.bag;
    }

    /** Takes a successful hook's committed output into the model and queues what it causes. */
    private void fold(Unit unit, State out) {
        unit.stored = out.storedState();
        unit.ports = out.openedPorts();
        unit.workloadVersion = out.workloadVersion();
        out.relation(COS_AGENT_ID).ifPresent(r -> unit.cosAgentBag = r.localUnitData());
        out.relation(DB_ID).ifPresent(r -> unit.dbBag = r.localUnitData());
        out.relation(CERTS_ID).ifPresent(r -> {
            if (!unit.certsGone && !r.localUnitData().equals(unit.certsBag)) {
                unit.certsBag = r.localUnitData();
                answerCertificates();
            }
        });
        for (ClientRelation r : clientRelations.values()) {
            if (unit.name.equals(leader)) {
                out.relation(r.id).ifPresent(rel -> r.localAppBag = rel.localAppData());
            }
            if (r.secret != null) {
                out.secret(r.secret.id()).ifPresent(x -> r.secret = x);
            }
        }
        PeerRelation peer = out.peerRelation(PEER).orElse(null);
        if (peer == null) {
            return;
        }
        boolean bagChanged = !peer.localUnitData().equals(unit.bag);
        boolean appChanged = unit.name.equals(leader) && !peer.localAppData().equals(appBag);
        unit.bag = peer.localUnitData();
        if (unit.name.equals(leader)) {
            appBag = peer.localAppData();
            appSecrets = out.secrets().stream().filter(s -> s.owner() == Secret.Owner.APPLICATION).toList();
        }
        for (Unit other : units.values()) {
            if (other == unit || other.dying) {
                continue;
            }
            if (appChanged) {
                other.enqueue(new Pending("changed", null, null));
            }
            if (bagChanged && other.joined.contains(unit.name)) {
                other.enqueue(new Pending("changed", unit.name, null));
            }
        }
    }

    private Unit live(String name) {
        Unit unit = units.get(name);
        if (unit == null || unit.dying) {
            throw new InconsistentStateException("no live unit " + name);
        }
        return unit;
    }

    // ------------------------------------------------------------------ what tests look at

    public InMemoryEtcd etcd() {
        return etcd;
    }

    /** A unit's machine (also after the unit is gone). */
    public InMemoryHost host(String name) {
        return hosts.get(name);
    }

    /** The units Juju still has, in unit order. */
    public List<String> units() {
        return List.copyOf(units.keySet());
    }

    public String leader() {
        return leader;
    }

    public Status status(String name) {
        return units.get(name).status;
    }

    public Status appStatus() {
        return appStatus;
    }

    /** The peer application bag (written by the leader). */
    public Map<String, String> appBag() {
        return appBag;
    }

    /** The ids of the application-owned secrets in the model. */
    public List<String> appSecretIds() {
        return appSecrets.stream().map(Secret::id).toList();
    }

    /** A unit's peer bag as its peers read it. */
    public Map<String, String> unitBag(String name) {
        Unit unit = units.get(name);
        return unit != null ? unit.bag : goneBags.get(name);
    }

    public Set<String> openedPorts(String name) {
        return units.get(name).ports;
    }

    /** Every hook run so far, in order. */
    public List<HookRun> runs() {
        return List.copyOf(runs);
    }

    /** The hooks that failed. */
    public List<HookRun> failures() {
        return runs.stream().filter(r -> r.exitCode() != 0).toList();
    }

    /** Whether {@code name} waits in error for a retry. */
    public boolean inError(String name) {
        return units.get(name).inError;
    }
}
