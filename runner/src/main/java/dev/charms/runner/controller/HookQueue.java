package dev.charms.runner.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A unit's queue of hooks, in the order Juju's resolver would run them. The head is the hook that runs
 * (or failed and waits for its retry); it leaves the queue only when it succeeded. Enqueueing coalesces
 * as Juju does: a pending {@code relation-changed} for the same (relation, remote) absorbs a new one,
 * {@code config-changed}, {@code leader-settings-changed}, {@code update-status} and
 * {@code secret-changed} (per secret) are queued at most once, application-level changes go before
 * unit-level ones of the same relation, and {@code joined(X)} stays immediately followed by
 * {@code changed(X)}. Not thread-safe: the owning {@link UnitAgent} synchronises.
 */
final class HookQueue {
    private final List<Hook> hooks = new ArrayList<>();
    private boolean headRunning;

    /** Appends {@code hook} unless an equivalent hook is already pending; returns whether it was queued. */
    boolean add(Hook hook) {
        if (hook.kind() == Hook.Kind.RELATION_CHANGED) {
            return addChanged(hook);
        }
        if (coalesces(hook) && pending(h -> h.name().equals(hook.name())
            && java.util.Objects.equals(h.secretUri(), hook.secretUri()))) {
            return false;
        }
        hooks.add(hook);
        return true;
    }

    /** Appends {@code joined(X)} immediately followed by {@code changed(X)}, dropping a pending lone changed(X). */
    void addJoined(Hook joined, Hook changed) {
        removePending(h -> h.kind() == Hook.Kind.RELATION_CHANGED && h.sameTarget(changed));
        hooks.add(joined);
        hooks.add(changed);
    }

    private static boolean coalesces(Hook hook) {
        return switch (hook.name()) {
            case "config-changed", "leader-settings-changed", "update-status", "leader-elected" -> true;
            default -> hook.kind() == Hook.Kind.SECRET;
        };
    }

    private boolean addChanged(Hook hook) {
        if (pending(h -> h.kind() == Hook.Kind.RELATION_CHANGED && h.sameTarget(hook))) {
            return false;
        }
        if (hook.appLevelChange()) {
            for (int i = headRunning ? 1 : 0; i < hooks.size(); i++) {
                Hook h = hooks.get(i);
                boolean unitChange = h.kind() == Hook.Kind.RELATION_CHANGED && !h.appLevelChange()
                    && h.relationId() == hook.relationId();
                if (unitChange && !followsItsJoin(i)) {
                    hooks.add(i, hook);
                    return true;
                }
            }
        }
        hooks.add(hook);
        return true;
    }

    private boolean followsItsJoin(int index) {
        if (index == 0) {
            return false;
        }
        Hook before = hooks.get(index - 1);
        return before.kind() == Hook.Kind.RELATION_JOINED && before.sameTarget(hooks.get(index));
    }

    /**
     * Puts {@code next} at the front, in that order, behind the head when {@code behindHead} (a failed hook
     * waiting for its retry, which goes first). A pending hook of a kind that coalesces and is in
     * {@code next} moves forward instead of running twice.
     */
    void addNext(List<Hook> next, boolean behindHead) {
        int at = Math.min(behindHead || headRunning ? 1 : 0, hooks.size());
        for (Hook hook : next) {
            if (coalesces(hook)) {
                for (int i = hooks.size() - 1; i >= at; i--) {
                    Hook h = hooks.get(i);
                    if (h.name().equals(hook.name()) && java.util.Objects.equals(h.secretUri(), hook.secretUri())) {
                        hooks.remove(i);
                    }
                }
            }
        }
        hooks.addAll(at, next);
    }

    /** Whether a hook matching {@code test} is queued and has not started yet. */
    boolean pending(Predicate<Hook> test) {
        for (int i = headRunning ? 1 : 0; i < hooks.size(); i++) {
            if (test.test(hooks.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** Removes every not-yet-started hook matching {@code test}. */
    void removePending(Predicate<Hook> test) {
        int from = headRunning ? 1 : 0;
        for (int i = hooks.size() - 1; i >= from; i--) {
            if (test.test(hooks.get(i))) {
                hooks.remove(i);
            }
        }
    }

    /** The hook to run next (marked running), or null when empty. */
    Hook start() {
        if (hooks.isEmpty()) {
            return null;
        }
        headRunning = true;
        return hooks.get(0);
    }

    /** The running head succeeded: it leaves the queue. */
    void succeeded() {
        hooks.remove(0);
        headRunning = false;
    }

    /** The running head failed: it stays at the head for its retry. */
    void failed() {
        headRunning = false;
    }

    boolean isEmpty() {
        return hooks.isEmpty();
    }

    /** A copy of the queued hooks, head first. */
    List<Hook> snapshot() {
        return List.copyOf(hooks);
    }
}
