package dev.charms.runner.controller;

import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.UnitNames;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Actions ({@code juju run}): queues tasks on unit agents and lets callers wait for them to end. */
final class Actions {
    private final ControllerState state;
    private final Map<String, CompletableFuture<ActionTask>> taskDone = new ConcurrentHashMap<>();

    Actions(ControllerState state) {
        this.state = state;
    }

    /**
     * {@code juju run <unit|app/leader> <action> k=v}: validates params against actions.yaml (nothing runs on
     * error) and queues the task on the unit; see {@link #awaitTask}.
     */
    ActionTask runAction(String target, String action, Map<String, Object> params) {
        state.requireAlive();
        synchronized (state) {
            String unitName = resolveTarget(target);
            UnitAgent agent = state.agents().get(unitName);
            if (agent == null || agent.unit().isDying()) {
                throw new ModelException("unit \"" + unitName + "\" not found");
            }
            ActionTask task = state.model().enqueueAction(unitName, action, params);
            taskDone.put(task.id(), new CompletableFuture<>());
            agent.enqueueAction(task);
            return task;
        }
    }

    private String resolveTarget(String target) {
        if (target.endsWith("/leader")) {
            String app = target.substring(0, target.length() - "/leader".length());
            return state.model().requireApplication(app).leader()
                .orElseThrow(() -> new ModelException("application \"" + app + "\" has no leader"));
        }
        if (!UnitNames.isUnitName(target)) {
            throw new ModelException("invalid unit or action name \"" + target + "\"");
        }
        return target;
    }

    /** Waits until task {@code id} finished; throws TimeoutException (task keeps running) when it did not. */
    ActionTask awaitTask(String id, Duration timeout) throws TimeoutException, InterruptedException {
        ActionTask task = task(id);
        CompletableFuture<ActionTask> done = taskDone.get(id);
        if (done == null) {
            return task;
        }
        try {
            return done.get(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Task {@code id}, or {@code task "x" not found}. */
    ActionTask task(String id) {
        return state.model().task(id).orElseThrow(() -> new ModelException("task \"" + id + "\" not found"));
    }

    /** {@code task} ended (ran, failed, or was dropped with its unit): whoever awaits it gets it. */
    void taskEnded(ActionTask task) {
        CompletableFuture<ActionTask> done = taskDone.get(task.id());
        if (done != null) {
            done.complete(task);
        }
    }

    /** The model is gone: every wait for a task that has not ended returns. */
    void releaseWaiters() {
        taskDone.values().forEach(f -> f.complete(null));
    }
}
