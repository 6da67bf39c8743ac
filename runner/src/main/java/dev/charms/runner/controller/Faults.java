package dev.charms.runner.controller;

import dev.charms.runner.model.Unit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Failures the runner can inflict on a model, as real machines and networks suffer them: a unit's
 * network partitioned and healed, a service's process killed, machines rebooted (a power loss), a unit's
 * machine gone (forced removal).
 */
final class Faults {
    private final ControllerState state;
    private final Relations relations;
    private final Leadership leadership;
    private final UnitRemoval removal;

    Faults(ControllerState state, Relations relations, Leadership leadership, UnitRemoval removal) {
        this.state = state;
        this.relations = relations;
        this.leadership = leadership;
        this.removal = removal;
    }

    /** Partitions a unit's machine from the network. */
    void cut(String unitName) throws IOException {
        state.unitHost(unitName).machine().cutNetwork();
    }

    /** Joins a partitioned unit's machine to the network again. */
    void heal(String unitName) throws IOException {
        state.unitHost(unitName).machine().healNetwork();
    }

    /** SIGKILLs {@code service}'s main process in the unit. */
    void crash(String unitName, String service) {
        state.unitHost(unitName).machine().systemd().crash(service);
    }

    /**
     * Reboots the machines of {@code targets} at once, as a power loss would (docs/juju-contract.md,
     * section 2). A target is a unit ({@code etcd/0}) or an application (all its units); {@code all}
     * takes every unit of the model. Every machine loses power together (all its processes killed, /run
     * and /tmp emptied), stays off for {@code down}, then boots: its enabled services start and its unit
     * agent comes back ({@link UnitAgent#boot}). Leadership stays where it was when the machines are back
     * within a lease ({@link Leadership#LEASE}), as Juju keeps the lease of a unit whose agent returns within
     * it; off longer, a leader's application moves to a unit that is still up ({@link Leadership#leasesLapsed}). Returns the units rebooted, once they booted.
     */
    List<String> reboot(List<String> targets, boolean all, Duration down) throws InterruptedException {
        state.requireAlive();
        if (down.isNegative()) {
            throw new IllegalArgumentException("the time a machine stays off cannot be negative");
        }
        List<UnitAgent> agents = new ArrayList<>();
        synchronized (state) {
            Set<String> names = new LinkedHashSet<>();
            if (all) {
                state.model().applications().forEach(app -> app.units().forEach(u -> names.add(u.name())));
            }
            for (String target : targets) {
                if (target.contains("/")) {
                    names.add(state.model().requireUnit(target).name());
                } else {
                    state.model().requireApplication(target).units().forEach(u -> names.add(u.name()));
                }
            }
            if (names.isEmpty()) {
                throw new IllegalArgumentException("no units to reboot");
            }
            for (String name : names) {
                UnitAgent agent = state.agent(name);
                if (agent.unit().isDying()) {
                    throw new IllegalArgumentException("unit \"" + name + "\" is being removed");
                }
                if (agent.isDown()) {
                    throw new IllegalArgumentException("unit \"" + name + "\" is already rebooting");
                }
                agents.add(agent);
            }
            agents.forEach(UnitAgent::powerLoss);
        }
        onEachMachine(agents, a -> {
            a.host().machine().powerOff();
            state.log().log(a.name(), "INFO", "juju.machine", "machine " + a.unit().machineId() + " lost power");
        });
        for (UnitAgent a : agents) {
            a.awaitStopped();
        }
        if (down.compareTo(Leadership.LEASE) >= 0) {
            // Off longer than a lease: a leader among them loses leadership to a unit still up.
            Thread.sleep(Leadership.LEASE.toMillis());
            leadership.leasesLapsed(agents.stream().map(UnitAgent::name).collect(java.util.stream.Collectors.toSet()));
            Thread.sleep(down.minus(Leadership.LEASE).toMillis());
        } else {
            Thread.sleep(down.toMillis());
        }
        onEachMachine(agents, a -> {
            List<String> started = a.host().machine().boot();
            state.log().log(a.name(), "INFO", "juju.machine", "machine " + a.unit().machineId()
                + " booted; services started: " + (started.isEmpty() ? "none" : String.join(", ", started)));
        });
        Duration interval = state.model().updateStatusInterval();
        for (UnitAgent a : agents) {
            boolean started = a.unit().isStarted();
            String failed = a.boot(interval);
            if (failed != null) {
                state.log().log(a.name(), "INFO", "juju.worker.uniter", "awaiting error resolution for \""
                    + failed + "\" hook");
            }
            if (started) {
                state.log().log(a.name(), "INFO", "juju.worker.uniter",
                    "reboot detected; triggering implicit start hook to notify charm");
            }
        }
        return agents.stream().map(UnitAgent::name).toList();
    }

    /** Something done to a machine that may fail with an I/O error. */
    private interface MachineStep {
        void apply(UnitAgent agent) throws IOException;
    }

    /** Runs {@code step} on every agent's machine in parallel (a power loss hits them together). */
    private static void onEachMachine(List<UnitAgent> agents, MachineStep step) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (UnitAgent a : agents) {
            Thread t = new Thread(() -> {
                try {
                    step.apply(a);
                } catch (IOException e) {
                    failures.add(new UncheckedIOException(a.name() + ": " + e.getMessage(), e));
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "reboot-" + a.name());
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /**
     * {@code juju remove-unit --force --no-wait}, as when a unit's machine is gone: the unit is removed at
     * once and runs none of its own hooks (its services stop with its machine); the other units see it
     * depart, and a new leader is elected if it led.
     */
    void forceRemoveUnit(String... unitNames) {
        state.requireAlive();
        List<UnitAgent> gone = new ArrayList<>();
        synchronized (state) {
            for (String name : unitNames) {
                state.model().requireUnit(name);
            }
            for (String name : unitNames) {
                Unit unit = state.model().requireUnit(name);
                unit.setDying(true);
                relations.leaveScopes(unit);
                if (unit.isLeader()) {
                    leadership.electLeader(unit.application());
                }
                UnitAgent agent = state.agents().get(name);
                if (agent != null) {
                    gone.add(agent);
                }
            }
        }
        gone.forEach(removal::tearDown);
    }
}
