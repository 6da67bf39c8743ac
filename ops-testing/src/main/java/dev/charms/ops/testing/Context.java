package dev.charms.ops.testing;

import dev.charms.charmfiles.ActionsSpec;
import dev.charms.charmfiles.CharmFileException;
import dev.charms.charmfiles.CharmFiles;
import dev.charms.charmfiles.Endpoint;
import dev.charms.charmfiles.Storage;
import dev.charms.ops.CharmSpec;
import dev.charms.ops.Framework;
import dev.charms.ops.StoredState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a charm against the testing harness: <em>State in, event, State out</em>, no processes. Each run
 * checks that Juju could produce the state and event, builds the exact hook environment of
 * docs/juju-contract.md, section 3, gives the charm in-memory hook tools backed by the state, runs
 * {@link Framework#run} and returns an {@link Output}.
 *
 * <pre>{@code
 * Context ctx = Context.fromCharmDir(EtcdCharm.SPEC, EtcdCharm::new);   // reads ./metadata.yaml etc.
 * Output out = ctx.run(JujuEvent.configChanged(), State.builder().leader(true).config("port", 2379).build());
 * }</pre>
 */
public final class Context {
    /** The network every binding has unless the state says otherwise (TEST-NET-1). */
    public static final NetworkInfo DEFAULT_NETWORK = NetworkInfo.of("192.0.2.10");

    private final CharmSpec spec;
    private final Function<Framework, ?> charm;
    private final CharmFiles files;
    private final AtomicInteger contextIds = new AtomicInteger();
    private final AtomicInteger taskIds = new AtomicInteger(1);

    /**
     * Fails at once if {@code spec} disagrees with the charm's YAML files, or if an action's parameter
     * schema uses a keyword that no check evaluates (a rule a test would silently pass).
     */
    public Context(CharmSpec spec, Function<Framework, ?> charm, CharmFiles files) {
        checkSpec(spec, files);
        for (ActionsSpec.Action action : files.actions().actions().values()) {
            if (!action.unevaluatedKeywords().isEmpty()) {
                throw new IllegalArgumentException("actions.yaml: action '" + action.name() + "' uses JSON-schema"
                        + " keywords that are not checked: " + String.join(", ", action.unevaluatedKeywords()));
            }
        }
        this.spec = spec;
        this.charm = charm;
        this.files = files;
    }

    /**
     * Fails unless the {@link CharmSpec} declared in code says exactly what the YAML files say, so the
     * fast path of a hook (which never parses YAML) cannot drift from the charm's metadata.
     */
    private static void checkSpec(CharmSpec spec, CharmFiles files) {
        Set<String> peers = new TreeSet<>();
        files.metadata().endpoints().values().stream().filter(e -> e.role() == Endpoint.Role.PEER)
                .forEach(e -> peers.add(e.name()));
        compare(files, "peer endpoints", peers, spec.peers());
        compare(files, "endpoints", files.metadata().endpoints().keySet(), spec.endpoints());
        compare(files, "storages", files.metadata().storage().keySet(), spec.storages());
        compare(files, "actions", files.actions().actions().keySet(), spec.actions());
    }

    private static void compare(CharmFiles files, String what, Set<String> inFiles, Set<String> inCode) {
        if (!new TreeSet<>(inFiles).equals(new TreeSet<>(inCode))) {
            throw new IllegalArgumentException("CharmSpec " + what + " " + new TreeSet<>(inCode) + " differ from the"
                    + " charm's YAML files in " + files.dir() + ": " + new TreeSet<>(inFiles));
        }
    }

    /** A context for the charm whose metadata.yaml, config.yaml and actions.yaml are in {@code dir}. */
    public static Context fromCharmDir(CharmSpec spec, Function<Framework, ?> charm, Path dir) {
        return new Context(spec, charm, CharmFiles.load(dir));
    }

    /** A context for the charm in the working directory (the repository root under Maven). */
    public static Context fromCharmDir(CharmSpec spec, Function<Framework, ?> charm) {
        return fromCharmDir(spec, charm, Path.of("").toAbsolutePath());
    }

    /** The charm's files this context checks states and events against. */
    public CharmFiles files() {
        return files;
    }

    /**
     * Runs one event. Throws {@link InconsistentStateException} (and runs nothing) when Juju could not
     * produce this state and event, or would refuse the action's parameters.
     */
    public Output run(JujuEvent event, State state) {
        State in = state.unitName() == null ? state.toBuilder().unitName(files.metadata().name() + "/0").build() : state;
        Consistency.check(files, in, event);
        Map<String, Object> params = null;
        String taskId = null;
        if (event instanceof JujuEvent.ActionCall a) {
            try {
                params = Copies.viaJson(files.actions().validate(a.name(), a.params()));
            } catch (CharmFileException e) {
                throw new InconsistentStateException("action '" + a.name() + "': " + e.getMessage());
            }
            taskId = Integer.toString(taskIds.incrementAndGet());
        }
        Map<String, String> env = environment(in, event, taskId);
        InMemoryHookTools tools = new InMemoryHookTools(files, in, event, params);
        // Stored state as on a unit: each load reads what was last saved (the unit's state file).
        java.util.concurrent.atomic.AtomicReference<Map<String, Object>> saved =
                new java.util.concurrent.atomic.AtomicReference<>(Copies.viaJson(in.storedState()));
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int code;
        try (PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            code = Framework.run(spec, charm, env, tools, () -> StoredState.inMemory(Copies.viaJson(saved.get()), saved::set), err);
        }
        State out = tools.result(code == 0, saved.get());
        return new Output(out, code, errBytes.toString(StandardCharsets.UTF_8), tools.logs(), tools.actionResults(),
                tools.actionFailure(), tools.actionLogs(), tools.statusHistory(), tools.calls(), env);
    }

    /** The variables Juju exports for this hook or action (docs/juju-contract.md, section 3). */
    private Map<String, String> environment(State s, JujuEvent event, String taskId) {
        String unit = s.unitName();
        String charmDir = files.dir().toAbsolutePath().toString();
        String agentDir = "/var/lib/juju/agents/unit-" + unit.replace('/', '-');
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CHARM_DIR", charmDir);
        env.put("JUJU_CHARM_DIR", charmDir);
        env.put("JUJU_CONTEXT_ID", unit + "-" + (taskId != null ? "action-" + taskId : event.hookName()) + "-"
                + contextIds.incrementAndGet());
        env.put("JUJU_HOOK_NAME", event.hookName());
        env.put("JUJU_DISPATCH_PATH", event.dispatchPath());
        env.put("JUJU_AGENT_SOCKET_ADDRESS", agentDir + "/agent.socket");
        env.put("JUJU_AGENT_SOCKET_NETWORK", "unix");
        env.put("JUJU_UNIT_NAME", unit);
        env.put("JUJU_MODEL_UUID", s.modelUuid());
        env.put("JUJU_MODEL_NAME", s.modelName());
        env.put("JUJU_API_ADDRESSES", "10.0.0.1:17070");
        env.put("JUJU_MACHINE_ID", "0");
        env.put("JUJU_PRINCIPAL_UNIT", "");
        env.put("JUJU_AVAILABILITY_ZONE", "");
        env.put("JUJU_VERSION", s.jujuVersion());
        env.put("CLOUD_API_VERSION", "");
        env.put("JUJU_CHARM_HTTP_PROXY", "");
        env.put("JUJU_CHARM_HTTPS_PROXY", "");
        env.put("JUJU_CHARM_FTP_PROXY", "");
        env.put("JUJU_CHARM_NO_PROXY", "");
        env.put("PATH", "/var/lib/juju/tools/unit-" + unit.replace('/', '-')
                + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "tmux-256color");
        env.put("DEBIAN_FRONTEND", "noninteractive");
        env.put("APT_LISTCHANGES_FRONTEND", "none");
        if (event instanceof JujuEvent.RelationHook h) {
            RelationState r = s.relation(h.relationId()).orElseThrow();
            env.put("JUJU_RELATION", h.endpoint());
            env.put("JUJU_RELATION_ID", h.endpoint() + ":" + h.relationId());
            env.put("JUJU_REMOTE_UNIT", h.remoteUnit() == null ? "" : h.remoteUnit());
            env.put("JUJU_REMOTE_APP", r instanceof Relation other ? other.remoteApp() : s.appName());
            if (h.kind().equals("departed")) {
                env.put("JUJU_DEPARTING_UNIT", h.departingUnit());
            }
        } else if (event instanceof JujuEvent.StorageHook h) {
            Storage st = files.metadata().storage().get(h.storage());
            String location = h.location() != null ? h.location() : !st.location().isEmpty() ? st.location()
                    : "/var/lib/juju/storage/" + h.storage() + "/" + h.index();
            env.put("JUJU_STORAGE_ID", h.storage() + "/" + h.index());
            env.put("JUJU_STORAGE_LOCATION", location);
            env.put("JUJU_STORAGE_KIND", st.type());
        } else if (event instanceof JujuEvent.SecretHook h) {
            env.put("JUJU_SECRET_ID", h.secretId());
            env.put("JUJU_SECRET_LABEL", h.label() == null ? "" : h.label());
            if (h.revision() != null) {
                env.put("JUJU_SECRET_REVISION", Integer.toString(h.revision()));
            }
        } else if (event instanceof JujuEvent.ActionCall a) {
            env.put("JUJU_ACTION_NAME", a.name());
            env.put("JUJU_ACTION_UUID", taskId);
            env.put("JUJU_ACTION_TAG", "action-" + taskId);
        }
        return env;
    }
}
