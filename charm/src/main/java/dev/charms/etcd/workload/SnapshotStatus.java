package dev.charms.etcd.workload;

/**
 * What {@code snapshot status} says of a snapshot file.
 *
 * @param hash the hash of the keyspace
 * @param revision the revision the snapshot was taken at
 * @param totalKeys number of keys (including internal ones)
 * @param totalSize database size in bytes
 */
public record SnapshotStatus(long hash, long revision, long totalKeys, long totalSize) {
}
