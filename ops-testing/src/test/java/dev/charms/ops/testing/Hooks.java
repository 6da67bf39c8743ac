package dev.charms.ops.testing;

import dev.charms.ops.Event;
import dev.charms.ops.Framework;

/** Runs a test body as the charm's config-changed (or any event's) handler. */
final class Hooks {
    /** A handler body that may throw. */
    @FunctionalInterface
    interface Body {
        void run(Framework fw) throws Exception;
    }

    private Hooks() {
    }

    /** Runs {@code body} in config-changed against {@code state}. */
    static Output configChanged(State state, Body body) {
        return on(JujuEvent.configChanged(), state, body);
    }

    /** Runs {@code body} for any event against {@code state}. */
    static Output on(JujuEvent event, State state, Body body) {
        return Demo.context(fw -> fw.observe(Event.class, e -> body.run(fw))).run(event, state);
    }
}
