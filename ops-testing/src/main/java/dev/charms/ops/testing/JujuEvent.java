package dev.charms.ops.testing;

import java.util.Map;
import java.util.Objects;

/**
 * One thing Juju can dispatch to a unit: a hook or an action. Made with the static factories, one per
 * hook kind, and run with {@link Context#run}. Relation events name the relation of the {@link State} they
 * run against (by endpoint and id).
 */
public sealed interface JujuEvent {
    /** {@code hooks/<name>} or {@code actions/<name>}. */
    String dispatchPath();

    /** The hook name ({@code JUJU_HOOK_NAME}); empty for an action. */
    String hookName();

    /** A hook that carries no extra variables (install, start, config-changed, ...). */
    record Hook(String name) implements JujuEvent {
        public String dispatchPath() {
            return "hooks/" + name;
        }

        public String hookName() {
            return name;
        }
    }

    /**
     * A relation hook. {@code kind} is created, joined, changed, departed or broken; {@code remoteUnit} is
     * null where Juju leaves JUJU_REMOTE_UNIT empty; {@code departingUnit} is set only for departed.
     */
    record RelationHook(String kind, String endpoint, int relationId, String remoteUnit, String departingUnit)
            implements JujuEvent {
        public String dispatchPath() {
            return "hooks/" + hookName();
        }

        public String hookName() {
            return endpoint + "-relation-" + kind;
        }
    }

    /** {@code <storage>-storage-attached} or {@code -detaching}; a null location means metadata's. */
    record StorageHook(String kind, String storage, int index, String location) implements JujuEvent {
        public String dispatchPath() {
            return "hooks/" + hookName();
        }

        public String hookName() {
            return storage + "-storage-" + kind;
        }
    }

    /** {@code secret-changed/-remove/-expired/-rotate}; revision is null where Juju sets none. */
    record SecretHook(String kind, String secretId, String label, Integer revision) implements JujuEvent {
        public String dispatchPath() {
            return "hooks/" + hookName();
        }

        public String hookName() {
            return "secret-" + kind;
        }
    }

    /** An action with the parameters a user gave (before Juju's schema defaults are added). */
    record ActionCall(String name, Map<String, Object> params) implements JujuEvent {
        public ActionCall {
            params = Copies.map(params, "action params");
        }

        public String dispatchPath() {
            return "actions/" + name;
        }

        public String hookName() {
            return "";
        }
    }

    static JujuEvent install() {
        return new Hook("install");
    }

    static JujuEvent start() {
        return new Hook("start");
    }

    static JujuEvent stop() {
        return new Hook("stop");
    }

    static JujuEvent remove() {
        return new Hook("remove");
    }

    static JujuEvent configChanged() {
        return new Hook("config-changed");
    }

    static JujuEvent upgradeCharm() {
        return new Hook("upgrade-charm");
    }

    static JujuEvent updateStatus() {
        return new Hook("update-status");
    }

    static JujuEvent leaderElected() {
        return new Hook("leader-elected");
    }

    static JujuEvent leaderSettingsChanged() {
        return new Hook("leader-settings-changed");
    }

    static JujuEvent preSeriesUpgrade() {
        return new Hook("pre-series-upgrade");
    }

    static JujuEvent postSeriesUpgrade() {
        return new Hook("post-series-upgrade");
    }

    static JujuEvent relationCreated(RelationState relation) {
        return new RelationHook("created", relation.endpoint(), relation.id(), null, null);
    }

    static JujuEvent relationJoined(RelationState relation, String remoteUnit) {
        return new RelationHook("joined", relation.endpoint(), relation.id(), remoteUnit, null);
    }

    /** A remote unit's bag changed. */
    static JujuEvent relationChanged(RelationState relation, String remoteUnit) {
        return new RelationHook("changed", relation.endpoint(), relation.id(),
                Objects.requireNonNull(remoteUnit, "remoteUnit (use relationAppChanged for the app bag)"), null);
    }

    /** The remote application's bag changed (JUJU_REMOTE_UNIT is empty). */
    static JujuEvent relationAppChanged(RelationState relation) {
        return new RelationHook("changed", relation.endpoint(), relation.id(), null, null);
    }

    /**
     * {@code remoteUnit} is the unit this hook is about; {@code departingUnit} the unit leaving (the remote
     * unit on survivors, this unit on the one being removed).
     */
    static JujuEvent relationDeparted(RelationState relation, String remoteUnit, String departingUnit) {
        return new RelationHook("departed", relation.endpoint(), relation.id(), remoteUnit, departingUnit);
    }

    static JujuEvent relationBroken(RelationState relation) {
        return new RelationHook("broken", relation.endpoint(), relation.id(), null, null);
    }

    /** The first instance ({@code <storage>/0}) at metadata's location. */
    static JujuEvent storageAttached(String storage) {
        return new StorageHook("attached", storage, 0, null);
    }

    static JujuEvent storageAttached(String storage, int index, String location) {
        return new StorageHook("attached", storage, index, location);
    }

    static JujuEvent storageDetaching(String storage) {
        return new StorageHook("detaching", storage, 0, null);
    }

    /** A new revision of a secret this unit consumes (no JUJU_SECRET_REVISION). */
    static JujuEvent secretChanged(Secret secret) {
        return new SecretHook("changed", secret.id(), secret.label(), null);
    }

    /** No consumer tracks {@code revision} of an owned secret any more. */
    static JujuEvent secretRemove(Secret secret, int revision) {
        return new SecretHook("remove", secret.id(), secret.label(), revision);
    }

    static JujuEvent secretExpired(Secret secret, int revision) {
        return new SecretHook("expired", secret.id(), secret.label(), revision);
    }

    static JujuEvent secretRotate(Secret secret) {
        return new SecretHook("rotate", secret.id(), secret.label(), null);
    }

    static JujuEvent action(String name, Map<String, ?> params) {
        return new ActionCall(name, Map.copyOf(params));
    }

    static JujuEvent action(String name) {
        return new ActionCall(name, Map.of());
    }
}
