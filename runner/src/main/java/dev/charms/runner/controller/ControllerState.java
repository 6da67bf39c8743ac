package dev.charms.runner.controller;

import dev.charms.runner.model.Model;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.UnitNames;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the controller's parts share for one model: the model itself, its paths and debug log, the machine
 * provider, the hook executor, and the unit agents (each with its hook queue). Every change to the model
 * or the agents is made holding this object's monitor, the controller lock.
 */
final class ControllerState {
    private final ModelPaths paths;
    private final Model model;
    private final DebugLog log;
    private final MachineProvider machines;
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hook-output");
        t.setDaemon(true);
        return t;
    });
    private final HookExecution execution;
    private final Map<String, UnitAgent> agents = new TreeMap<>(UnitNames.ORDER);
    private volatile boolean destroyed;

    ControllerState(ModelPaths paths, MachineProvider machines) throws IOException {
        this.paths = paths;
        this.model = new Model(paths.model());
        Files.createDirectories(paths.dir());
        this.log = new DebugLog(paths.debugLog());
        this.machines = machines;
        this.execution = new HookExecution(model, log, pumps, this::unitHost);
    }

    ModelPaths paths() {
        return paths;
    }

    Model model() {
        return model;
    }

    DebugLog log() {
        return log;
    }

    MachineProvider machines() {
        return machines;
    }

    /** The threads that copy hook and command output. */
    ExecutorService pumps() {
        return pumps;
    }

    HookExecution execution() {
        return execution;
    }

    /** The agents by unit name, in unit order (read and change them under the lock). */
    Map<String, UnitAgent> agents() {
        return agents;
    }

    /** Throws once the model was destroyed. */
    void requireAlive() {
        if (destroyed) {
            throw new IllegalStateException("model \"" + model.name() + "\" was destroyed");
        }
    }

    /** Marks the model destroyed (call under the lock); false when it already was. */
    boolean markDestroyed() {
        if (destroyed) {
            return false;
        }
        destroyed = true;
        return true;
    }

    List<UnitAgent> agentsSnapshot() {
        synchronized (this) {
            return new ArrayList<>(agents.values());
        }
    }

    /** The agents of {@code appName}'s units that are not being removed. */
    List<UnitAgent> liveAgents(String appName) {
        return agentsSnapshot().stream().filter(a -> a.unit().applicationName().equals(appName))
            .filter(a -> !a.unit().isDying()).toList();
    }

    /** The unit's agent, or {@code unit "x" not found}. */
    UnitAgent agent(String unitName) {
        synchronized (this) {
            UnitAgent a = agents.get(unitName);
            if (a == null) {
                throw new ModelException("unit \"" + unitName + "\" not found");
            }
            return a;
        }
    }

    /** The unit's machine host, or {@code unit "x" not found}. */
    UnitHost unitHost(String unitName) {
        return agent(unitName).host();
    }
}
