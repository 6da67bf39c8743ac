package dev.charms.runner.controller;

import dev.charms.runner.agent.ToolHandler;
import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.Model;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.Relation;
import dev.charms.runner.model.Unit;
import dev.charms.runner.tools.BagChange;
import dev.charms.runner.tools.CommitResult;
import dev.charms.runner.tools.HookContext;
import dev.charms.runner.tools.HookToolServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * Runs one hook or action the way Juju's uniter does: builds its {@link HookContext}, finds the handler
 * ({@code dispatch} if executable, else {@code hooks/<name>} / {@code actions/<name>}), runs it in the
 * unit's machine with cwd = charm dir and exactly the context's environment, then commits the buffered
 * changes on exit 0 or discards them otherwise.
 */
final class HookExecution {
    /** Whether the hook succeeded and what it committed. */
    record Outcome(boolean ok, CommitEffects effects) {
        static final Outcome FAILED = new Outcome(false, CommitEffects.NONE);
    }

    private final Model model;
    private final DebugLog log;
    private final ExecutorService pumps;
    private final HookToolServer tools;

    HookExecution(Model model, DebugLog log, ExecutorService pumps, Function<String, UnitHost> hosts) {
        this.model = model;
        this.log = log;
        this.pumps = pumps;
        this.tools = new HookToolServer(model, log::log, unit -> hosts.apply(unit).machine().systemd(),
            (unit, path) -> hosts.apply(unit).machine().hostPathOf(path));
    }

    /** The handler every unit's agent socket uses for hook tools. */
    ToolHandler toolHandler() {
        return tools;
    }

    Outcome runHook(UnitAgent agent, Hook hook) throws InterruptedException {
        Unit unit = agent.unit();
        if (hook.relationId() >= 0 && model.relation(hook.relationId()).isEmpty()) {
            log.log(unit.name(), "INFO", "juju.worker.uniter.operation", "skipped \"" + hook.name()
                + "\" hook (relation " + hook.relationId() + " is gone)");
            return new Outcome(true, CommitEffects.NONE);
        }
        HookContext ctx = context(unit, hook, agent.memberView());
        UnitHost host = agent.host();
        String via;
        List<String> argv;
        Path dispatch = host.charmDir().resolve("dispatch");
        Path legacy = host.charmDir().resolve("hooks").resolve(hook.name());
        if (Files.isRegularFile(dispatch) && Files.isExecutable(dispatch)) {
            via = "hook dispatching script: dispatch";
            argv = List.of(host.charmDirInMachine() + "/dispatch");
        } else if (Files.exists(legacy)) {
            via = "explicit, bespoke hook script";
            argv = List.of(host.charmDirInMachine() + "/hooks/" + hook.name());
        } else {
            ctx.commit();
            log.log(unit.name(), "INFO", "juju.worker.uniter.operation", "skipped \"" + hook.name()
                + "\" hook (missing)");
            return new Outcome(true, CommitEffects.NONE);
        }
        tools.register(ctx);
        long started = System.nanoTime();
        try {
            ExecResult result = HookProcess.run(host.machine(), argv, env(ctx, host), host.charmDirInMachine(),
                log, unit.name(), hook.name(), pumps);
            if (result.exitCode() != 0) {
                ctx.discard();
                if (agent.isDown()) {
                    // Killed with its machine: the agent died too and says so when it is back.
                    return Outcome.FAILED;
                }
                log.log(unit.name(), "ERROR", "juju.worker.uniter.operation", "hook \"" + hook.name() + "\" (via "
                    + via + ") failed: exit status " + result.exitCode() + ", " + ctx.toolCallSummary());
                return Outcome.FAILED;
            }
            CommitEffects effects = effects(ctx.commit());
            log.log(unit.name(), "INFO", "juju.worker.uniter.operation", "ran \"" + hook.name() + "\" hook (via "
                + via + ") in " + elapsedMillis(started) + " ms, " + ctx.toolCallSummary());
            return new Outcome(true, effects);
        } catch (IOException | ModelException e) {
            if (!ctx.isClosed()) {
                ctx.discard();
            }
            log.log(unit.name(), "ERROR", "juju.worker.uniter.operation", "hook \"" + hook.name() + "\" failed: "
                + e.getMessage());
            return Outcome.FAILED;
        } finally {
            tools.unregister(ctx);
        }
    }

    Outcome runAction(UnitAgent agent, ActionTask task) throws InterruptedException {
        Unit unit = agent.unit();
        UnitHost host = agent.host();
        HookContext ctx = HookContext.action(model, unit, task).memberView(agent.memberView()).build();
        task.start();
        Path dispatch = host.charmDir().resolve("dispatch");
        Path legacy = host.charmDir().resolve("actions").resolve(task.name());
        List<String> argv;
        if (Files.isRegularFile(dispatch) && Files.isExecutable(dispatch)) {
            argv = List.of(host.charmDirInMachine() + "/dispatch");
        } else if (Files.exists(legacy)) {
            argv = List.of(host.charmDirInMachine() + "/actions/" + task.name());
        } else {
            ctx.discard();
            task.end(ActionTask.State.FAILED, "action not implemented on unit \"" + unit.name() + "\"");
            return Outcome.FAILED;
        }
        tools.register(ctx);
        long started = System.nanoTime();
        try {
            ExecResult result = HookProcess.run(host.machine(), argv, env(ctx, host), host.charmDirInMachine(),
                log, unit.name(), task.name(), pumps);
            CommitEffects effects = CommitEffects.NONE;
            String stderr = result.stderr();
            if (result.exitCode() == 0) {
                try {
                    effects = effects(ctx.commit());
                } catch (ModelException e) {
                    stderr = stderr + e.getMessage() + "\n";
                    task.requestFailure(e.getMessage());
                }
            } else {
                ctx.discard();
            }
            task.finish(result.exitCode(), result.stdout(), stderr);
            log.log(unit.name(), "INFO", "juju.worker.uniter.operation", "ran \"" + task.name() + "\" action (task "
                + task.id() + ", " + task.state().word() + ") in " + elapsedMillis(started) + " ms, " + ctx.toolCallSummary());
            return new Outcome(result.exitCode() == 0, effects);
        } catch (IOException e) {
            if (!ctx.isClosed()) {
                ctx.discard();
            }
            task.end(ActionTask.State.FAILED, "cannot run action: " + e.getMessage());
            return Outcome.FAILED;
        } finally {
            tools.unregister(ctx);
        }
    }

    private HookContext context(Unit unit, Hook hook, java.util.Map<Integer, List<String>> memberView) {
        HookContext.Builder b = HookContext.hook(model, unit, hook.name()).memberView(memberView);
        if (hook.relationId() >= 0) {
            Relation r = model.relation(hook.relationId()).orElseThrow(
                () -> new ModelException("relation " + hook.relationId() + " not found"));
            b.relation(r, hook.remoteUnit(), hook.remoteApp());
            if (hook.departingUnit() != null) {
                b.departingUnit(hook.departingUnit());
            }
        }
        if (hook.storageId() != null) {
            b.storage(hook.storageId());
        }
        if (hook.secretUri() != null) {
            String label = model.secret(hook.secretUri()).map(s -> s.consumerLabel(unit.name())).orElse(null);
            b.secret(hook.secretUri(), label, null);
        }
        return b.build();
    }

    private static java.util.Map<String, String> env(HookContext ctx, UnitHost host) {
        return ctx.environment(host.charmDirInMachine(), host.toolsDirInMachine(), host.socketInMachine());
    }

    private static CommitEffects effects(CommitResult result) {
        Set<Integer> unitBags = new HashSet<>();
        Set<Integer> appBags = new HashSet<>();
        for (BagChange c : result.bags()) {
            (c.application() ? appBags : unitBags).add(c.relationId());
        }
        return new CommitEffects(unitBags, appBags, new HashSet<>(result.secretsNewRevision()));
    }

    /** Wall time of the hook or action process, for the debug log (and the benchmarks that read it). */
    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
