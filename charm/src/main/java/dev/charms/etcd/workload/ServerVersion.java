package dev.charms.etcd.workload;

/**
 * What a member's /version endpoint reports.
 *
 * @param server the member's etcd version, e.g. 3.4.23
 * @param cluster the cluster version, e.g. 3.4.0 (lowest of all members, minor precision)
 */
public record ServerVersion(String server, String cluster) {
}
