package dev.charms.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The charm's view of Juju during one hook: this unit and application, configuration, leadership,
 * relations, network bindings, secrets, resources, ports and workload version. Every read goes through
 * {@link HookTools} once and is cached for the rest of the hook.
 *
 * <p>Three inputs change only with a hook that Juju runs before any {@code update-status} or relation
 * {@code -joined}/{@code -changed}/{@code -departed} hook (docs/juju-contract.md, section 2): the
 * configuration and the unit's addresses (a change to either queues {@code config-changed}), and the
 * relations of an endpoint ({@code -created} runs first of all; a relation leaves with {@code -broken}).
 * So the model records what {@code config-get}, {@code network-get} and {@code relation-ids} answered in
 * every other hook (only what that hook asked for), in stored state (saved only when the hook succeeds),
 * and those quieter hooks read the record instead of asking again. A hook in which this unit leaves a
 * relation (its own {@code -departed}, and {@code -broken}) records no relation ids for that endpoint, so
 * the next hook asks Juju again.
 */
public final class Model {
    /** The stored-state key of the recorded inputs: {@code config}, {@code networks}, {@code relation-ids}. */
    static final String INPUTS_KEY = "framework.hook-inputs";
    private static final String CONFIG = "config";
    private static final String NETWORKS = "networks";
    private static final String RELATION_IDS = "relation-ids";

    private final JujuContext context;
    private final HookTools tools;
    private final CharmSpec spec;
    private final Map<String, List<Relation>> relations = new HashMap<>();
    private final Map<String, Network> networks = new HashMap<>();
    private Config config;
    private Boolean leader;
    private Optional<Map<String, String>> goalUnits;
    /** Where the inputs are recorded; null when the model has no stored state (nothing recorded, nothing reused). */
    private StoredState stored;
    /** Whether this hook reads the recorded inputs (see the class comment). */
    private boolean reuseInputs;
    /** The endpoint of a relation this unit leaves in this hook: its ids are not recorded. */
    private String leaving;
    /** What this hook asked Juju for, by part: the configuration, or answers by binding or endpoint. */
    private final Map<String, Map<String, Object>> askedNow = new LinkedHashMap<>();

    public Model(JujuContext context, HookTools tools, CharmSpec spec) {
        this.context = context;
        this.tools = tools;
        this.spec = spec;
    }

    /**
     * Records the inputs in {@code stored}, and for {@code event} reads them back when it is a hook Juju
     * runs only after any change to them was delivered (see the class comment).
     */
    void recordInputs(StoredState stored, Event event) {
        this.stored = stored;
        boolean ownDeparture = event instanceof Event.RelationDeparted d && unitName().equals(d.departingUnit());
        if (ownDeparture || event instanceof Event.RelationBroken) {
            leaving = ((Event.RelationEvent) event).relation().endpoint();
        }
        reuseInputs = !ownDeparture && (event instanceof Event.UpdateStatus || event instanceof Event.RelationJoined
                || event instanceof Event.RelationChanged || event instanceof Event.RelationDeparted);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> recorded(String part) {
        if (stored != null && stored.get(INPUTS_KEY) instanceof Map<?, ?> inputs
                && inputs.get(part) instanceof Map<?, ?> values) {
            return (Map<String, Object>) values;
        }
        return Map.of();
    }

    /** A recorded input this hook may read instead of asking Juju; null when it must ask. */
    private Object reused(String part, String key) {
        return reuseInputs ? recorded(part).get(key) : null;
    }

    /**
     * At the end of a successful hook: a hook that asked Juju (not a quiet one) leaves in the record only
     * what it asked for, so an input a later quiet hook reads was asked for after any change to it (and a
     * relation this unit left is gone from it); a quiet hook adds what it had to ask for to the record.
     */
    void keepInputsAskedNow() {
        if (stored == null) {
            return;
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (String part : List.of(CONFIG, NETWORKS, RELATION_IDS)) {
            Map<String, Object> values = new LinkedHashMap<>(reuseInputs ? recorded(part) : Map.of());
            values.putAll(askedNow.getOrDefault(part, Map.of()));
            if (!values.isEmpty()) {
                inputs.put(part, values);
            }
        }
        stored.put(INPUTS_KEY, inputs.isEmpty() ? null : inputs);
    }

    private void asked(String part, String key, Object value) {
        askedNow.computeIfAbsent(part, p -> new LinkedHashMap<>()).put(key, value);
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

    @SuppressWarnings("unchecked")
    public Config config() {
        if (config == null) {
            if (reuseInputs && stored != null && stored.get(INPUTS_KEY) instanceof Map<?, ?> inputs
                    && inputs.get(CONFIG) instanceof Map<?, ?> kept) {
                config = new Config((Map<String, Object>) kept);
            } else {
                Map<String, Object> values = tools.configGet();
                config = new Config(values);
                askedNow.put(CONFIG, new LinkedHashMap<>(values));
            }
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
            for (String rid : relationIds(ep)) {
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

    @SuppressWarnings("unchecked")
    private List<String> relationIds(String endpoint) {
        if (reused(RELATION_IDS, endpoint) instanceof List<?> kept) {
            return (List<String>) kept;
        }
        List<String> ids = tools.relationIds(endpoint);
        if (!endpoint.equals(leaving)) {
            asked(RELATION_IDS, endpoint, List.copyOf(ids));
        }
        return ids;
    }

    @SuppressWarnings("unchecked")
    public Network network(String binding) {
        return networks.computeIfAbsent(binding, b -> {
            if (reused(NETWORKS, b) instanceof Map<?, ?> kept) {
                return Network.parse((Map<String, Object>) kept);
            }
            Map<String, Object> answer = tools.networkGet(b);
            asked(NETWORKS, b, answer);
            return Network.parse(answer);
        });
    }

    /**
     * The units of this application Juju means to have, with the status {@code goal-state} gives each
     * ({@code dying} for one being removed), asked once per hook; empty when {@code goal-state} is not
     * available or its answer holds no units (docs/juju-contract.md, section 4: not every Juju offers it).
     */
    public Optional<Map<String, String>> goalStateUnits() {
        if (goalUnits == null) {
            goalUnits = Optional.empty();
            try {
                if (tools.goalState().get("units") instanceof Map<?, ?> units && !units.isEmpty()) {
                    Map<String, String> out = new java.util.TreeMap<>();
                    units.forEach((unit, value) -> out.put(String.valueOf(unit),
                            value instanceof Map<?, ?> m && m.get("status") != null ? String.valueOf(m.get("status")) : ""));
                    goalUnits = Optional.of(Map.copyOf(out));
                }
            } catch (HookToolException e) {
                log("DEBUG", "goal-state is not available: " + e.getMessage());
            }
        }
        return goalUnits;
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
