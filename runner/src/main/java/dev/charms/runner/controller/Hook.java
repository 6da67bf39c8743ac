package dev.charms.runner.controller;

/**
 * One hook the controller will run on a unit, with the arguments Juju passes in the environment.
 *
 * @param name          the hook name, e.g. {@code install} or {@code cluster-relation-changed}
 * @param kind          what the hook is about (decides coalescing and which arguments are set)
 * @param relationId    the relation id for relation hooks, else -1
 * @param endpoint      the local endpoint for relation hooks, else null
 * @param remoteUnit    JUJU_REMOTE_UNIT (null when not set: created, broken, app-level changed)
 * @param remoteApp     JUJU_REMOTE_APP for relation hooks
 * @param departingUnit JUJU_DEPARTING_UNIT for departed hooks
 * @param storageId     JUJU_STORAGE_ID for storage hooks, e.g. {@code data/0}
 * @param secretUri     JUJU_SECRET_ID for secret hooks
 */
record Hook(String name, Kind kind, int relationId, String endpoint, String remoteUnit, String remoteApp,
                   String departingUnit, String storageId, String secretUri) {

    /** Hook families. */
    enum Kind { UNIT, RELATION_CREATED, RELATION_JOINED, RELATION_CHANGED, RELATION_DEPARTED,
        RELATION_BROKEN, STORAGE, SECRET }

    /** A unit-level hook: install, start, config-changed, leader-elected, update-status, stop, remove ... */
    static Hook unit(String name) {
        return new Hook(name, Kind.UNIT, -1, null, null, null, null, null, null);
    }

    static Hook relation(Kind kind, String endpoint, int relationId, String remoteUnit, String remoteApp,
                                String departingUnit) {
        String suffix = switch (kind) {
            case RELATION_CREATED -> "created";
            case RELATION_JOINED -> "joined";
            case RELATION_CHANGED -> "changed";
            case RELATION_DEPARTED -> "departed";
            case RELATION_BROKEN -> "broken";
            default -> throw new IllegalArgumentException("not a relation hook kind: " + kind);
        };
        return new Hook(endpoint + "-relation-" + suffix, kind, relationId, endpoint, remoteUnit, remoteApp,
            departingUnit, null, null);
    }

    /** {@code <storage>-storage-attached} or {@code -detaching} for storage instance {@code storageId}. */
    static Hook storage(String storageName, String event, String storageId) {
        return new Hook(storageName + "-storage-" + event, Kind.STORAGE, -1, null, null, null, null, storageId, null);
    }

    static Hook secretChanged(String uri) {
        return new Hook("secret-changed", Kind.SECRET, -1, null, null, null, null, null, uri);
    }

    /** Whether this is an application-level relation-changed (no remote unit). */
    boolean appLevelChange() {
        return kind == Kind.RELATION_CHANGED && remoteUnit == null;
    }

    /** Same relation and remote unit as {@code other} (ignoring the hook kind). */
    boolean sameTarget(Hook other) {
        return relationId == other.relationId && java.util.Objects.equals(remoteUnit, other.remoteUnit);
    }

    @Override
    public String toString() {
        return remoteUnit == null ? name : name + "(" + remoteUnit + ")";
    }
}
