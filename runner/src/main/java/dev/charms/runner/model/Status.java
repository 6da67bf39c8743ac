package dev.charms.runner.model;

import java.time.Instant;
import java.util.Map;

/**
 * A workload or agent status as Juju shows it: the status word (e.g. {@code active}, {@code idle}),
 * its message, optional status data and when it was set.
 */
public record Status(String status, String message, Map<String, Object> data, Instant since) {
    public Status {
        message = message == null ? "" : message;
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /** A status set now, with no data. */
    public static Status of(String status, String message) {
        return new Status(status, message, Map.of(), Instant.now());
    }
}
