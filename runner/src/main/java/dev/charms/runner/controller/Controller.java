package dev.charms.runner.controller;

import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.Model;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local runner's controller for one model: deploys charms onto one machine per unit, schedules hooks
 * per unit in Juju's order (the Juju contract (docs/juju-contract.md), section 2), runs them through the
 * unit's machine, commits or discards their changes, and fans committed changes out as events to the
 * other units. Used in-process by integration tests and by the CLI's daemon.
 *
 * <p>This class is the facade callers use; each operation is done by one part of the controller
 * ({@link Deployments}, {@link UnitRemoval}, {@link Leadership}, {@link Relations}, {@link Actions},
 * {@link ModelSettings}, {@link StatusReport}, {@link UnitMachines}, {@link Faults}), which share the
 * model and the unit agents through a {@link ControllerState}. The controller owns the model's lifecycle:
 * the update-status ticker and the teardown.
 */
public final class Controller implements AutoCloseable {
    private final ControllerState state;
    private final ModelSettings settings;
    private final Actions actions;
    private final Leadership leadership;
    private final Relations relations;
    private final Deployments deployments;
    private final UnitRemoval removal;
    private final StatusReport statusReport;
    private final UnitMachines unitMachines;
    private final Faults faults;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "update-status");
        t.setDaemon(true);
        return t;
    });

    private Controller(ModelPaths paths, MachineProvider machines) throws IOException {
        this.state = new ControllerState(paths, machines);
        this.settings = new ModelSettings(state);
        this.actions = new Actions(state);
        this.leadership = new Leadership(state);
        this.relations = new Relations(state);
        this.removal = new UnitRemoval(state, relations, leadership, actions);
        CharmStore charms = new CharmStore(state);
        UnitOperations operations = new UnitOperations(state, charms, settings, leadership, relations, actions,
            new FanOut(state), removal);
        this.deployments = new Deployments(state, charms, new Provisioner(state), relations, leadership, operations);
        this.statusReport = new StatusReport(state, charms);
        this.unitMachines = new UnitMachines(state);
        this.faults = new Faults(state, relations, leadership, removal);
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
        return state.model();
    }

    public ModelPaths paths() {
        return state.paths();
    }

    public Path debugLogFile() {
        return state.log().file();
    }

    // ---------------------------------------------------------------- deploy, units

    /** {@code juju deploy}: see {@link Deployments#deploy}. Returns the application name. */
    public String deploy(Path charmPath, String appName, int n, Map<String, String> config, Map<String, Path> resources)
        throws IOException {
        return deployments.deploy(charmPath, appName, n, config, resources);
    }

    /** {@code juju deploy ... --storage name=directive}: see {@link Deployments#deploy}. Returns the application name. */
    public String deploy(Path charmPath, String appName, int n, Map<String, String> config, Map<String, Path> resources,
                         Map<String, String> storage) throws IOException {
        return deployments.deploy(charmPath, appName, n, config, resources, storage);
    }

    /** {@code juju refresh APP --path CHARM}: see {@link Deployments#refresh}. Returns the revision. */
    public int refresh(String appName, Path charmPath) throws IOException {
        return deployments.refresh(appName, charmPath);
    }

    /** {@code juju add-unit}: adds {@code n} units (named like Juju, numbers never reused); returns their names. */
    public List<String> addUnit(String appName, int n) throws IOException {
        return deployments.addUnit(appName, n);
    }

    /** {@code juju add-unit --storage name=directive}: the directives hold for these units. */
    public List<String> addUnit(String appName, int n, Map<String, String> storage) throws IOException {
        return deployments.addUnit(appName, n, storage);
    }

    /** {@code juju remove-unit}: see {@link UnitRemoval#removeUnit}. */
    public void removeUnit(String... unitNames) {
        removal.removeUnit(unitNames);
    }

    /** {@code juju remove-unit --force --no-wait}: see {@link Faults#forceRemoveUnit}. */
    public void forceRemoveUnit(String... unitNames) {
        faults.forceRemoveUnit(unitNames);
    }

    /** {@code elect UNIT}: leadership moves to the unit; see {@link Leadership#elect}. */
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

    /** {@code juju integrate a[:ep] b[:ep]}: see {@link Relations#integrate}. Returns the relation id. */
    public int integrate(String sideA, String sideB) {
        return relations.integrate(sideA, sideB);
    }

    /** {@code juju remove-relation}: departed for every remote unit, then broken, on every member. */
    public void removeRelation(String sideA, String sideB) {
        relations.removeRelation(sideA, sideB);
    }

    /** {@code juju attach-resource}: see {@link Deployments#attachResource}. */
    public void attachResource(String appName, String name, Path file) throws IOException {
        deployments.attachResource(appName, name, file);
    }

    // ---------------------------------------------------------------- actions

    /** {@code juju run <unit|app/leader> <action> k=v}: see {@link Actions#runAction} and {@link #awaitTask}. */
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
        faults.cut(unitName);
    }

    public void heal(String unitName) throws IOException {
        faults.heal(unitName);
    }

    /** SIGKILLs {@code service}'s main process in the unit. */
    public void crash(String unitName, String service) {
        faults.crash(unitName, service);
    }

    /**
     * Reboots machines at once, as a power loss would: see {@link Faults#reboot}. {@code targets} are units
     * or applications; {@code all} adds every unit. Returns the units rebooted, once they booted.
     */
    public List<String> reboot(List<String> targets, boolean all, Duration down) throws InterruptedException {
        return faults.reboot(targets, all, down);
    }

    /** The unit's agent, or {@code unit "x" not found}. */
    UnitAgent agent(String unitName) {
        return state.agent(unitName);
    }

    // ---------------------------------------------------------------- model config

    /** Model config: see {@link ModelSettings#modelConfig}. */
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
        FileTrees.deleteRecursively(state.paths().dir());
    }

    /** Stops agents and removes machines (keeps the model dir with its debug log). */
    @Override
    public void close() {
        List<UnitAgent> all;
        synchronized (state) {
            if (!state.markDestroyed()) {
                return;
            }
            all = new ArrayList<>(state.agents().values());
            state.agents().clear();
        }
        ticker.shutdownNow();
        try {
            for (UnitAgent a : all) {
                a.stop().forEach(actions::taskEnded);
                try {
                    a.host().close();
                } catch (RuntimeException e) {
                    state.log().log(a.name(), "ERROR", "juju.controller", "cleanup failed: " + e.getMessage());
                }
            }
            actions.releaseWaiters();
            state.pumps().shutdownNow();
            state.machines().cleanup();
        } finally {
            state.log().close();
        }
    }

    /** Drives every agent's update-status timer. */
    private void tick() {
        Duration interval = state.model().updateStatusInterval();
        for (UnitAgent a : state.agentsSnapshot()) {
            a.tick(interval);
        }
    }
}
