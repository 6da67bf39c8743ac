package dev.charms.runner.tools;

import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.DataBag;
import dev.charms.runner.model.Model;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.PortRange;
import dev.charms.runner.model.Relation;
import dev.charms.runner.model.StorageAttachment;
import dev.charms.runner.model.Unit;
import dev.charms.runner.model.UnitNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One running hook or action on one unit. Knows what the hook is about (relation, remote unit, storage,
 * secret, action task), builds the process environment of docs/juju-contract.md, section 3, and holds the changes
 * Juju buffers until the hook exits 0: relation-set (unit and application bags), open/close-port,
 * state-set/delete and secret add/set/remove/grant/revoke. {@link #commit()} applies them atomically;
 * {@link #discard()} drops them. Immediate writes (status-set, application-version-set, leader-set,
 * juju-log, action-log) go to the model at once. Thread-safe.
 */
public final class HookContext {
    private static final String STANDARD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin";

    private final Model model;
    private final Unit unit;
    private final String id;
    private final String hookName;
    private final ActionTask task;
    private final Relation relation;
    private final String remoteUnit;
    private final String remoteApp;
    private final String departingUnit;
    private final String storageId;
    private final String secretUri;
    private final String secretLabel;
    private final Integer secretRevision;
    private final Map<Integer, List<String>> memberView;
    /**
     * Ids of the relations this unit was in scope of when the context was made: a unit that starts dying
     * while its hook runs keeps them for the rest of that hook (Juju fixes a context's relations when it
     * makes the context; the unit leaves scope only after its own departed hooks).
     */
    private final Set<Integer> scopeAtStart = new HashSet<>();

    private final Map<Integer, Map<String, String>> unitBagWrites = new TreeMap<>();
    private final Map<Integer, Map<String, String>> appBagWrites = new TreeMap<>();
    private final List<PortChange> portChanges = new ArrayList<>();
    private final Map<String, String> stateWrites = new LinkedHashMap<>();
    private final PendingSecrets secrets = new PendingSecrets();
    private boolean minion;
    private boolean closed;
    private boolean rebootRequested;
    private boolean rebootNow;
    /** Hook-tool calls answered in this context, by tool name (a call resent with its stdin counts once). */
    private final Map<String, Integer> toolCalls = new TreeMap<>();

    private record PortChange(boolean open, PortRange range, Set<String> endpoints) {
    }

    private HookContext(Builder b) {
        this.model = b.model;
        this.unit = b.unit;
        this.hookName = b.hookName;
        this.task = b.task;
        this.relation = b.relation;
        this.remoteUnit = b.remoteUnit == null ? "" : b.remoteUnit;
        this.remoteApp = b.remoteApp != null ? b.remoteApp
                : b.relation == null ? "" : b.relation.remoteApplication(b.unit.applicationName());
        this.departingUnit = b.departingUnit == null ? "" : b.departingUnit;
        this.storageId = b.storageId;
        this.secretUri = b.secretUri;
        this.secretLabel = b.secretLabel;
        this.secretRevision = b.secretRevision;
        this.memberView = b.memberView;
        this.id = model.nextContextId(unit.name(), task != null ? task.name() : hookName);
        for (Relation r : model.relationsOf(unit.applicationName())) {
            if (r.inScope(unit.name())) {
                scopeAtStart.add(r.id());
            }
        }
    }

    /** Starts a context for hook {@code hookName} (e.g. {@code cluster-relation-changed}) on {@code unit}. */
    public static Builder hook(Model model, Unit unit, String hookName) {
        return new Builder(model, unit, hookName, null);
    }

    /** Starts a context for action task {@code task} on {@code unit}. */
    public static Builder action(Model model, Unit unit, ActionTask task) {
        return new Builder(model, unit, null, task);
    }

    /** Sets up a {@link HookContext}; only the setters relevant to the hook need to be called. */
    public static final class Builder {
        private final Model model;
        private final Unit unit;
        private final String hookName;
        private final ActionTask task;
        private Relation relation;
        private String remoteUnit;
        private String remoteApp;
        private String departingUnit;
        private String storageId;
        private String secretUri;
        private String secretLabel;
        private Integer secretRevision;
        private Map<Integer, List<String>> memberView;

        private Builder(Model model, Unit unit, String hookName, ActionTask task) {
            this.model = model;
            this.unit = unit;
            this.hookName = hookName;
            this.task = task;
        }

        /**
         * The relation of a relation hook. {@code remoteUnit} is null/empty in -created, -broken and
         * application-level -changed; {@code remoteApp} null means the relation's other application.
         */
        public Builder relation(Relation rel, String remoteUnitName, String remoteAppName) {
            this.relation = rel;
            this.remoteUnit = remoteUnitName;
            this.remoteApp = remoteAppName;
            return this;
        }

        /** JUJU_DEPARTING_UNIT of a -departed hook. */
        public Builder departingUnit(String unitName) {
            this.departingUnit = unitName;
            return this;
        }

        /** The storage of a storage hook, e.g. {@code data/0} (must be attached to the unit). */
        public Builder storage(String id) {
            this.storageId = id;
            return this;
        }

        /** The secret of a secret hook; {@code revision} null for secret-changed. */
        public Builder secret(String uri, String label, Integer revision) {
            this.secretUri = uri;
            this.secretLabel = label;
            this.secretRevision = revision;
            return this;
        }

        /**
         * Relation members as the unit's agent tracks them (relation id to remote units whose -joined hook
         * has begun on this unit and whose -departed has not): what relation-list reports, as in Juju. Without
         * it (contexts made outside an agent), every remote unit in scope counts as a member.
         */
        public Builder memberView(Map<Integer, List<String>> view) {
            this.memberView = Map.copyOf(view);
            return this;
        }

        public HookContext build() {
            return new HookContext(this);
        }
    }

    /** JUJU_CONTEXT_ID, e.g. {@code etcd/0-install-3}. */
    public String id() {
        return id;
    }

    public Model model() {
        return model;
    }

    public Unit unit() {
        return unit;
    }

    /** The hook name, or empty for an action. */
    public Optional<String> hookName() {
        return Optional.ofNullable(hookName);
    }

    /** The action task, for an action context. */
    public Optional<ActionTask> action() {
        return Optional.ofNullable(task);
    }

    public Optional<Relation> relation() {
        return Optional.ofNullable(relation);
    }

    /** JUJU_REMOTE_UNIT (may be empty). */
    public String remoteUnit() {
        return remoteUnit;
    }

    /** JUJU_REMOTE_APP (empty outside relation hooks). */
    public String remoteApp() {
        return remoteApp;
    }

    /** JUJU_DEPARTING_UNIT (empty outside -departed). */
    public String departingUnit() {
        return departingUnit;
    }

    /** The storage of a storage hook. */
    public Optional<StorageAttachment> storage() {
        return storageId == null ? Optional.empty() : Optional.ofNullable(unit.storage().get(storageId));
    }

    /** Whether juju-reboot was called (and succeeded) in this context. */
    public synchronized boolean rebootRequested() {
        return rebootRequested;
    }

    /** Whether juju-reboot --now was called: the controller should kill the hook and re-run it after reboot. */
    public synchronized boolean rebootNow() {
        return rebootNow;
    }

    /** Counts one hook-tool call answered in this context. */
    synchronized void countToolCall(String tool) {
        toolCalls.merge(tool, 1, Integer::sum);
    }

    /** The hook-tool calls answered in this context so far, by tool name (sorted). */
    public synchronized Map<String, Integer> toolCalls() {
        return new TreeMap<>(toolCalls);
    }

    /**
     * How many hook-tool calls this context answered, and which, as the debug log shows them:
     * {@code 6 hook-tool calls (config-get 1, is-leader 1, relation-get 4)}.
     */
    public synchronized String toolCallSummary() {
        int total = toolCalls.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder out = new StringBuilder().append(total).append(total == 1 ? " hook-tool call" : " hook-tool calls");
        if (total > 0) {
            StringJoiner each = new StringJoiner(", ", " (", ")");
            toolCalls.forEach((tool, n) -> each.add(tool + " " + n));
            out.append(each);
        }
        return out.toString();
    }

    /**
     * The exact environment of the hook or action process (docs/juju-contract.md, section 3).
     *
     * @param charmDir   the charm directory as the unit sees it
     * @param toolsDir   the hook tools directory as the unit sees it (first on PATH)
     * @param socketPath the agent socket as the unit sees it
     */
    public Map<String, String> environment(String charmDir, String toolsDir, String socketPath) {
        Map<String, String> env = new TreeMap<>();
        env.put("CHARM_DIR", charmDir);
        env.put("JUJU_CHARM_DIR", charmDir);
        env.put("JUJU_CONTEXT_ID", id);
        env.put("JUJU_HOOK_NAME", hookName == null ? "" : hookName);
        env.put("JUJU_DISPATCH_PATH", task != null ? "actions/" + task.name() : "hooks/" + hookName);
        env.put("JUJU_AGENT_SOCKET_ADDRESS", socketPath);
        env.put("JUJU_AGENT_SOCKET_NETWORK", "unix");
        env.put("JUJU_UNIT_NAME", unit.name());
        env.put("JUJU_MODEL_UUID", model.uuid());
        env.put("JUJU_MODEL_NAME", model.name());
        env.put("JUJU_API_ADDRESSES", model.apiAddresses());
        env.put("JUJU_MACHINE_ID", unit.machineId());
        env.put("JUJU_PRINCIPAL_UNIT", "");
        env.put("JUJU_AVAILABILITY_ZONE", model.availabilityZone());
        env.put("JUJU_VERSION", model.jujuVersion());
        env.put("CLOUD_API_VERSION", "");
        for (String proxy : List.of("HTTP", "HTTPS", "FTP", "NO")) {
            env.put("JUJU_CHARM_" + proxy + "_PROXY", "");
        }
        env.put("PATH", toolsDir + ":" + STANDARD_PATH);
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "tmux-256color");
        env.put("DEBIAN_FRONTEND", "noninteractive");
        env.put("APT_LISTCHANGES_FRONTEND", "none");
        if (relation != null) {
            env.put("JUJU_RELATION", relation.endpointOf(unit.applicationName()).orElseThrow().name());
            env.put("JUJU_RELATION_ID", relation.idString(unit.applicationName()));
            env.put("JUJU_REMOTE_UNIT", remoteUnit);
            env.put("JUJU_REMOTE_APP", remoteApp);
            if (hookName != null && hookName.endsWith("-relation-departed")) {
                env.put("JUJU_DEPARTING_UNIT", departingUnit);
            }
        }
        if (task != null) {
            env.put("JUJU_ACTION_NAME", task.name());
            env.put("JUJU_ACTION_UUID", task.id());
            env.put("JUJU_ACTION_TAG", "action-" + task.id());
        }
        storage().ifPresent(s -> {
            env.put("JUJU_STORAGE_ID", s.id());
            env.put("JUJU_STORAGE_LOCATION", s.location());
            env.put("JUJU_STORAGE_KIND", s.kind());
        });
        if (secretUri != null) {
            env.put("JUJU_SECRET_ID", secretUri);
            env.put("JUJU_SECRET_LABEL", secretLabel == null ? "" : secretLabel);
            if (secretRevision != null && !"secret-changed".equals(hookName)) {
                env.put("JUJU_SECRET_REVISION", String.valueOf(secretRevision));
            }
        }
        return env;
    }

    /**
     * The hook exited 0: applies every buffered change atomically. Changes to application bags and
     * application-owned secrets need the unit to still be the leader; if it is not, nothing is applied
     * and a {@link ModelException} says so (the controller then treats the hook as failed).
     */
    public CommitResult commit() {
        Map<Integer, Map<String, String>> unitWrites;
        Map<Integer, Map<String, String>> appWrites;
        List<PortChange> ports;
        Map<String, String> stateChanges;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("context " + id + " already committed or discarded");
            }
            closed = true;
            unitWrites = new TreeMap<>(unitBagWrites);
            appWrites = new TreeMap<>(appBagWrites);
            ports = List.copyOf(portChanges);
            stateChanges = new LinkedHashMap<>(stateWrites);
        }
        return model.atomically(() -> {
            if (!appWrites.isEmpty() && !unit.isLeader()) {
                throw new ModelException("cannot commit hook changes: this unit is not the leader");
            }
            List<BagChange> bags = new ArrayList<>();
            if ("config-changed".equals(hookName)) {
                refreshAddresses(unitWrites);
            }
            unitWrites.forEach((rid, writes) -> model.relation(rid).ifPresent(r -> {
                if (r.unitBag(unit.name()).update(writes)) {
                    bags.add(new BagChange(rid, unit.name(), false));
                }
            }));
            appWrites.forEach((rid, writes) -> model.relation(rid).ifPresent(r -> {
                if (r.appBag(unit.applicationName()).update(writes)) {
                    bags.add(new BagChange(rid, unit.applicationName(), true));
                }
            }));
            Map<PortRange, Set<String>> portsBefore = unit.openedPorts();
            for (PortChange p : ports) {
                if (p.open()) {
                    unit.openPort(p.range(), p.endpoints());
                } else {
                    unit.closePort(p.range(), p.endpoints());
                }
            }
            Map<String, String> stateBefore = unit.state();
            unit.updateState(stateChanges);
            PendingSecrets.Applied applied = secrets.apply(model);
            return new CommitResult(bags, applied.newRevision(), applied.created(), applied.removed(),
                    !portsBefore.equals(unit.openedPorts()), !stateBefore.equals(unit.state()));
        });
    }

    /**
     * config-changed also refreshes the address keys Juju keeps in the unit's bag of every relation it is
     * in (UpdateNetworkInfo), unless the hook set them itself.
     */
    private void refreshAddresses(Map<Integer, Map<String, String>> unitWrites) {
        String address = unit.address();
        if (address == null) {
            return;
        }
        for (Relation r : visibleRelations()) {
            Map<String, String> writes = unitWrites.computeIfAbsent(r.id(), k -> new LinkedHashMap<>());
            writes.putIfAbsent("private-address", address);
            writes.putIfAbsent("ingress-address", address);
            writes.putIfAbsent("egress-subnets", address + "/32");
        }
    }

    /** The hook failed: drops every buffered change. */
    public synchronized void discard() {
        closed = true;
        unitBagWrites.clear();
        appBagWrites.clear();
        portChanges.clear();
        stateWrites.clear();
    }

    /** Whether commit or discard was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    // ---- used by the hook tools ----

    /** is-leader: true answers are re-checked each call; once false it stays false for this context. */
    synchronized boolean isLeader() {
        if (minion) {
            return false;
        }
        boolean leader = unit.isLeader();
        if (!leader) {
            minion = true;
        }
        return leader;
    }

    /**
     * Relations the unit's hook tools can see: those it is in scope of (it entered scope before its
     * -created hook), plus the hook's own relation (e.g. during -broken).
     */
    List<Relation> visibleRelations() {
        List<Relation> out = new ArrayList<>();
        for (Relation r : model.relationsOf(unit.applicationName())) {
            if (r.inScope(unit.name()) || scopeAtStart.contains(r.id()) || (relation != null && relation.id() == r.id())) {
                out.add(r);
            }
        }
        return out;
    }

    Optional<Relation> visibleRelation(int relationId) {
        return visibleRelations().stream().filter(r -> r.id() == relationId).findFirst();
    }

    /** Own unit bag of {@code r}: committed contents with this hook's writes on top. */
    synchronized Map<String, String> ownUnitBag(Relation r) {
        return overlay(r.unitBag(unit.name()), unitBagWrites.get(r.id()));
    }

    /** Own application bag of {@code r}: committed contents with this hook's writes on top. */
    synchronized Map<String, String> ownAppBag(Relation r) {
        return overlay(r.appBag(unit.applicationName()), appBagWrites.get(r.id()));
    }

    private static Map<String, String> overlay(DataBag bag, Map<String, String> writes) {
        Map<String, String> out = bag.snapshot();
        if (writes != null) {
            writes.forEach((k, v) -> {
                if (v.isEmpty()) {
                    out.remove(k);
                } else {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /** Thrown when a tool call arrives for a context that was already committed or discarded. */
    static final class ClosedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClosedException() {
            super(null, null, false, false);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedException();
        }
    }

    synchronized void setRelation(Relation r, boolean app, Map<String, String> changes) {
        checkOpen();
        (app ? appBagWrites : unitBagWrites).computeIfAbsent(r.id(), k -> new LinkedHashMap<>()).putAll(changes);
    }

    synchronized void changePort(boolean open, PortRange range, Set<String> endpoints) {
        checkOpen();
        portChanges.add(new PortChange(open, range, Set.copyOf(endpoints)));
    }

    /** Charm state with this hook's state-set/delete applied. */
    synchronized Map<String, String> state() {
        Map<String, String> out = unit.state();
        stateWrites.forEach((k, v) -> {
            if (v == null) {
                out.remove(k);
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Buffers a state change; a null value deletes. */
    synchronized void setState(String key, String value) {
        checkOpen();
        stateWrites.put(key, value);
    }

    synchronized PendingSecrets secrets() {
        checkOpen();
        return secrets;
    }

    synchronized void requestReboot(boolean now) {
        rebootRequested = true;
        rebootNow |= now;
    }

    /** relation-list: the remote units of {@code r} as this hook sees them. */
    List<String> members(Relation r) {
        boolean own = relation != null && relation.id() == r.id();
        if (own && hookName != null && hookName.endsWith("-relation-broken")) {
            return List.of();
        }
        String remote = r.remoteApplication(unit.applicationName());
        List<String> candidates = memberView != null ? memberView.getOrDefault(r.id(), List.of()) : r.unitsInScope(remote);
        return candidates.stream().filter(u -> !u.equals(unit.name()))
                .filter(u -> !(own && hookName != null && hookName.endsWith("-relation-departed")
                        && (u.equals(remoteUnit) || u.equals(departingUnit))))
                .toList();
    }

    /** {@code cluster:0} style id of {@code r} from this unit's side. */
    String relationIdString(Relation r) {
        return r.idString(unit.applicationName());
    }

    /** Whether {@code name} is a unit that is or was in {@code r} (its bag exists). */
    static boolean knownMember(Relation r, String name) {
        return UnitNames.isUnitName(name) && r.hasUnitBag(name);
    }
}
