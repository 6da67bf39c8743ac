package dev.charms.runner.controller;

import dev.charms.runner.model.Application;
import dev.charms.runner.model.Charm;
import dev.charms.charmfiles.Endpoint;
import dev.charms.runner.model.Model;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.Relation;
import dev.charms.runner.model.RelationEndpoint;
import dev.charms.runner.model.StorageAttachment;
import dev.charms.runner.model.StorageDirective;
import dev.charms.charmfiles.Storage;
import dev.charms.runner.model.Unit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applications and their units coming in: {@code juju deploy}, {@code add-unit}, {@code refresh} and
 * {@code attach-resource}, each unit starting with the hooks Juju runs on a new unit.
 */
final class Deployments {
    private final ControllerState state;
    private final CharmStore charms;
    private final Provisioner provisioner;
    private final Relations relations;
    private final Leadership leadership;
    private final UnitAgent.Executor executor;
    private final Map<String, Integer> storageSequence = new HashMap<>();

    Deployments(ControllerState state, CharmStore charms, Provisioner provisioner, Relations relations,
                Leadership leadership, UnitAgent.Executor executor) {
        this.state = state;
        this.charms = charms;
        this.provisioner = provisioner;
        this.relations = relations;
        this.leadership = leadership;
        this.executor = executor;
    }

    /**
     * {@code juju deploy}: validates the charm, config and resources first (nothing changes on error), then
     * adds the application and {@code n} units. Returns the application name.
     */
    String deploy(Path charmPath, String appName, int n, Map<String, String> config, Map<String, Path> resources)
        throws IOException {
        return deploy(charmPath, appName, n, config, resources, Map.of());
    }

    /**
     * {@code juju deploy --storage name=directive ...}: as {@link #deploy(Path, String, int, Map, Map)}; the
     * directives ({@link StorageDirective}) hold for every unit the application gets later, too.
     */
    String deploy(Path charmPath, String appName, int n, Map<String, String> config, Map<String, Path> resources,
                  Map<String, String> storage) throws IOException {
        state.requireAlive();
        if (n < 0) {
            throw new IllegalArgumentException("number of units must not be negative");
        }
        Map<String, StorageDirective> directives = new LinkedHashMap<>();
        CharmStore.StagedCharm staged = charms.stage(charmPath, charm -> {
            charm.config().parse(config);
            directives.putAll(StorageDirective.parseAll(storage, charm.meta().name(), charm.meta().storage()));
            for (Map.Entry<String, Path> r : resources.entrySet()) {
                checkResource(charm, r.getKey(), r.getValue());
            }
        });
        Path staging = staged.dir();
        String name = appName == null || appName.isBlank() ? staged.charm().meta().name() : appName;
        synchronized (state) {
            if (state.model().application(name).isPresent()) {
                FileTrees.deleteRecursively(staging);
                throw new ModelException("application \"" + name + "\" already exists");
            }
            Path dir = charms.keepFirst(staging, name);
            Application app = state.model().deploy(name, Charm.load(dir));
            app.setConfig(config);
            app.storageDirectives(directives);
            for (Map.Entry<String, Path> r : resources.entrySet()) {
                app.attachResource(r.getKey(), r.getValue().toAbsolutePath());
            }
            state.log().log("controller", "INFO", "juju.controller", "deployed " + name + " from " + charmPath);
        }
        addUnit(name, n);
        return name;
    }

    /**
     * {@code juju refresh APP --path CHARM}: a new revision of the application's charm. Every live unit gets
     * it at its next {@code upgrade-charm} hook (the runner swaps the unit's charm dir first, as Juju's
     * deployer does: files of the old revision are replaced, files the charm made there stay), followed by
     * {@code config-changed} and {@code start} (the Juju contract (docs/juju-contract.md), section 2). The
     * charm must be the same charm (its metadata name) and keep every endpoint the application has relations
     * on; nothing changes otherwise. Config values of options the new revision no longer has are dropped.
     * Returns the revision.
     */
    int refresh(String appName, Path charmPath) throws IOException {
        state.requireAlive();
        CharmStore.StagedCharm staged = charms.stage(charmPath, charm -> { });
        Path staging = staged.dir();
        Charm charm = staged.charm();
        Model model = state.model();
        synchronized (state) {
            try {
                Application app = model.requireApplication(appName);
                if (!charm.meta().name().equals(app.meta().name())) {
                    throw new ModelException("cannot refresh \"" + appName + "\" (charm \"" + app.meta().name()
                        + "\") to a different charm (\"" + charm.meta().name() + "\")");
                }
                for (Relation r : model.relationsOf(appName)) {
                    RelationEndpoint ep = r.endpointOf(appName).orElseThrow();
                    Optional<Endpoint> kept = charm.meta().endpoint(ep.spec().name());
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
            state.liveAgents(appName).forEach(Deployments::queueUpgrade);
            state.log().log("controller", "INFO", "juju.controller", "refreshed " + appName + " to revision "
                + revision + " from " + charmPath);
            return revision;
        }
    }

    /**
     * {@code juju attach-resource}: stores the file, copies it into every unit's
     * {@code resources/<name>/<filename>}, then upgrade-charm, config-changed and start run on every unit.
     */
    void attachResource(String appName, String name, Path file) throws IOException {
        state.requireAlive();
        synchronized (state) {
            Application app = state.model().requireApplication(appName);
            checkResource(app.charm(), name, file);
            app.attachResource(name, file.toAbsolutePath());
            for (UnitAgent a : state.liveAgents(appName)) {
                Provisioner.copyResource(a.host().machine(), app, name, file);
                queueUpgrade(a);
            }
        }
    }

    /** Queues upgrade-charm, config-changed and start, the hooks of a unit whose charm or resources changed. */
    private static void queueUpgrade(UnitAgent agent) {
        agent.enqueue(Hook.unit("upgrade-charm"));
        agent.enqueue(Hook.unit("config-changed"));
        agent.enqueue(Hook.unit("start"));
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
    List<String> addUnit(String appName, int n) throws IOException {
        return addUnit(appName, n, Map.of());
    }

    /**
     * {@code juju add-unit --storage name=directive ...}: the directives given replace the application's
     * for these units only.
     */
    List<String> addUnit(String appName, int n, Map<String, String> storage) throws IOException {
        state.requireAlive();
        Application app = state.model().requireApplication(appName);
        Map<String, StorageDirective> directives = new LinkedHashMap<>(app.storageDirectives());
        directives.putAll(StorageDirective.parseAll(storage, app.meta().name(), app.meta().storage()));
        List<String> added = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            added.add(addOneUnit(app, directives));
        }
        return added;
    }

    private String addOneUnit(Application app, Map<String, StorageDirective> directives) throws IOException {
        Model model = state.model();
        Unit unit;
        synchronized (state) {
            unit = model.addUnit(app.name());
        }
        UnitHost host;
        try {
            host = provisioner.provision(app, unit, directives);
        } catch (IOException | RuntimeException e) {
            synchronized (state) {
                model.removeUnit(unit.name());
            }
            throw e;
        }
        UnitAgent agent = new UnitAgent(unit, host, executor);
        synchronized (state) {
            state.agents().put(unit.name(), agent);
            charms.unitDeployed(unit.name(), app.name());
            leadership.claimIfVacant(app, unit);
            List<Hook> initial = new ArrayList<>();
            for (Storage s : app.meta().storage().values()) {
                StorageDirective directive = directives.get(s.name());
                int count = directive == null ? s.minCount() : directive.count();
                for (int i = 0; i < count; i++) {
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
        state.log().log(unit.name(), "INFO", "juju.worker.uniter", "unit " + unit.name() + " started on machine "
            + unit.machineId() + " (" + unit.address() + ")");
        return unit.name();
    }
}
