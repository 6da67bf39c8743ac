package dev.charms.runner.controller;

import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.Status;
import dev.charms.runner.model.Unit;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The agents' view of the controller: runs a unit's hooks and actions through {@link HookExecution}, keeps
 * the unit's agent status, and applies what each one brings about (installed, started, leader settings
 * seen, relation broken, committed changes fanned out, unit removed).
 */
final class UnitOperations implements UnitAgent.Executor {
    private final ControllerState state;
    private final CharmStore charms;
    private final ModelSettings settings;
    private final Leadership leadership;
    private final Relations relations;
    private final Actions actions;
    private final FanOut fanOut;
    private final UnitRemoval removal;

    UnitOperations(ControllerState state, CharmStore charms, ModelSettings settings, Leadership leadership,
                   Relations relations, Actions actions, FanOut fanOut, UnitRemoval removal) {
        this.state = state;
        this.charms = charms;
        this.settings = settings;
        this.leadership = leadership;
        this.relations = relations;
        this.actions = actions;
        this.fanOut = fanOut;
        this.removal = removal;
    }

    @Override
    public boolean runHook(UnitAgent agent, Hook hook) throws InterruptedException {
        Unit unit = agent.unit();
        if (hook.name().equals("upgrade-charm")) {
            try {
                charms.upgradeUnit(agent);
            } catch (IOException | RuntimeException e) {
                state.log().log(unit.name(), "ERROR", "juju.worker.uniter", "cannot upgrade the charm: "
                    + e.getMessage());
                unit.setAgentStatus(new Status("error", "upgrade failed", Map.of(), Instant.now()));
                return false;
            }
        }
        while (settings.hookHeldUntil(unit.name()) > System.currentTimeMillis()) {
            Thread.sleep(100); // model-config hook-hold: this unit's machine is late (changing the setting releases it)
        }
        Duration jitter = settings.hookJitter();
        if (!jitter.isZero()) {
            Thread.sleep(ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1));
        }
        unit.setAgentStatus(Status.of("executing", "running " + hook.name() + " hook"));
        if (hook.name().equals("install")) {
            unit.setWorkloadStatus(Status.of("maintenance", "installing charm software"));
        }
        HookExecution.Outcome outcome;
        try {
            outcome = state.execution().runHook(agent, hook);
        } catch (RuntimeException e) {
            state.log().log(unit.name(), "ERROR", "juju.worker.uniter", "hook \"" + hook.name() + "\" failed: " + e);
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
                agent.scheduleUpdateStatus(state.model().updateStatusInterval());
            }
            default -> {
                if (hook.kind() == Hook.Kind.RELATION_BROKEN) {
                    relations.brokenDone(hook.relationId(), unit.name());
                }
            }
        }
        unit.setAgentStatus(Status.of("idle", ""));
        fanOut.publish(agent, outcome.effects());
        return true;
    }

    @Override
    public void runAction(UnitAgent agent, ActionTask task) throws InterruptedException {
        Unit unit = agent.unit();
        Status before = unit.agentStatus();
        unit.setAgentStatus(Status.of("executing", "running action " + task.name()));
        try {
            HookExecution.Outcome outcome = state.execution().runAction(agent, task);
            if (!outcome.ok() && agent.isDown()) {
                // Killed with its machine: Juju fails such a task when the agent is back, never re-runs it.
                task.end(ActionTask.State.FAILED, "action terminated");
            }
            if (outcome.ok()) {
                fanOut.publish(agent, outcome.effects());
            }
            if (unit.isLeader()) {
                leadership.checkLeaderSettings(unit);
            }
        } catch (RuntimeException e) {
            state.log().log(unit.name(), "ERROR", "juju.worker.uniter", "action " + task.name() + " failed: " + e);
            task.end(ActionTask.State.FAILED, "cannot run action: " + e.getMessage());
        } finally {
            unit.setAgentStatus(before.status().equals("error") ? before : Status.of("idle", ""));
            actions.taskEnded(task);
        }
    }

    @Override
    public void removed(UnitAgent agent) {
        removal.tearDown(agent);
    }

    @Override
    public Backoff backoff() {
        return settings.backoff();
    }

    @Override
    public boolean automaticallyRetry() {
        return state.model().automaticallyRetryHooks();
    }
}
