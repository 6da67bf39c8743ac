package dev.charms.runner.controller;

import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.Application;
import dev.charms.runner.model.Charm;
import dev.charms.runner.model.EndpointSpec;
import dev.charms.runner.model.Model;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.Relation;
import dev.charms.runner.model.RelationEndpoint;
import dev.charms.runner.model.Status;
import dev.charms.runner.model.StorageAttachment;
import dev.charms.runner.model.StorageSpec;
import dev.charms.runner.model.Unit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local runner's controller for one model: deploys charms onto one machine per unit, schedules hooks
 * per unit in Juju's order (contract section 2), runs them through the unit's machine, commits or discards
 * their changes, and fans committed changes out as events to the other units. Used in-process by
 * integration tests and by the CLI's daemon.
 */
public final class Controller implements AutoCloseable {
    private final ControllerState state;
    private final ModelPaths paths;
    private final Model model;
    private final DebugLog log;
    private final MachineProvider machines;
    private final HookExecution execution;
    private final ExecutorService pumps;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "update-status");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, UnitAgent> agents;
    private final Leadership leadership;
    private final Relations relations;
    private final FanOut fanOut;
    private final Map<String, Integer> storageSequence = new HashMap<>();
    private final CharmStore charms;
    private final Provisioner provisioner;
    private final ModelSettings settings;
    private final Actions actions;
    private final StatusReport statusReport;
    private final UnitMachines unitMachines;

    private Controller(ModelPaths paths, MachineProvider machines) throws IOException {
        this.state = new ControllerState(paths, machines);
        this.paths = paths;
        this.model = state.model();
        this.log = state.log();
        this.machines = machines;
        this.execution = state.execution();
        this.pumps = state.pumps();
        this.agents = state.agents();
        this.charms = new CharmStore(state);
        this.provisioner = new Provisioner(state);
        this.settings = new ModelSettings(state);
        this.actions = new Actions(state);
        this.statusReport = new StatusReport(state, charms);
        this.unitMachines = new UnitMachines(state);
        this.leadership = new Leadership(state);
        this.relations = new Relations(state);
        this.fanOut = new FanOut(state);
        ticker.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** A controller for the model at {@code paths} whose units get machines from {@code machines}. */
    public static Controller start(ModelPaths paths, MachineProvider machines) throws IOException {
        return new Controller(paths, machines);
    }

    /** A controller whose units run in namespace machines (needs root). */
    public static Controller start(ModelPaths paths) throws IOException {
        return start(paths, NamespaceMachines.forModel(paths));
    }

    /** Removes everything of a model (machines, namespaces, mounts, bridge, files), even after a crash. */
    public static void cleanup(ModelPaths paths) {
        NamespaceMachines.forModel(paths).cleanup();
        FileTrees.deleteRecursively(paths.dir());
    }

    public Model model() {
        return model;
    }

    public ModelPaths paths() {
        return paths;
    }

    public Path debugLogFile() {
        return log.file();
    }

    // ---------------------------------------------------------------- deploy, units

    /**
     * {@code juju deploy}: validates the charm, config and resources first (nothing changes on error), then
     * adds the application and {@code n} units. Returns the application name.
     */
    public String deploy(Path charmPath, String appName, int n, Map<String, String> config, Map<String, Path> resources)
        throws IOException {
        requireAlive();
        if (n < 0) {
            throw new IllegalArgumentException("number of units must not be negative");
        }
        CharmStore.StagedCharm staged = charms.stage(charmPath, charm -> {
            charm.config().parse(config);
            for (Map.Entry<String, Path> r : resources.entrySet()) {
                checkResource(charm, r.getKey(), r.getValue());
            }
        });
        Path staging = staged.dir();
        String name = appName == null || appName.isBlank() ? staged.charm().meta().name() : appName;
        synchronized (state) {
            if (model.application(name).isPresent()) {
                FileTrees.deleteRecursively(staging);
                throw new ModelException("application \"" + name + "\" already exists");
            }
            Path dir = charms.keepFirst(staging, name);
            Application app = model.deploy(name, Charm.load(dir));
            app.setConfig(config);
            for (Map.Entry<String, Path> r : resources.entrySet()) {
                app.attachResource(r.getKey(), r.getValue().toAbsolutePath());
            }
            log.log("controller", "INFO", "juju.controller", "deployed " + name + " from " + charmPath);
        }
        addUnit(name, n);
        return name;
    }

    /**
     * {@code juju refresh APP --path CHARM}: a new revision of the application's charm. Every live unit gets
     * it at its next {@code upgrade-charm} hook (the runner swaps the unit's charm dir first, as Juju's
     * deployer does: files of the old revision are replaced, files the charm made there stay), followed by
     * {@code config-changed} and {@code start} (contract section 2). The charm must be the same charm
     * (its metadata name) and keep every endpoint the application has relations on; nothing changes
     * otherwise. Config values of options the new revision no longer has are dropped. Returns the revision.
     */
    public int refresh(String appName, Path charmPath) throws IOException {
        requireAlive();
        CharmStore.StagedCharm staged = charms.stage(charmPath, charm -> { });
        Path staging = staged.dir();
        Charm charm = staged.charm();
        synchronized (state) {
            try {
                Application app = model.requireApplication(appName);
                if (!charm.meta().name().equals(app.meta().name())) {
                    throw new ModelException("cannot refresh \"" + appName + "\" (charm \"" + app.meta().name()
                        + "\") to a different charm (\"" + charm.meta().name() + "\")");
                }
                for (Relation r : model.relationsOf(appName)) {
                    RelationEndpoint ep = r.endpointOf(appName).orElseThrow();
                    Optional<EndpointSpec> kept = charm.meta().endpoint(ep.spec().name());
                    if (kept.isEmpty() || !kept.get().interfaceName().equals(ep.spec().interfaceName())) {
                        throw new ModelException("cannot refresh \"" + appName + "\": the new charm has no endpoint \""
                            + ep.spec().name() + "\" (interface " + ep.spec().interfaceName() + ") that relation "
                            + r.id() + " uses");
                    }
                }
            } catch (RuntimeException e) {
                FileTrees.deleteRecursively(staging);
                throw e;
            }
            Application app = model.requireApplication(appName);
            int revision = charms.nextRevision(appName);
            app.setCharm(Charm.load(charms.keep(staging, appName, revision)));
            for (UnitAgent a : liveAgents(appName)) {
                a.enqueue(Hook.unit("upgrade-charm"));
                a.enqueue(Hook.unit("config-changed"));
                a.enqueue(Hook.unit("start"));
            }
            log.log("controller", "INFO", "juju.controller", "refreshed " + appName + " to revision " + revision
                + " from " + charmPath);
            return revision;
        }
    }

    private static void checkResource(Charm charm, String name, Path file) {
        if (!charm.meta().resources().containsKey(name)) {
            throw new ModelException("resource \"" + name + "\" not found in charm metadata");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelException("resource file not found: " + file);
        }
    }

    /** {@code juju add-unit}: adds {@code n} units (named like Juju, numbers never reused); returns their names. */
    public List<String> addUnit(String appName, int n) throws IOException {
        requireAlive();
        Application app = model.requireApplication(appName);
        List<String> added = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            added.add(addOneUnit(app));
        }
        return added;
    }

    private String addOneUnit(Application app) throws IOException {
        Unit unit;
        synchronized (state) {
            unit = model.addUnit(app.name());
        }
        UnitHost host;
        try {
            host = provisioner.provision(app, unit);
        } catch (IOException | RuntimeException e) {
            synchronized (state) {
                model.removeUnit(unit.name());
            }
            throw e;
        }
        UnitAgent agent = new UnitAgent(unit, host, new AgentCallbacks());
        synchronized (state) {
            agents.put(unit.name(), agent);
            charms.unitDeployed(unit.name(), app.name());
            leadership.claimIfVacant(app, unit);
            List<Hook> initial = new ArrayList<>();
            for (StorageSpec s : app.meta().storage().values()) {
                for (int i = 0; i < s.minCount(); i++) {
                    int seq = storageSequence.merge(s.name(), 1, Integer::sum) - 1;
                    String id = s.name() + "/" + seq;
                    unit.attachStorage(new StorageAttachment(id, s.type(), s.location()));
                    initial.add(Hook.storage(s.name(), "attached", id));
                }
            }
            initial.add(Hook.unit("install"));
            List<Relation> unitRelations = model.relationsOf(app.name());
            for (Relation r : unitRelations) {
                initial.add(relations.enterScope(r, unit));
            }
            initial.add(Hook.unit(unit.isLeader() ? "leader-elected" : "leader-settings-changed"));
            initial.add(Hook.unit("config-changed"));
            initial.add(Hook.unit("start"));
            initial.forEach(agent::enqueue);
            for (Relation r : unitRelations) {
                relations.announce(r, agent);
            }
            agent.start();
        }
        log.log(unit.name(), "INFO", "juju.worker.uniter", "unit " + unit.name() + " started on machine "
            + unit.machineId() + " (" + unit.address() + ")");
        return unit.name();
    }

    /**
     * {@code juju remove-unit}: each unit runs departed for its peers, departed+broken for other relations,
     * storage-detaching, stop and remove, then its machine goes away; the others see it depart; a leader stays leader
     * until it is removed, then the lowest live unit is elected.
     */
    public void removeUnit(String... unitNames) {
        requireAlive();
        synchronized (state) {
            for (String name : unitNames) {
                Unit u = model.requireUnit(name);
                if (u.isDying()) {
                    throw new ModelException("unit \"" + name + "\" is already being removed");
                }
            }
            for (String name : unitNames) {
                removeOne(model.requireUnit(name));
            }
        }
    }

    /**
     * {@code juju remove-unit --force --no-wait}, as when a unit's machine is gone: the unit is removed at
     * once and runs none of its own hooks (its services stop with its machine); the other units see it
     * depart, and a new leader is elected if it led.
     */
    public void forceRemoveUnit(String... unitNames) {
        requireAlive();
        List<UnitAgent> gone = new ArrayList<>();
        synchronized (state) {
            for (String name : unitNames) {
                model.requireUnit(name);
            }
            for (String name : unitNames) {
                Unit unit = model.requireUnit(name);
                unit.setDying(true);
                relations.leaveScopes(unit);
                if (unit.isLeader()) {
                    leadership.electLeader(unit.application());
                }
                UnitAgent agent = agents.get(name);
                if (agent != null) {
                    gone.add(agent);
                }
            }
        }
        gone.forEach(this::unitRemoved);
    }

    private void removeOne(Unit unit) {
        UnitAgent agent = agents.get(unit.name());
        unit.setDying(true);
        List<RelationView> views = relations.leaveScopes(unit);
        List<Hook> tail = new ArrayList<>();
        unit.storage().values().forEach(s -> tail.add(Hook.storage(s.name(), "detaching", s.id())));
        tail.add(Hook.unit("stop"));
        tail.add(Hook.unit("remove"));
        agent.startDying(views, tail);
    }

    /**
     * {@code elect UNIT}: the application's leadership moves to {@code unitName}, as when the leader's lease
     * lapses and another unit claims it (contract section 5: the leader may change at any hook boundary, and
     * nobody can choose it -- this is the runner's way to make it happen in tests). The current leader
     * finishes the hook or action it is running and starts nothing more until the move is done, so no
     * hook of it loses leadership after {@code is-leader} said true.
     */
    public void elect(String unitName) throws InterruptedException {
        leadership.elect(unitName);
    }

    // ---------------------------------------------------------------- config, relations, resources

    /** {@code juju config app k=v ...}: validates all, sets all, config-changed on every unit if anything changed. */
    public void config(String appName, Map<String, String> values) {
        settings.config(appName, values);
    }

    /** The effective config of {@code appName} (set values over defaults). */
    public Map<String, Object> config(String appName) {
        return settings.config(appName);
    }

    /** {@code juju integrate a[:ep] b[:ep]}: every unit of both sides gets created, then joined+changed per remote. */
    public int integrate(String sideA, String sideB) {
        return relations.integrate(sideA, sideB);
    }

    /** {@code juju remove-relation}: departed for every remote unit, then broken, on every member. */
    public void removeRelation(String sideA, String sideB) {
        relations.removeRelation(sideA, sideB);
    }

    /**
     * {@code juju attach-resource}: stores the file, copies it into every unit's
     * {@code resources/<name>/<filename>}, then upgrade-charm, config-changed and start run on every unit.
     */
    public void attachResource(String appName, String name, Path file) throws IOException {
        requireAlive();
        synchronized (state) {
            Application app = model.requireApplication(appName);
            checkResource(app.charm(), name, file);
            app.attachResource(name, file.toAbsolutePath());
            for (UnitAgent a : liveAgents(appName)) {
                Provisioner.copyResource(a.host().machine(), app, name, file);
                a.enqueue(Hook.unit("upgrade-charm"));
                a.enqueue(Hook.unit("config-changed"));
                a.enqueue(Hook.unit("start"));
            }
        }
    }

    // ---------------------------------------------------------------- actions

    /**
     * {@code juju run <unit|app/leader> <action> k=v}: validates params against actions.yaml (nothing runs on
     * error) and queues the task on the unit; see {@link #awaitTask}.
     */
    public ActionTask runAction(String target, String action, Map<String, Object> params) {
        return actions.runAction(target, action, params);
    }

    /** Waits until task {@code id} finished; throws TimeoutException (task keeps running) when it did not. */
    public ActionTask awaitTask(String id, Duration timeout) throws TimeoutException, InterruptedException {
        return actions.awaitTask(id, timeout);
    }

    public ActionTask task(String id) {
        return actions.task(id);
    }

    // ---------------------------------------------------------------- status, waiting

    /** A snapshot of applications, units (with queued hooks) and relations. */
    public StatusSnapshot status() {
        return statusReport.status();
    }

    /**
     * Waits until every unit is active (workload) and idle (agent), with nothing queued or running.
     *
     * @throws WaitTimeoutException listing what is not settled when {@code timeout} passes
     */
    public void waitIdle(Duration timeout) throws InterruptedException {
        statusReport.waitIdle(timeout);
    }

    // ---------------------------------------------------------------- machines

    /** {@code juju exec --unit u -- cmd}: runs {@code /bin/sh -c command} as root in the unit's machine. */
    public ExecResult exec(String unitName, String command, Duration timeout) throws IOException,
        InterruptedException {
        return unitMachines.exec(unitName, command, timeout);
    }

    /** The host path of a file a unit sees at {@code pathInMachine} (for scp). */
    public Path hostPath(String unitName, String pathInMachine) {
        return unitMachines.hostPath(unitName, pathInMachine);
    }

    /** Partitions a unit's machine from the network. */
    public void cut(String unitName) throws IOException {
        unitHost(unitName).machine().cutNetwork();
    }

    public void heal(String unitName) throws IOException {
        unitHost(unitName).machine().healNetwork();
    }

    /** SIGKILLs {@code service}'s main process in the unit. */
    public void crash(String unitName, String service) {
        unitHost(unitName).machine().systemd().crash(service);
    }

    /** The unit's agent, or {@code unit "x" not found}. */
    UnitAgent agent(String unitName) {
        return state.agent(unitName);
    }

    /** The unit's machine host, or {@code unit "x" not found}. */
    UnitHost unitHost(String unitName) {
        return state.unitHost(unitName);
    }

    // ---------------------------------------------------------------- model config

    /**
     * Model config: update-status-hook-interval, automatically-retry-hooks, retry-hook-base/max-delay,
     * juju-version, and the runner's own hook-jitter (not a Juju setting: a random wait of up to that long
     * before each hook, which shuffles how the units' hooks interleave, as machines of different speed
     * and Juju's polling do; contract section 6 guarantees no order across units).
     */
    public Map<String, String> modelConfig() {
        return settings.modelConfig();
    }

    /** Sets model config keys (all validated before any is applied). */
    public void setModelConfig(Map<String, String> values) {
        settings.setModelConfig(values);
    }

    // ---------------------------------------------------------------- teardown

    /** Stops every agent, kills every unit process, removes machines, namespaces, bridge and the model's files. */
    public void destroy() {
        close();
        FileTrees.deleteRecursively(paths.dir());
    }

    /** Stops agents and removes machines (keeps the model dir with its debug log). */
    @Override
    public void close() {
        List<UnitAgent> all;
        synchronized (state) {
            if (!state.markDestroyed()) {
                return;
            }
            all = new ArrayList<>(agents.values());
            agents.clear();
        }
        ticker.shutdownNow();
        try {
            for (UnitAgent a : all) {
                a.stop().forEach(actions::taskEnded);
                try {
                    a.host().close();
                } catch (RuntimeException e) {
                    log.log(a.name(), "ERROR", "juju.controller", "cleanup failed: " + e.getMessage());
                }
            }
            actions.releaseWaiters();
            pumps.shutdownNow();
            machines.cleanup();
        } finally {
            log.close();
        }
    }

    private void requireAlive() {
        state.requireAlive();
    }

    private List<UnitAgent> agentsSnapshot() {
        return state.agentsSnapshot();
    }

    private List<UnitAgent> liveAgents(String appName) {
        return state.liveAgents(appName);
    }

    private void tick() {
        Duration interval = model.updateStatusInterval();
        for (UnitAgent a : agentsSnapshot()) {
            a.tick(interval);
        }
    }

    // ---------------------------------------------------------------- after a hook

    private void unitRemoved(UnitAgent agent) {
        synchronized (state) {
            Application app = agent.unit().application();
            boolean led = agent.unit().isLeader();
            agents.remove(agent.name());
            model.removeUnit(agent.name());
            relations.unitRemoved(agent.name());
            if (led) {
                leadership.electLeader(app);
            }
        }
        agent.stop().forEach(actions::taskEnded);
        agent.host().close();
        log.log(agent.name(), "INFO", "juju.worker.uniter", "unit " + agent.name() + " removed");
    }

    /** The agents' view of the controller: runs hooks and actions and applies their consequences. */
    private final class AgentCallbacks implements UnitAgent.Executor {
        @Override
        public boolean runHook(UnitAgent agent, Hook hook) throws InterruptedException {
            Unit unit = agent.unit();
            if (hook.name().equals("upgrade-charm")) {
                try {
                    charms.upgradeUnit(agent);
                } catch (IOException | RuntimeException e) {
                    log.log(unit.name(), "ERROR", "juju.worker.uniter", "cannot upgrade the charm: " + e.getMessage());
                    unit.setAgentStatus(new Status("error", "upgrade failed", Map.of(), Instant.now()));
                    return false;
                }
            }
            Duration jitter = settings.hookJitter();
            if (!jitter.isZero()) {
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1));
            }
            unit.setAgentStatus(Status.of("executing", "running " + hook.name() + " hook"));
            if (hook.name().equals("install")) {
                unit.setWorkloadStatus(Status.of("maintenance", "installing charm software"));
            }
            HookExecution.Outcome outcome;
            try {
                outcome = execution.runHook(agent, hook);
            } catch (RuntimeException e) {
                log.log(unit.name(), "ERROR", "juju.worker.uniter", "hook \"" + hook.name() + "\" failed: " + e);
                outcome = HookExecution.Outcome.FAILED;
            }
            if (unit.isLeader()) {
                leadership.checkLeaderSettings(unit);
            }
            if (!outcome.ok()) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("hook", hook.name());
                if (hook.relationId() >= 0) {
                    data.put("relation-id", hook.relationId());
                }
                if (hook.remoteUnit() != null) {
                    data.put("remote-unit", hook.remoteUnit());
                }
                unit.setAgentStatus(new Status("error", "hook failed: \"" + hook.name() + "\"", data, Instant.now()));
                return false;
            }
            switch (hook.name()) {
                case "install" -> unit.setInstalled(true);
                case "start" -> {
                    unit.setStarted(true);
                    if (unit.workloadStatus().message().equals("installing charm software")) {
                        unit.setWorkloadStatus(Status.of("unknown", ""));
                    }
                    agent.scheduleUpdateStatus(model.updateStatusInterval());
                }
                default -> {
                    if (hook.kind() == Hook.Kind.RELATION_BROKEN) {
                        relations.brokenDone(hook.relationId(), unit.name());
                    }
                }
            }
            unit.setAgentStatus(Status.of("idle", ""));
            fanOut.fanOut(agent, outcome.effects());
            return true;
        }

        @Override
        public void runAction(UnitAgent agent, ActionTask task) throws InterruptedException {
            Unit unit = agent.unit();
            Status before = unit.agentStatus();
            unit.setAgentStatus(Status.of("executing", "running action " + task.name()));
            try {
                HookExecution.Outcome outcome = execution.runAction(agent, task);
                if (outcome.ok()) {
                    fanOut.fanOut(agent, outcome.effects());
                }
                if (unit.isLeader()) {
                    leadership.checkLeaderSettings(unit);
                }
            } catch (RuntimeException e) {
                log.log(unit.name(), "ERROR", "juju.worker.uniter", "action " + task.name() + " failed: " + e);
                task.end(ActionTask.State.FAILED, "cannot run action: " + e.getMessage());
            } finally {
                unit.setAgentStatus(before.status().equals("error") ? before : Status.of("idle", ""));
                actions.taskEnded(task);
            }
        }

        @Override
        public void removed(UnitAgent agent) {
            unitRemoved(agent);
        }

        @Override
        public Backoff backoff() {
            return settings.backoff();
        }

        @Override
        public boolean automaticallyRetry() {
            return model.automaticallyRetryHooks();
        }
    }
}
