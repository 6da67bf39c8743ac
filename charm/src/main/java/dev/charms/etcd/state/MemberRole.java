package dev.charms.etcd.state;

/** A roster member's role in etcd: a learner until the leader promotes it, then a voter. */
public enum MemberRole {
    LEARNER("learner"),
    VOTER("voter");

    private final String wire;

    MemberRole(String wire) {
        this.wire = wire;
    }

    /** The value in the roster's JSON. */
    public String wire() {
        return wire;
    }

    /** The role a roster value names: {@code learner} is a learner, anything else a voter. */
    public static MemberRole parse(String value) {
        return LEARNER.wire.equals(value) ? LEARNER : VOTER;
    }
}
