package dev.charms.runner.controller;

import dev.charms.runner.agent.ToolHandler;
import dev.charms.runner.machine.Machine;
import dev.charms.runner.machine.MachineFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The real machines: one {@link dev.charms.runner.machine.NamespaceMachine} per unit from
 * {@link MachineFactory}, state kept under the runner's home ({@code <home>/models/<model>/...}).
 */
final class NamespaceMachines implements MachineProvider {
    private final ModelPaths paths;
    private MachineFactory factory;

    private NamespaceMachines(ModelPaths paths) {
        this.paths = paths;
    }

    static NamespaceMachines forModel(ModelPaths paths) {
        return new NamespaceMachines(paths);
    }

    @Override
    public Machine create(String unitName, ToolHandler hookTools) throws IOException {
        return create(unitName, hookTools, false);
    }

    @Override
    public synchronized Machine create(String unitName, ToolHandler hookTools, boolean hideHostJava) throws IOException {
        if (factory == null) {
            factory = MachineFactory.forModel(paths.home(), paths.model());
        }
        return factory.create(unitName, hookTools, hideHostJava);
    }

    @Override
    public void cleanup() {
        try {
            MachineFactory.cleanupModel(paths.home(), paths.model());
        } catch (IOException e) {
            throw new UncheckedIOException("cleanup of model " + paths.model() + " failed: " + e.getMessage(), e);
        }
    }
}
