package dev.charms.runner.controller;

import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.Unit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A unit's agent: one thread that runs the unit's operations one at a time -- queued actions first (also
 * while a hook is in error), then the hooks of its {@link HookQueue}. A failed hook puts the unit in error
 * and stays at the head of the queue until a retry (after the back-off) succeeds.
 */
final class UnitAgent {
    /** Runs one hook or action for this agent; implemented by {@link UnitOperations}. */
    interface Executor {
        /** Runs {@code hook}; returns whether it succeeded (exit 0 and committed). */
        boolean runHook(UnitAgent agent, Hook hook) throws InterruptedException;

        void runAction(UnitAgent agent, ActionTask task) throws InterruptedException;

        /** The unit's {@code remove} hook succeeded: tear the unit down (called on the agent's thread). */
        void removed(UnitAgent agent);

        Backoff backoff();

        boolean automaticallyRetry();
    }

    private final Unit unit;
    private final UnitHost host;
    private final Executor executor;
    private final Object lock = new Object();
    private final HookQueue queue = new HookQueue();
    private final Deque<ActionTask> actions = new ArrayDeque<>();
    private final Map<Integer, Set<String>> joined = new HashMap<>();
    /**
     * Remote units relation-list shows in this unit's hooks, per relation: Juju's relation members, each
     * added when its -joined hook begins on this unit and dropped when its -departed hook begins (a unit
     * that entered scope is not a member before this unit's -joined hook for it).
     */
    private final Map<Integer, Set<String>> members = new HashMap<>();
    private final Thread thread;
    private boolean busy;
    private boolean paused;
    private boolean stopped;
    /** The unit's machine is off (between {@link #powerLoss} and {@link #boot}): the agent is not running. */
    private boolean down;
    private int failures;
    private long retryAtMillis;
    private long nextUpdateStatusMillis = Long.MAX_VALUE;

    UnitAgent(Unit unit, UnitHost host, Executor executor) {
        this.unit = unit;
        this.host = host;
        this.executor = executor;
        this.thread = new Thread(this::loop, "agent-" + unit.name());
        this.thread.setDaemon(true);
    }

    Unit unit() {
        return unit;
    }

    String name() {
        return unit.name();
    }

    UnitHost host() {
        return host;
    }

    void start() {
        thread.start();
    }

    /** Queues a hook (coalescing as {@link HookQueue#add} does). */
    void enqueue(Hook hook) {
        synchronized (lock) {
            if (queue.add(hook)) {
                lock.notifyAll();
            }
        }
    }

    /**
     * {@code remote} entered scope of a relation this unit is in: queue joined(remote) immediately followed
     * by changed(remote), unless already done.
     */
    void enqueueJoin(int relationId, String endpoint, String remote, String remoteApp) {
        synchronized (lock) {
            if (!joined.computeIfAbsent(relationId, k -> new HashSet<>()).add(remote)) {
                return;
            }
            queue.addJoined(Hook.relation(Hook.Kind.RELATION_JOINED, endpoint, relationId, remote, remoteApp, null),
                Hook.relation(Hook.Kind.RELATION_CHANGED, endpoint, relationId, remote, remoteApp, null));
            lock.notifyAll();
        }
    }

    /** Whether this unit has seen {@code remote} join the relation (a joined hook is queued or ran). */
    boolean hasJoined(int relationId, String remote) {
        synchronized (lock) {
            return joined.getOrDefault(relationId, Set.of()).contains(remote);
        }
    }

    /** Remote units this unit has seen join {@code relationId}, in unit order. */
    List<String> joinedUnits(int relationId) {
        synchronized (lock) {
            return sortedJoined(relationId);
        }
    }

    /**
     * {@code remote} left the relation: drop its not-yet-run joined/changed hooks and, if this unit had run
     * (or is running) joined for it, queue departed with JUJU_DEPARTING_UNIT = {@code departing}.
     */
    void enqueueDeparted(int relationId, String endpoint, String remote, String remoteApp, String departing) {
        synchronized (lock) {
            if (!joined.getOrDefault(relationId, new HashSet<>()).remove(remote)) {
                return;
            }
            boolean joinPending = queue.pending(h -> h.kind() == Hook.Kind.RELATION_JOINED
                && h.relationId() == relationId && remote.equals(h.remoteUnit()));
            queue.removePending(h -> h.relationId() == relationId && remote.equals(h.remoteUnit())
                && (h.kind() == Hook.Kind.RELATION_JOINED || h.kind() == Hook.Kind.RELATION_CHANGED));
            if (!joinPending) {
                queue.add(Hook.relation(Hook.Kind.RELATION_DEPARTED, endpoint, relationId, remote, remoteApp,
                    departing));
            }
            lock.notifyAll();
        }
    }

    /**
     * The unit is dying: drops everything not started yet, then queues departed (JUJU_DEPARTING_UNIT = this
     * unit) for every remote unit it had joined in each relation, broken for non-peer relations, and
     * {@code tail} (storage-detaching, stop, remove).
     */
    void startDying(List<RelationView> relations, List<Hook> tail) {
        synchronized (lock) {
            Set<String> neverJoined = new HashSet<>();
            for (Hook h : queue.snapshot().subList(busy ? 1 : 0, queue.snapshot().size())) {
                if (h.kind() == Hook.Kind.RELATION_JOINED) {
                    neverJoined.add(h.relationId() + "/" + h.remoteUnit());
                }
            }
            queue.removePending(h -> true);
            for (RelationView r : relations) {
                for (String remote : sortedJoined(r.id())) {
                    if (!neverJoined.contains(r.id() + "/" + remote)) {
                        queue.add(Hook.relation(Hook.Kind.RELATION_DEPARTED, r.endpoint(), r.id(), remote,
                            r.remoteApp(), unit.name()));
                    }
                }
                if (!r.peer()) {
                    queue.add(Hook.relation(Hook.Kind.RELATION_BROKEN, r.endpoint(), r.id(), null, r.remoteApp(), null));
                }
            }
            joined.clear();
            failures = 0;
            tail.forEach(queue::add);
            nextUpdateStatusMillis = Long.MAX_VALUE;
            lock.notifyAll();
        }
    }

    /** A relation is being removed: departed for every joined remote unit (departing = that unit), then broken. */
    void leaveRelation(RelationView r) {
        synchronized (lock) {
            for (String remote : sortedJoined(r.id())) {
                enqueueDeparted(r.id(), r.endpoint(), remote, r.remoteApp(), remote);
            }
            queue.removePending(h -> h.relationId() == r.id() && h.kind() != Hook.Kind.RELATION_DEPARTED);
            queue.add(Hook.relation(Hook.Kind.RELATION_BROKEN, r.endpoint(), r.id(), null, r.remoteApp(), null));
            joined.remove(r.id());
            lock.notifyAll();
        }
    }

    /** A hook begins: its -joined makes the remote unit a member, its -departed and -broken end membership. */
    private void updateMembers(Hook hook) {
        switch (hook.kind()) {
            case RELATION_JOINED -> members.computeIfAbsent(hook.relationId(), k -> new HashSet<>()).add(hook.remoteUnit());
            case RELATION_DEPARTED -> members.getOrDefault(hook.relationId(), new HashSet<>()).remove(hook.remoteUnit());
            case RELATION_BROKEN -> members.remove(hook.relationId());
            default -> { }
        }
    }

    /** Relation members as this unit's hooks see them now: relation id to remote units, in unit order. */
    Map<Integer, List<String>> memberView() {
        synchronized (lock) {
            Map<Integer, List<String>> out = new HashMap<>();
            members.forEach((id, units) -> out.put(id, inUnitOrder(units)));
            return out;
        }
    }

    private List<String> sortedJoined(int relationId) {
        return inUnitOrder(joined.getOrDefault(relationId, Set.of()));
    }

    private static List<String> inUnitOrder(Set<String> units) {
        List<String> out = new ArrayList<>(units);
        out.sort(dev.charms.runner.model.UnitNames.ORDER);
        return List.copyOf(out);
    }

    void enqueueAction(ActionTask task) {
        synchronized (lock) {
            actions.add(task);
            lock.notifyAll();
        }
    }

    /** Schedules update-status every {@code interval} from now (after start). */
    void scheduleUpdateStatus(Duration interval) {
        synchronized (lock) {
            nextUpdateStatusMillis = System.currentTimeMillis() + interval.toMillis();
        }
    }

    /** Called by the controller's ticker: queues update-status when due. */
    void tick(Duration interval) {
        synchronized (lock) {
            long now = System.currentTimeMillis();
            if (now >= nextUpdateStatusMillis && !unit.isDying() && !down) {
                nextUpdateStatusMillis = now + interval.toMillis();
                if (queue.add(Hook.unit("update-status"))) {
                    lock.notifyAll();
                }
            }
        }
    }

    /** Wakes the agent (e.g. the retry settings changed). */
    void poke() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /**
     * Keeps the agent from starting another hook or action, and returns once the one running (if any) has
     * ended: the unit is then at a hook boundary until {@link #resume}.
     */
    void pause() throws InterruptedException {
        synchronized (lock) {
            paused = true;
            while (busy && !stopped) {
                lock.wait(100);
            }
        }
    }

    /** Lets the agent run its queue again after {@link #pause}. */
    void resume() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    /** Nothing running, nothing queued, not in error, the agent up. */
    boolean settled() {
        synchronized (lock) {
            return !busy && queue.isEmpty() && actions.isEmpty() && failures == 0 && !down;
        }
    }

    /**
     * The unit's machine lost power: the agent goes down with it and starts nothing more. The hook or
     * action running now ends when the machine's processes are killed; {@link #awaitStopped} waits for that.
     * Queued hooks and actions stay queued: Juju keeps them for the agent's return.
     */
    void powerLoss() {
        synchronized (lock) {
            down = true;
            lock.notifyAll();
        }
    }

    /** Whether the unit's machine is off (the agent is down). */
    boolean isDown() {
        synchronized (lock) {
            return down;
        }
    }

    /** After {@link #powerLoss}: waits until the hook or action that was running has ended. */
    void awaitStopped() throws InterruptedException {
        synchronized (lock) {
            while (busy && !stopped) {
                lock.wait(100);
            }
        }
    }

    /**
     * The machine booted and the agent is back, as Juju's unit agent after a reboot (docs/juju-contract.md,
     * section 2): a hook cut short by the power loss counts as failed (the unit shows it in error and it is
     * retried after the back-off, before anything else); then, on a unit that had started, {@code start}
     * runs again, and on a non-leader {@code leader-settings-changed} (the leadership resolver's first run
     * after the agent starts), ahead of the hooks that were queued; update-status runs {@code interval}
     * after the boot. Returns the failed hook that goes first, or null.
     */
    String boot(Duration interval) {
        synchronized (lock) {
            if (!down) {
                return null;
            }
            down = false;
            List<Hook> first = new ArrayList<>();
            if (unit.isStarted() && !unit.isDying()) {
                first.add(Hook.unit("start"));
            }
            if (unit.isInstalled() && !unit.isLeader() && !unit.isDying()) {
                first.add(Hook.unit("leader-settings-changed"));
            }
            queue.addNext(first, failures > 0);
            long now = System.currentTimeMillis();
            if (failures > 0) {
                retryAtMillis = now + executor.backoff().delay(failures).toMillis();
            }
            if (unit.isStarted() && !unit.isDying()) {
                nextUpdateStatusMillis = now + interval.toMillis();
            }
            lock.notifyAll();
            return failures > 0 ? queue.snapshot().get(0).name() : null;
        }
    }

    /** Queued hooks, head first. */
    List<String> queued() {
        synchronized (lock) {
            return queue.snapshot().stream().map(Hook::toString).toList();
        }
    }

    /**
     * Stops the agent thread (the running process is killed with the machine) and aborts queued actions;
     * returns them.
     */
    List<ActionTask> stop() {
        List<ActionTask> dropped;
        synchronized (lock) {
            stopped = true;
            dropped = new ArrayList<>(actions);
            actions.clear();
            lock.notifyAll();
        }
        dropped.forEach(t -> t.end(ActionTask.State.ABORTED, "unit " + unit.name() + " was removed"));
        if (Thread.currentThread() != thread) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return dropped;
    }

    private sealed interface Work permits HookWork, ActionWork {
    }

    private record HookWork(Hook hook) implements Work {
    }

    private record ActionWork(ActionTask task) implements Work {
    }

    private Work next() throws InterruptedException {
        synchronized (lock) {
            while (!stopped) {
                if (paused || down) {
                    lock.wait(1000);
                    continue;
                }
                if (!actions.isEmpty()) {
                    busy = true;
                    return new ActionWork(actions.poll());
                }
                if (!queue.isEmpty()) {
                    long wait = failures == 0 ? 0 : retryAtMillis - System.currentTimeMillis();
                    if (failures > 0 && !executor.automaticallyRetry()) {
                        lock.wait(1000);
                        continue;
                    }
                    if (wait <= 0) {
                        busy = true;
                        Hook hook = queue.start();
                        updateMembers(hook);
                        return new HookWork(hook);
                    }
                    lock.wait(wait);
                    continue;
                }
                lock.wait(1000);
            }
            return null;
        }
    }

    private void loop() {
        try {
            Work work;
            while ((work = next()) != null) {
                if (work instanceof ActionWork a) {
                    executor.runAction(this, a.task());
                    synchronized (lock) {
                        busy = false;
                        lock.notifyAll();
                    }
                    continue;
                }
                Hook hook = ((HookWork) work).hook();
                boolean ok = executor.runHook(this, hook);
                synchronized (lock) {
                    busy = false;
                    lock.notifyAll();
                    if (ok) {
                        queue.succeeded();
                        failures = 0;
                    } else {
                        queue.failed();
                        failures++;
                        retryAtMillis = System.currentTimeMillis() + executor.backoff().delay(failures).toMillis();
                    }
                }
                if (ok && hook.name().equals("remove")) {
                    executor.removed(this);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "agent " + unit.name();
    }
}
