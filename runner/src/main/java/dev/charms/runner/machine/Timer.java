package dev.charms.runner.machine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A started {@code .timer} unit: monotonic timers only. {@code OnActiveSec=} (or {@code OnBootSec=},
 * counted from the timer's start, which is the machine's boot for an enabled timer) sets the first
 * elapse, {@code OnUnitActiveSec=} the period after it; each elapse starts the {@code Unit=} (default:
 * the service of the same name) as {@code systemctl start} does, skipped while it still runs, as
 * systemd does. {@code OnCalendar=} and the other settings are refused when the timer starts.
 */
final class Timer {
    private final String id;
    private final String unit;
    private final ScheduledFuture<?> future;

    private Timer(String id, String unit, ScheduledFuture<?> future) {
        this.id = id;
        this.unit = unit;
        this.future = future;
    }

    /** Reads the timer's settings; an {@link IllegalArgumentException} names what is not emulated. */
    static Timer start(UnitDefinition def, EmulatedSystemd systemd) {
        for (String key : List.of("OnCalendar", "OnStartupSec", "OnUnitInactiveSec")) {
            if (!def.all("Timer", key).isEmpty()) {
                throw new IllegalArgumentException(key + "= is not emulated by the local runner (monotonic OnActiveSec=,"
                        + " OnBootSec= and OnUnitActiveSec= are)");
            }
        }
        Duration period = setting(def, "OnUnitActiveSec");
        Duration first = setting(def, "OnActiveSec");
        if (first == null) {
            first = setting(def, "OnBootSec");
        }
        if (first == null) {
            first = period;
        }
        if (first == null) {
            throw new IllegalArgumentException(def.id() + " has no OnActiveSec=, OnBootSec= or OnUnitActiveSec=");
        }
        String name = def.id().substring(0, def.id().length() - ".timer".length());
        String unit = def.get("Timer", "Unit", name + ".service");
        Runnable elapse = () -> {
            Thread t = new Thread(() -> {
                if (!systemd.existingService(unit).map(Service::isRunning).orElse(false)) {
                    new Systemctl(systemd).run(List.of("start", unit));
                }
            }, "timer-" + def.id());
            t.setDaemon(true);
            t.start();
        };
        ScheduledFuture<?> future = period == null
                ? systemd.timer().schedule(elapse, first.toMillis(), TimeUnit.MILLISECONDS)
                : systemd.timer().scheduleAtFixedRate(elapse, first.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return new Timer(def.id(), unit, future);
    }

    private static Duration setting(UnitDefinition def, String key) {
        List<String> values = def.all("Timer", key);
        if (values.isEmpty() || values.get(values.size() - 1).isBlank()) {
            return null;
        }
        String v = values.get(values.size() - 1);
        Duration d = UnitDefinition.duration(v).orElseThrow(() -> new IllegalArgumentException(
                "invalid " + key + "=" + v + " in " + def.id()));
        return d.isZero() ? Duration.ofMillis(1) : d;
    }

    String id() {
        return id;
    }

    String unit() {
        return unit;
    }

    void cancel() {
        future.cancel(false);
    }
}
