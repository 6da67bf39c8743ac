package dev.charms.runner.controller;

import dev.charms.runner.model.Application;
import dev.charms.runner.model.Model;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings of the model and its applications: application config ({@code juju config}) and model config
 * ({@code juju model-config}), including the hook retry back-off and the runner's hook jitter the agents
 * read before each hook.
 */
final class ModelSettings {
    private final ControllerState state;
    private volatile Backoff backoff = Backoff.DEFAULT;
    /** Runner-only model setting: each hook waits a random 0..jitter before it runs (0: no wait). */
    private volatile Duration hookJitter = Duration.ZERO;
    /**
     * Runner-only model setting {@code hook-hold}: units whose hooks wait until a moment (epoch millis), as
     * a unit whose machine comes up late; {@link #hookHoldText} is the value as set.
     */
    private volatile Map<String, Long> hookHold = Map.of();
    private volatile String hookHoldText = "";

    ModelSettings(ControllerState state) {
        this.state = state;
    }

    /** How long a failed hook waits before its next automatic retry. */
    Backoff backoff() {
        return backoff;
    }

    /** The longest random wait before each hook (zero: none). */
    Duration hookJitter() {
        return hookJitter;
    }

    /** Until when (epoch millis) {@code unitName}'s hooks are held; 0 when they are not. */
    long hookHeldUntil(String unitName) {
        return hookHold.getOrDefault(unitName, 0L);
    }

    /** {@code juju config app k=v ...}: validates all, sets all, config-changed on every unit if anything changed. */
    void config(String appName, Map<String, String> values) {
        state.requireAlive();
        synchronized (state) {
            Application app = state.model().requireApplication(appName);
            if (app.setConfig(values)) {
                state.liveAgents(appName).forEach(a -> a.enqueue(Hook.unit("config-changed")));
            }
        }
    }

    /** The effective config of {@code appName} (set values over defaults). */
    Map<String, Object> config(String appName) {
        return state.model().requireApplication(appName).config();
    }

    /**
     * Model config: update-status-hook-interval, automatically-retry-hooks, retry-hook-base/max-delay,
     * juju-version, and the runner's own hook-jitter (not a Juju setting: a random wait of up to that long
     * before each hook, which shuffles how the units' hooks interleave, as machines of different speed
     * and Juju's polling do; the Juju contract (docs/juju-contract.md), section 6, guarantees no order
     * across units), hook-hold ({@code UNIT=DURATION[,UNIT=DURATION]}: that unit runs no hook until
     * that long after the setting was made, as a unit whose machine comes up late; empty: none held),
     * and host-java (runner only: {@code hidden} gives machines made from then on no view of
     * the host's Java, as a machine with none installed).
     */
    Map<String, String> modelConfig() {
        Model model = state.model();
        Map<String, String> out = new TreeMap<>();
        out.put("update-status-hook-interval", Durations.format(model.updateStatusInterval()));
        out.put("automatically-retry-hooks", String.valueOf(model.automaticallyRetryHooks()));
        out.put("retry-hook-base-delay", Durations.format(backoff.base()));
        out.put("retry-hook-max-delay", Durations.format(backoff.max()));
        out.put("juju-version", model.jujuVersion());
        out.put("hook-jitter", Durations.format(hookJitter));
        out.put("hook-hold", hookHoldText);
        out.put("host-java", model.hostJavaHidden() ? "hidden" : "visible");
        return out;
    }

    /** Sets model config keys (all validated before any is applied). */
    void setModelConfig(Map<String, String> values) {
        Model model = state.model();
        Map<String, Runnable> apply = new LinkedHashMap<>();
        Backoff[] next = {backoff};
        for (Map.Entry<String, String> e : values.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "update-status-hook-interval" -> {
                    Duration d = positive(e.getKey(), v);
                    apply.put(e.getKey(), () -> {
                        model.setUpdateStatusInterval(d);
                        state.agentsSnapshot().stream().filter(a -> a.unit().isStarted())
                            .forEach(a -> a.scheduleUpdateStatus(d));
                    });
                }
                case "automatically-retry-hooks" -> {
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new IllegalArgumentException("automatically-retry-hooks: expected true or false, got \""
                            + v + "\"");
                    }
                    apply.put(e.getKey(), () -> model.setAutomaticallyRetryHooks(Boolean.parseBoolean(v)));
                }
                case "retry-hook-base-delay" -> next[0] = new Backoff(positive(e.getKey(), v), next[0].max());
                case "retry-hook-max-delay" -> next[0] = new Backoff(next[0].base(), positive(e.getKey(), v));
                case "juju-version" -> {
                    if (!v.matches("\\d+\\.\\d+\\.\\d+")) {
                        throw new IllegalArgumentException("juju-version: expected x.y.z, got \"" + v + "\"");
                    }
                    apply.put(e.getKey(), () -> model.setJujuVersion(v));
                }
                case "hook-jitter" -> {
                    Duration d = v.equals("0") ? Duration.ZERO : positive(e.getKey(), v);
                    apply.put(e.getKey(), () -> hookJitter = d);
                }
                case "hook-hold" -> {
                    Map<String, Long> held = new TreeMap<>();
                    long now = System.currentTimeMillis();
                    for (String item : v.isBlank() ? new String[0] : v.split(",")) {
                        int eq = item.indexOf('=');
                        if (eq <= 0 || !item.substring(0, eq).strip().matches("[a-z][a-z0-9-]*/\\d+")) {
                            throw new IllegalArgumentException("hook-hold: expected UNIT=DURATION[,UNIT=DURATION], got \"" + v + "\"");
                        }
                        held.put(item.substring(0, eq).strip(), now + positive(e.getKey(), item.substring(eq + 1).strip()).toMillis());
                    }
                    apply.put(e.getKey(), () -> {
                        hookHold = Map.copyOf(held);
                        hookHoldText = v.strip();
                    });
                }
                case "host-java" -> {
                    if (!v.equals("hidden") && !v.equals("visible")) {
                        throw new IllegalArgumentException("host-java: expected hidden or visible, got \"" + v + "\"");
                    }
                    apply.put(e.getKey(), () -> model.setHostJavaHidden(v.equals("hidden")));
                }
                default -> throw new IllegalArgumentException("unknown model config key \"" + e.getKey() + "\"");
            }
        }
        apply.values().forEach(Runnable::run);
        backoff = next[0];
        state.agentsSnapshot().forEach(UnitAgent::poke);
    }

    private static Duration positive(String key, String value) {
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + ": must be positive, got \"" + value + "\"");
        }
        return d;
    }
}
