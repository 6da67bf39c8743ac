package dev.charms.runner.controller;

import dev.charms.runner.model.ActionTask;
import java.time.Duration;

/**
 * An executor for agent tests in place of hook processes: subclasses say what a hook does; actions and
 * removals do nothing, failed hooks are retried automatically after 50 ms.
 */
abstract class ScriptedExecutor implements UnitAgent.Executor {
    @Override
    public void runAction(UnitAgent agent, ActionTask task) {
    }

    @Override
    public void removed(UnitAgent agent) {
    }

    @Override
    public Backoff backoff() {
        return new Backoff(Duration.ofMillis(50), Duration.ofMillis(50));
    }

    @Override
    public boolean automaticallyRetry() {
        return true;
    }
}
