package dev.charms.runner.controller;

import java.util.List;

/** {@link Controller#waitIdle} ran out of time; the message lists every unit that is not settled and why. */
public final class WaitTimeoutException extends RuntimeException {
    private final List<String> unsettled;

    public WaitTimeoutException(String message, List<String> unsettled) {
        super(message);
        this.unsettled = List.copyOf(unsettled);
    }

    /** One line per unit that is not active and idle. */
    public List<String> unsettled() {
        return unsettled;
    }
}
