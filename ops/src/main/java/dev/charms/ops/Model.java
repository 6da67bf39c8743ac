package dev.charms.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The charm's view of Juju during one hook: this unit and application, configuration, leadership,
 * relations, network bindings, secrets, resources, ports and workload version. Every read goes through
 * {@link HookTools} once and is cached for the rest of the hook.
 */
public final class Model {
    private final JujuContext context;
    private final HookTools tools;
    private final CharmSpec spec;
    private final Map<String, List<Relation>> relations = new HashMap<>();
    private final Map<String, Network> networks = new HashMap<>();
    private Config config;
    private Boolean leader;

    public Model(JujuContext context, HookTools tools, CharmSpec spec) {
        this.context = context;
        this.tools = tools;
        this.spec = spec;
    }

    public JujuContext context() {
        return context;
    }

    public HookTools tools() {
        return tools;
    }

    public String unitName() {
        return context.unitName();
    }

    public String appName() {
        return context.appName();
    }

    public Config config() {
        if (config == null) {
            config = new Config(tools.configGet());
        }
        return config;
    }

    /** Leadership as {@code is-leader} says, asked once per hook (Juju guarantees it for 30 s). */
    public boolean isLeader() {
        if (leader == null) {
            leader = tools.isLeader();
        }
        return leader;
    }

    /** All relations on an endpoint. */
    public List<Relation> relations(String endpoint) {
        if (!spec.endpoints().contains(endpoint)) {
            throw new IllegalArgumentException("unknown endpoint '" + endpoint + "'");
        }
        return relations.computeIfAbsent(endpoint, ep -> {
            List<Relation> list = new ArrayList<>();
            for (String rid : tools.relationIds(ep)) {
                int id = Integer.parseInt(rid.substring(rid.lastIndexOf(':') + 1));
                list.add(new Relation(tools, ep, id, context.unitName(), spec.peers().contains(ep)));
            }
            return List.copyOf(list);
        });
    }

    /** The single relation of an endpoint (a peer relation), if it exists yet. */
    public Optional<Relation> relation(String endpoint) {
        List<Relation> list = relations(endpoint);
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    /** A relation by id, when the hook names one. */
    public Optional<Relation> relation(String endpoint, int id) {
        return relations(endpoint).stream().filter(r -> r.id() == id).findFirst();
    }

    public Network network(String binding) {
        return networks.computeIfAbsent(binding, b -> Network.parse(tools.networkGet(b)));
    }

    /** Path of an attached resource, or empty when none is attached. */
    public Optional<Path> resource(String name) {
        try {
            String path = tools.resourceGet(name);
            if (path.isEmpty()) {
                return Optional.empty();
            }
            Path p = Path.of(path);
            return Files.isRegularFile(p) && sizeOf(p) > 0 ? Optional.of(p) : Optional.empty();
        } catch (HookToolException e) {
            return Optional.empty();
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** Juju secrets exist from Juju 3.0 on; older agents keep secret material in peer data instead. */
    public boolean hasSecrets() {
        return context.jujuMajorVersion() >= 3;
    }

    public void setWorkloadVersion(String version) {
        tools.applicationVersionSet(version);
    }

    public void log(String level, String message) {
        tools.jujuLog(level, message);
    }
}
