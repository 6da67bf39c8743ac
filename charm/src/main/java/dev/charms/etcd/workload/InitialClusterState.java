package dev.charms.etcd.workload;

/** etcd's {@code initial-cluster-state}: bootstrap a new cluster, or join an existing one. */
public enum InitialClusterState {
    /** The first member of a new cluster. */
    NEW,
    /** A member added to a running cluster (e.g. as a learner) before it starts. */
    EXISTING;

    /** The value etcd expects. */
    public String etcdName() {
        return this == NEW ? "new" : "existing";
    }
}
