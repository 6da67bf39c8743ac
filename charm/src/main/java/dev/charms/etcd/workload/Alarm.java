package dev.charms.etcd.workload;

/**
 * An active etcd alarm.
 *
 * @param memberId the member raising it
 * @param type NOSPACE, CORRUPT, ...
 */
public record Alarm(long memberId, String type) {
}
