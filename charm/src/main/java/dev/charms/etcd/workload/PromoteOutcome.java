package dev.charms.etcd.workload;

/** What a learner promotion did. */
public enum PromoteOutcome {
    /** The learner is now a voting member. */
    PROMOTED,
    /** etcd refused: the learner has not caught up with the leader yet; retry later. */
    NOT_READY
}
