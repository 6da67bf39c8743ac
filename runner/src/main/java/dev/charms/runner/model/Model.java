package dev.charms.runner.model;

import dev.charms.charmfiles.ActionsSpec;
import dev.charms.charmfiles.Endpoint;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Everything a Juju controller keeps for one model: model config, applications and their units,
 * relations, secrets and action tasks, plus the id sequences. Thread-safe: every object of a model
 * guards its state with the model's lock, and {@link #atomically} runs several changes as one.
 */
public final class Model {
    private static final Pattern APP_NAME = Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*");
    private static final String XID_CHARS = "0123456789abcdefghijklmnopqrstuv";

    private final Object lock = new Object();
    private final SecureRandom random = new SecureRandom();
    private final String name;
    private final String uuid;
    private Duration updateStatusInterval = Duration.ofMinutes(5);
    private boolean automaticallyRetryHooks = true;
    private String jujuVersion = "3.6.4";
    private boolean hostJavaHidden;
    private String apiAddresses = "127.0.0.1:17070";
    private String availabilityZone = "";
    private final Map<String, Application> applications = new TreeMap<>();
    private final Map<Integer, Relation> relations = new TreeMap<>();
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private final Map<String, ActionTask> tasks = new LinkedHashMap<>();
    private int nextRelationId;
    private long nextOperationId = 1;
    private long nextContextId;

    public Model(String name) {
        this(name, UUID.randomUUID().toString());
    }

    public Model(String name, String uuid) {
        this.name = name;
        this.uuid = uuid;
    }

    public String name() {
        return name;
    }

    public String uuid() {
        return uuid;
    }

    /** Runs {@code change} holding the model lock: no other thread sees a half-applied change. */
    public <T> T atomically(Supplier<T> change) {
        synchronized (lock) {
            return change.get();
        }
    }

    /** Model config {@code update-status-hook-interval} (default 5 minutes). */
    public Duration updateStatusInterval() {
        synchronized (lock) {
            return updateStatusInterval;
        }
    }

    public void setUpdateStatusInterval(Duration interval) {
        synchronized (lock) {
            this.updateStatusInterval = interval;
        }
    }

    /** Model config {@code automatically-retry-hooks} (default true). */
    public boolean automaticallyRetryHooks() {
        synchronized (lock) {
            return automaticallyRetryHooks;
        }
    }

    public void setAutomaticallyRetryHooks(boolean retry) {
        synchronized (lock) {
            this.automaticallyRetryHooks = retry;
        }
    }

    /** JUJU_VERSION given to hooks (default {@code 3.6.4}; may be set to a 2.9.x version). */
    public String jujuVersion() {
        synchronized (lock) {
            return jujuVersion;
        }
    }

    public void setJujuVersion(String version) {
        synchronized (lock) {
            this.jujuVersion = version;
        }
    }

    /**
     * Runner-only model config {@code host-java}: {@code hidden} gives machines made from then on no view of
     * the host's Java (default {@code visible}).
     */
    public boolean hostJavaHidden() {
        synchronized (lock) {
            return hostJavaHidden;
        }
    }

    public void setHostJavaHidden(boolean hidden) {
        synchronized (lock) {
            this.hostJavaHidden = hidden;
        }
    }

    /** JUJU_API_ADDRESSES (space-separated host:port). */
    public String apiAddresses() {
        synchronized (lock) {
            return apiAddresses;
        }
    }

    public void setApiAddresses(String addresses) {
        synchronized (lock) {
            this.apiAddresses = addresses;
        }
    }

    /** JUJU_AVAILABILITY_ZONE (default empty). */
    public String availabilityZone() {
        synchronized (lock) {
            return availabilityZone;
        }
    }

    public void setAvailabilityZone(String zone) {
        synchronized (lock) {
            this.availabilityZone = zone;
        }
    }

    /**
     * {@code juju deploy}: adds an application running {@code charm} with no units, and one peer
     * relation per peer endpoint.
     */
    public Application deploy(String appName, Charm charm) {
        synchronized (lock) {
            if (!APP_NAME.matcher(appName).matches()) {
                throw new ModelException("invalid application name \"" + appName + "\"");
            }
            if (applications.containsKey(appName)) {
                throw new ModelException("application \"" + appName + "\" already exists");
            }
            Application app = new Application(lock, this, appName, charm);
            applications.put(appName, app);
            charm.meta().endpoints().values().stream().filter(e -> e.role() == Endpoint.Role.PEER)
                    .forEach(e -> addRelation(List.of(new RelationEndpoint(appName, e))));
            return app;
        }
    }

    public Optional<Application> application(String appName) {
        synchronized (lock) {
            return Optional.ofNullable(applications.get(appName));
        }
    }

    /** The application or {@code application "x" not found}. */
    public Application requireApplication(String appName) {
        return application(appName).orElseThrow(() -> new ModelException("application \"" + appName + "\" not found"));
    }

    public List<Application> applications() {
        synchronized (lock) {
            return List.copyOf(applications.values());
        }
    }

    /** Removes an application with its units, relations and secrets it owns. */
    public void removeApplication(String appName) {
        synchronized (lock) {
            Application app = requireApplication(appName);
            app.units().forEach(u -> removeUnit(u.name()));
            relations.values().removeIf(r -> r.involves(appName));
            secrets.values().removeIf(s -> s.ownerApplication().equals(appName));
            applications.remove(appName);
        }
    }

    /** {@code juju add-unit}: a new unit with the next index (indexes are never reused). */
    public Unit addUnit(String appName) {
        synchronized (lock) {
            return requireApplication(appName).addUnit();
        }
    }

    /** Finds a unit by name ({@code etcd/0}). */
    public Optional<Unit> unit(String unitName) {
        synchronized (lock) {
            Application app = applications.get(UnitNames.application(unitName));
            return app == null ? Optional.empty() : app.unit(unitName);
        }
    }

    /** The unit or {@code unit "x" not found}. */
    public Unit requireUnit(String unitName) {
        return unit(unitName).orElseThrow(() -> new ModelException("unit \"" + unitName + "\" not found"));
    }

    /** Removes a unit: it leaves every relation's scope (its bags stay), loses leadership and unit-owned secrets. */
    public void removeUnit(String unitName) {
        synchronized (lock) {
            Unit unit = requireUnit(unitName);
            relations.values().forEach(r -> r.leaveScope(unitName));
            secrets.values().removeIf(s -> s.ownerUnit().map(unitName::equals).orElse(false));
            unit.application().removeUnit(unitName);
        }
    }

    /**
     * {@code juju integrate a b}: each side is {@code app} or {@code app:endpoint}. Picks the one
     * provider/requirer pair with the same interface; errors like Juju when none or several match or when
     * the relation exists.
     */
    public Relation integrate(String sideA, String sideB) {
        synchronized (lock) {
            List<RelationEndpoint[]> candidates = new ArrayList<>();
            for (RelationEndpoint a : endpointsOf(sideA)) {
                for (RelationEndpoint b : endpointsOf(sideB)) {
                    boolean roles = (a.spec().role() == Endpoint.Role.PROVIDER && b.spec().role() == Endpoint.Role.REQUIRER)
                            || (a.spec().role() == Endpoint.Role.REQUIRER && b.spec().role() == Endpoint.Role.PROVIDER);
                    if (roles && a.spec().interfaceName().equals(b.spec().interfaceName())
                            && !a.application().equals(b.application())) {
                        candidates.add(new RelationEndpoint[] {a, b});
                    }
                }
            }
            if (candidates.isEmpty()) {
                throw new ModelException("no relations found");
            }
            if (candidates.size() > 1) {
                List<String> options = candidates.stream().map(c -> "\"" + c[0] + " " + c[1] + "\"").toList();
                throw new ModelException("ambiguous relation: \"" + sideA + " " + sideB + "\" could refer to "
                        + String.join("; ", options));
            }
            RelationEndpoint[] pair = candidates.get(0);
            for (Relation r : relations.values()) {
                if (r.endpoints().contains(pair[0]) && r.endpoints().contains(pair[1])) {
                    throw new ModelException("relation " + pair[0] + " " + pair[1] + " already exists");
                }
            }
            return addRelation(List.of(pair[0], pair[1]));
        }
    }

    private List<RelationEndpoint> endpointsOf(String side) {
        int colon = side.indexOf(':');
        String appName = colon < 0 ? side : side.substring(0, colon);
        Application app = requireApplication(appName);
        List<RelationEndpoint> out = new ArrayList<>();
        for (Endpoint spec : app.meta().endpoints().values()) {
            if (colon < 0 || spec.name().equals(side.substring(colon + 1))) {
                out.add(new RelationEndpoint(appName, spec));
            }
        }
        if (colon >= 0 && out.isEmpty()) {
            throw new ModelException("application \"" + appName + "\" has no \"" + side.substring(colon + 1)
                    + "\" relation");
        }
        return out;
    }

    private Relation addRelation(List<RelationEndpoint> endpoints) {
        Relation r = new Relation(lock, nextRelationId++, endpoints);
        relations.put(r.id(), r);
        return r;
    }

    public Optional<Relation> relation(int id) {
        synchronized (lock) {
            return Optional.ofNullable(relations.get(id));
        }
    }

    /** All relations, by id. */
    public List<Relation> relations() {
        synchronized (lock) {
            return List.copyOf(relations.values());
        }
    }

    /** Relations {@code appName} takes part in, by id. */
    public List<Relation> relationsOf(String appName) {
        synchronized (lock) {
            return relations.values().stream().filter(r -> r.involves(appName)).toList();
        }
    }

    /** Forgets a relation (after its departed/broken hooks ran). */
    public void removeRelation(int id) {
        synchronized (lock) {
            relations.remove(id);
            secrets.values().forEach(s -> s.revoke(id, null));
        }
    }

    /** A fresh secret id: 20 characters of xid's alphabet ({@code 0-9a-v}). */
    public String newSecretId() {
        synchronized (lock) {
            String id;
            do {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    sb.append(XID_CHARS.charAt(random.nextInt(XID_CHARS.length())));
                }
                id = sb.toString();
            } while (secrets.containsKey(id));
            return id;
        }
    }

    /**
     * Creates an empty secret with {@code id} (from {@link #newSecretId}) owned by {@code ownerApplication}
     * or, if {@code ownerUnit} is not null, by that unit.
     */
    public Secret createSecret(String id, String ownerApplication, String ownerUnit) {
        synchronized (lock) {
            if (secrets.containsKey(id)) {
                throw new ModelException("secret \"" + id + "\" already exists");
            }
            Secret s = new Secret(lock, id, ownerApplication, ownerUnit);
            secrets.put(id, s);
            return s;
        }
    }

    /** Finds a secret by {@code secret:<id>}, {@code secret://<model>/<id>} or bare id. */
    public Optional<Secret> secret(String uriOrId) {
        String id = uriOrId.substring(uriOrId.lastIndexOf(uriOrId.startsWith("secret://") ? '/' : ':') + 1);
        synchronized (lock) {
            return Optional.ofNullable(secrets.get(id));
        }
    }

    public List<Secret> secrets() {
        synchronized (lock) {
            return List.copyOf(secrets.values());
        }
    }

    public void removeSecret(String uriOrId) {
        secret(uriOrId).ifPresent(s -> {
            synchronized (lock) {
                secrets.remove(s.id());
            }
        });
    }

    /**
     * {@code juju run <unit> <action> k=v}: validates params (inserting defaults) and creates a pending task.
     * The operation and the task take consecutive ids from one sequence ({@code operation 1}, {@code task 2}).
     */
    public ActionTask enqueueAction(String unitName, String action, Map<String, Object> params) {
        synchronized (lock) {
            Unit unit = requireUnit(unitName);
            ActionsSpec spec = unit.application().actionsSpec();
            if (spec.action(action).isEmpty()) {
                throw new ModelException("action \"" + action + "\" not defined on unit \"" + unitName + "\"");
            }
            Map<String, Object> validated = ModelException.checked(() -> spec.validate(action, params));
            String operationId = String.valueOf(nextOperationId++);
            String taskId = String.valueOf(nextOperationId++);
            ActionTask task = new ActionTask(lock, taskId, operationId, unitName, action, validated);
            tasks.put(taskId, task);
            return task;
        }
    }

    public Optional<ActionTask> task(String id) {
        synchronized (lock) {
            return Optional.ofNullable(tasks.get(id));
        }
    }

    /** Every task, oldest first. */
    public List<ActionTask> tasks() {
        synchronized (lock) {
            return List.copyOf(tasks.values());
        }
    }

    /** A fresh JUJU_CONTEXT_ID, e.g. {@code etcd/0-config-changed-7}. */
    public String nextContextId(String unitName, String hookOrAction) {
        synchronized (lock) {
            return unitName + "-" + hookOrAction + "-" + (++nextContextId);
        }
    }
}
