package dev.charms.runner.controller;

import java.time.Duration;

/**
 * Juju's hook retry back-off: base, 2*base, 4*base ... capped (defaults 5 s and 5 min, settable through the
 * model config keys {@code retry-hook-base-delay} and {@code retry-hook-max-delay} for tests).
 */
record Backoff(Duration base, Duration max) {
    static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5));

    /** The delay before retry number {@code failures} (1 = after the first failure). */
    Duration delay(int failures) {
        long ms = base.toMillis();
        for (int i = 1; i < failures && ms < max.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }
}
