package dev.charms.etcd.workload;

import java.net.URI;
import java.time.Duration;

/**
 * One member's health as its /health endpoint reports it (no alarm, a leader, a quorum read).
 *
 * @param endpoint the client URL asked
 * @param healthy whether it answered {"health":"true"}
 * @param reason why not (empty when healthy)
 * @param took how long the check took
 */
public record Health(URI endpoint, boolean healthy, String reason, Duration took) {
}
