package dev.charms.ops.testing;

import dev.charms.charmfiles.CharmFiles;
import dev.charms.ops.HookToolException;
import dev.charms.ops.HookTools;
import dev.charms.ops.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@link HookTools} backed by a {@link State}, enforcing Juju's rules the way the real tools do (same exit
 * codes and error texts, classified by {@link HookToolException#of}): only the leader writes application
 * bags or application status, non-leaders read their own application bag only in peer relations, unknown
 * relation ids fail, statuses are validated, application-owned secrets need the leader, action tools work
 * only in actions. Writes Juju buffers are kept in a working copy that {@link #result} commits only when
 * the hook succeeded; every call is recorded.
 */
final class InMemoryHookTools implements HookTools {
    private static final Pattern ACTION_KEY = Pattern.compile("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$");
    private static final Pattern SECRET_KEY = Pattern.compile("^([a-z](?:-?[a-z0-9]){2,})$");
    private static final Set<String> RESERVED_ACTION_KEYS = Set.of("stdout", "stdout-encoding", "stderr",
            "stderr-encoding");
    private static final List<String> STATUSES = List.of("maintenance", "blocked", "waiting", "active");
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARNING", "ERROR");

    /** A relation's local bags as the hook is changing them. */
    private static final class WorkRelation {
        final RelationState origin;
        final Map<String, String> appBag;
        final Map<String, String> unitBag;

        WorkRelation(RelationState origin) {
            this.origin = origin;
            this.appBag = new LinkedHashMap<>(origin.localAppData());
            this.unitBag = new LinkedHashMap<>(origin.localUnitData());
        }

        boolean peer() {
            return origin instanceof PeerRelation;
        }
    }

    private final CharmFiles files;
    private final State input;
    private final JujuEvent event;
    private final Map<String, Object> config = new LinkedHashMap<>();
    private final Map<String, Object> actionParams;
    private final Map<Integer, WorkRelation> relations = new TreeMap<>();
    private final Set<String> ports;
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    /** Secrets this hook created: Juju commits them when the hook ends, so the hook cannot read them back. */
    private final java.util.Set<String> createdThisHook = new java.util.HashSet<>();
    private Status unitStatus;
    private Status appStatus;
    private String workloadVersion;
    private final List<ToolCall> calls = new ArrayList<>();
    private final List<Output.LogLine> logs = new ArrayList<>();
    private final List<Output.StatusChange> statusHistory = new ArrayList<>();
    private final Map<String, Object> actionResults = new LinkedHashMap<>();
    private final List<String> actionLogs = new ArrayList<>();
    private String actionFailure;

    /** {@code actionParams} are the validated parameters with defaults, or null when running a hook. */
    InMemoryHookTools(CharmFiles files, State state, JujuEvent event, Map<String, Object> actionParams) {
        this.files = files;
        this.input = state;
        this.event = event;
        this.actionParams = actionParams;
        files.config().options().forEach((name, option) -> {
            Object value = state.config().containsKey(name) ? Consistency.configValue(option, state.config().get(name))
                    : option.defaultValue();
            if (value != null) {
                config.put(name, value);
            }
        });
        state.relations().forEach(r -> relations.put(r.id(), new WorkRelation(r)));
        ports = new TreeSet<>(state.openedPorts());
        state.secrets().forEach(s -> secrets.put(s.id(), s));
        unitStatus = state.unitStatus();
        appStatus = state.appStatus();
        workloadVersion = state.workloadVersion();
    }

    private void record(String tool, String... args) {
        calls.add(new ToolCall(tool, Arrays.asList(args)));
    }

    private static HookToolException fail(String tool, int code, String message) {
        return HookToolException.of(tool, code, message);
    }

    @Override
    public Map<String, Object> configGet() {
        record("config-get", "--format=json");
        return Copies.viaJson(config);
    }

    @Override
    public boolean isLeader() {
        record("is-leader", "--format=json");
        return input.leader();
    }

    @Override
    public List<String> relationIds(String endpoint) {
        record("relation-ids", "--format=json", endpoint);
        return relations.values().stream().filter(r -> r.origin.endpoint().equals(endpoint))
                .map(r -> endpoint + ":" + r.origin.id()).toList();
    }

    private WorkRelation relation(String tool, int id) {
        WorkRelation r = relations.get(id);
        if (r == null) {
            throw fail(tool, 2, "invalid value \"" + id + "\" for option -r: relation not found");
        }
        return r;
    }

    @Override
    public List<String> relationList(int relationId) {
        record("relation-list", "--format=json", "-r", Integer.toString(relationId));
        WorkRelation r = relation("relation-list", relationId);
        if (event instanceof JujuEvent.RelationHook h && h.relationId() == relationId) {
            if (h.kind().equals("broken")) {
                return List.of();
            }
            if (h.kind().equals("departed")) {
                return r.origin.remoteUnitsData().keySet().stream().filter(u -> !u.equals(h.departingUnit()))
                        .sorted().toList();
            }
        }
        return r.origin.remoteUnitsData().keySet().stream().sorted().toList();
    }

    @Override
    public String relationRemoteApp(int relationId) {
        record("relation-list", "--app", "--format=json", "-r", Integer.toString(relationId));
        WorkRelation r = relation("relation-list", relationId);
        return r.origin instanceof Relation other ? other.remoteApp() : input.appName();
    }

    @Override
    public Map<String, String> relationGet(int relationId, String unitOrApp, boolean app) {
        String id = Integer.toString(relationId);
        if (app) {
            record("relation-get", "--format=json", "-r", id, "--app", "-", unitOrApp);
        } else {
            record("relation-get", "--format=json", "-r", id, "-", unitOrApp);
        }
        WorkRelation r = relation("relation-get", relationId);
        if (app) {
            if (unitOrApp.contains("/")) {
                throw fail("relation-get", 2, "expected application name, got unit name \"" + unitOrApp + "\"");
            }
            if (unitOrApp.equals(input.appName())) {
                if (!input.leader() && !r.peer()) {
                    throw fail("relation-get", 1, "permission denied");
                }
                return new LinkedHashMap<>(r.appBag);
            }
            if (r.origin instanceof Relation other && other.remoteApp().equals(unitOrApp)) {
                return new LinkedHashMap<>(other.remoteAppData());
            }
            throw fail("relation-get", 1, "application \"" + unitOrApp + "\" is not in relation " + id);
        }
        if (!unitOrApp.contains("/")) {
            throw fail("relation-get", 2, "expected unit name, got application name \"" + unitOrApp + "\"");
        }
        if (unitOrApp.equals(input.unitName())) {
            return new LinkedHashMap<>(r.unitBag);
        }
        Map<String, String> bag = r.origin.remoteUnitsData().get(unitOrApp);
        if (bag == null && r.origin instanceof PeerRelation peer) {
            bag = peer.departedData().get(unitOrApp);
        }
        if (bag == null) {
            throw fail("relation-get", 1, "unknown unit " + unitOrApp);
        }
        return new LinkedHashMap<>(bag);
    }

    @Override
    public void relationSet(int relationId, Map<String, String> data, boolean app) {
        List<String> args = new ArrayList<>(List.of("-r", Integer.toString(relationId)));
        if (app) {
            args.add("--app");
        }
        data.forEach((k, v) -> args.add(k + "=" + v));
        calls.add(new ToolCall("relation-set", args));
        WorkRelation r = relation("relation-set", relationId);
        if (app && !input.leader()) {
            throw fail("relation-set", 1, "cannot write relation settings");
        }
        Map<String, String> bag = app ? r.appBag : r.unitBag;
        data.forEach((k, v) -> {
            if (v == null || v.isEmpty()) {
                bag.remove(k);
            } else {
                bag.put(k, v);
            }
        });
    }

    @Override
    public void statusSet(String status, String message, boolean application) {
        if (application) {
            record("status-set", "--application", status, message);
        } else {
            record("status-set", status, message);
        }
        if (!STATUSES.contains(status)) {
            throw fail("status-set", 2, "invalid status \"" + status + "\", expected one of ["
                    + String.join(" ", STATUSES) + "]");
        }
        if (application && !input.leader()) {
            throw fail("status-set", 1, "this unit is not the leader");
        }
        Status s = new Status(status, message);
        statusHistory.add(new Output.StatusChange(application, s));
        if (application) {
            appStatus = s;
        } else {
            unitStatus = s;
        }
    }

    @Override
    public void applicationVersionSet(String version) {
        record("application-version-set", version);
        workloadVersion = version;
    }

    @Override
    public void openPort(int port, String protocol) {
        ports.add(port("open-port", port, protocol));
    }

    @Override
    public void closePort(int port, String protocol) {
        ports.remove(port("close-port", port, protocol));
    }

    private String port(String tool, int port, String protocol) {
        String proto = protocol.toLowerCase(Locale.ROOT);
        record(tool, port + "/" + protocol);
        if (!proto.equals("tcp") && !proto.equals("udp")) {
            throw fail(tool, 2, "invalid protocol \"" + protocol + "\", expected \"tcp\", \"udp\", or \"icmp\"");
        }
        if (port < 1 || port > 65535) {
            throw fail(tool, 2, "port range bounds must be between 1 and 65535, got " + port + "-" + port);
        }
        return port + "/" + proto;
    }

    /** The ports as the hook started: Juju does not show ports opened earlier in the same hook. */
    @Override
    public List<String> openedPorts() {
        record("opened-ports", "--format=json");
        return List.copyOf(input.openedPorts());
    }

    @Override
    public Map<String, Object> networkGet(String binding) {
        record("network-get", "--format=json", binding);
        if (!files.metadata().hasBinding(binding)) {
            throw fail("network-get", 1, "no network config found for binding \"" + binding + "\"");
        }
        NetworkInfo info = input.networks().getOrDefault(binding, Context.DEFAULT_NETWORK);
        return Copies.viaJson(info.toJson());
    }

    @Override
    public void jujuLog(String level, String message) {
        record("juju-log", "--log-level", level, "--", message);
        String upper = level.toUpperCase(Locale.ROOT);
        logs.add(new Output.LogLine(LOG_LEVELS.contains(upper) ? upper : "INFO", message));
    }

    private void requireAction(String tool) {
        if (actionParams == null) {
            throw fail(tool, 1, "not running an action");
        }
    }

    @Override
    public Map<String, Object> actionGet() {
        record("action-get", "--format=json");
        requireAction("action-get");
        return Copies.viaJson(actionParams);
    }

    @Override
    public void actionSet(Map<String, String> flatResults) {
        if (flatResults.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>();
        flatResults.forEach((k, v) -> args.add(k + "=" + v));
        calls.add(new ToolCall("action-set", args));
        requireAction("action-set");
        for (String key : flatResults.keySet()) {
            String[] parts = key.split("\\.", -1);
            for (String part : parts) {
                if (!ACTION_KEY.matcher(part).matches()) {
                    throw fail("action-set", 2, "key \"" + part + "\" must start and end with lowercase alphanumeric,"
                            + " and contain only lowercase alphanumeric, hyphens and periods");
                }
            }
            if (RESERVED_ACTION_KEYS.contains(parts[0])) {
                throw fail("action-set", 2, "cannot set reserved action key \"" + parts[0] + "\"");
            }
        }
        flatResults.forEach((key, value) -> put(actionResults, key.split("\\."), value));
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> into, String[] path, String value) {
        Map<String, Object> m = into;
        for (int i = 0; i < path.length - 1; i++) {
            Object next = m.get(path[i]);
            if (!(next instanceof Map)) {
                next = new LinkedHashMap<String, Object>();
                m.put(path[i], next);
            }
            m = (Map<String, Object>) next;
        }
        m.put(path[path.length - 1], value);
    }

    @Override
    public void actionFail(String message) {
        record("action-fail", message);
        requireAction("action-fail");
        actionFailure = message == null || message.isEmpty()
                ? "action failed without reason given, check action for errors" : message;
    }

    @Override
    public void actionLog(String message) {
        record("action-log", message);
        requireAction("action-log");
        actionLogs.add(message);
    }

    private static String hidden(Map<String, String> content) {
        return "<secret content: " + String.join(", ", new TreeSet<>(content.keySet())) + ">";
    }

    private void requireSecrets(String tool) {
        if (Integer.parseInt(input.jujuVersion().split("\\.")[0]) < 3) {
            throw new HookToolException(tool, 127, "cannot run " + tool + ": not found on PATH or not executable");
        }
    }

    private static void checkContent(String tool, Map<String, String> content) {
        if (content.isEmpty()) {
            throw fail(tool, 2, "missing secret value or filename");
        }
        for (String key : content.keySet()) {
            if (!SECRET_KEY.matcher(key).matches()) {
                throw fail(tool, 2, "key \"" + key + "\" not valid");
            }
        }
    }

    @Override
    public String secretAdd(Map<String, String> content, String label, String description, String owner) {
        List<String> args = new ArrayList<>(List.of("--file", hidden(content)));
        if (label != null) {
            args.addAll(List.of("--label", label));
        }
        if (description != null) {
            args.addAll(List.of("--description", description));
        }
        if (owner != null) {
            args.addAll(List.of("--owner", owner));
        }
        calls.add(new ToolCall("secret-add", args));
        requireSecrets("secret-add");
        checkContent("secret-add", content);
        Secret.Owner o;
        if (owner == null || owner.equals("application")) {
            o = Secret.Owner.APPLICATION;
        } else if (owner.equals("unit")) {
            o = Secret.Owner.UNIT;
        } else {
            throw fail("secret-add", 2, "secret owner \"" + owner + "\" not valid");
        }
        if (o == Secret.Owner.APPLICATION && !input.leader()) {
            throw fail("secret-add", 1, "this unit is not the leader");
        }
        if (label != null && secrets.values().stream().anyMatch(s -> s.ownedHere() && label.equals(s.label()))) {
            throw fail("secret-add", 1, "secret with label \"" + label + "\" already exists");
        }
        Secret s = new Secret(Secret.newId(), o, label, description, List.of(content), 1);
        secrets.put(s.id(), s);
        createdThisHook.add(s.id());
        return s.id();
    }

    @Override
    public Map<String, String> secretGet(String uri, String label, boolean refresh) {
        List<String> args = new ArrayList<>(List.of("--format=json"));
        if (uri != null) {
            args.add(uri);
        }
        if (label != null) {
            args.addAll(List.of("--label", label));
        }
        if (refresh) {
            args.add("--refresh");
        }
        calls.add(new ToolCall("secret-get", args));
        requireSecrets("secret-get");
        if (uri == null && label == null) {
            throw fail("secret-get", 2, "require either a secret URI or label");
        }
        Secret s = uri != null ? secrets.get(uri)
                : secrets.values().stream().filter(x -> label.equals(x.label())).findFirst().orElse(null);
        if (s == null || createdThisHook.contains(s.id())) {
            throw fail("secret-get", 1, "secret \"" + (uri != null ? uri : label) + "\" not found");
        }
        Map<String, String> content;
        if (s.ownedHere()) {
            content = s.latestContent();
        } else {
            int revision = s.trackedRevision() == 0 || refresh ? s.latestRevision() : s.trackedRevision();
            s = s.withTrackedRevision(revision);
            content = s.revisions().get(revision - 1);
        }
        if (uri != null && label != null) {
            s = s.withLabel(label);
        }
        secrets.put(s.id(), s);
        return new LinkedHashMap<>(content);
    }

    @Override
    public void secretSet(String uri, Map<String, String> content) {
        record("secret-set", uri, "--file", hidden(content));
        requireSecrets("secret-set");
        checkContent("secret-set", content);
        Secret s = secrets.get(uri);
        if (s == null) {
            throw fail("secret-set", 1, "secret \"" + uri + "\" not found");
        }
        if (!s.ownedHere()) {
            throw fail("secret-set", 1, "permission denied");
        }
        if (s.owner() == Secret.Owner.APPLICATION && !input.leader()) {
            throw fail("secret-set", 1, "this unit is not the leader");
        }
        Secret updated = s.withNewRevision(content);
        secrets.put(uri, updated.withTrackedRevision(updated.latestRevision()));
    }

    @Override
    public void secretRemove(String uri) {
        record("secret-remove", uri);
        requireSecrets("secret-remove");
        Secret s = secrets.get(uri);
        if (s == null) {
            throw fail("secret-remove", 1, "secret \"" + uri + "\" not found");
        }
        if (!s.ownedHere()) {
            throw fail("secret-remove", 1, "permission denied");
        }
        if (s.owner() == Secret.Owner.APPLICATION && !input.leader()) {
            throw fail("secret-remove", 1, "this unit is not the leader");
        }
        secrets.remove(uri);
    }

    @Override
    public List<String> secretIds() {
        record("secret-ids", "--format=json");
        requireSecrets("secret-ids");
        return secrets.values().stream()
                .filter(s -> s.owner() == Secret.Owner.UNIT || (s.owner() == Secret.Owner.APPLICATION && input.leader()))
                .map(Secret::id).toList();
    }

    /**
     * Juju's shape: {@code units} of this application and, per relation endpoint, its remote units (and
     * for a regular relation the remote application), each {@code {"status", "since"}}. Fails as a Juju
     * without the tool does when the state gives no goal state.
     */
    @Override
    public Map<String, Object> goalState() {
        record("goal-state", "--format=json");
        if (input.goalState() == null) {
            throw fail("goal-state", 1, "goal-state: command not found");
        }
        String since = "2026-01-01T00:00:00Z";
        Map<String, Object> units = new TreeMap<>();
        input.goalState().forEach((unit, status) -> units.put(unit, Map.of("status", status, "since", since)));
        Map<String, Object> byEndpoint = new TreeMap<>();
        for (WorkRelation r : relations.values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> entries = (Map<String, Object>) byEndpoint.computeIfAbsent(r.origin.endpoint(), e -> new TreeMap<>());
            if (r.peer()) {
                input.goalState().forEach((unit, status) -> {
                    if (!unit.equals(input.unitName())) {
                        entries.put(unit, Map.of("status", status, "since", since));
                    }
                });
            } else {
                entries.put(r.origin instanceof Relation other ? other.remoteApp() : input.appName(), Map.of("status", "joined", "since", since));
                r.origin.remoteUnitsData().keySet().forEach(u -> entries.put(u, Map.of("status", "active", "since", since)));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("units", units);
        out.put("relations", byEndpoint);
        return Copies.viaJson(out);
    }

    @Override
    public String resourceGet(String name) {
        record("resource-get", name);
        if (!files.metadata().resources().containsKey(name) || !input.resources().containsKey(name)) {
            throw fail("resource-get", 1, "could not download resource: HTTP request failed: resource#"
                    + input.appName() + "/" + name + " not found");
        }
        return input.resources().get(name).toString();
    }

    /**
     * The state after the hook: Juju's buffered changes only when it succeeded, immediate ones always;
     * the stored state is whatever the charm saved (a failed hook's framework saves at most its status).
     */
    State result(boolean succeeded, Map<String, Object> storedAfter) {
        State.Builder b = input.toBuilder().unitStatus(unitStatus).appStatus(appStatus)
                .workloadVersion(workloadVersion).storedState(storedAfter);
        if (succeeded) {
            List<RelationState> committed = new ArrayList<>();
            for (RelationState r : input.relations()) {
                WorkRelation w = relations.get(r.id());
                committed.add(r.withLocalData(w.appBag, w.unitBag));
            }
            b.relations(committed).openedPorts(ports).secrets(new ArrayList<>(secrets.values()));
        }
        return b.build();
    }

    List<ToolCall> calls() {
        return calls;
    }

    List<Output.LogLine> logs() {
        return logs;
    }

    List<Output.StatusChange> statusHistory() {
        return statusHistory;
    }

    Map<String, Object> actionResults() {
        return actionResults;
    }

    List<String> actionLogs() {
        return actionLogs;
    }

    String actionFailure() {
        return actionFailure;
    }
}
