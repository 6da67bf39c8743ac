package dev.charms.ops;

/**
 * A typed Juju event, made from the hook environment by {@link EventParser}. Handlers observe event
 * types with {@link Framework#observe}.
 */
public sealed interface Event {
    /** The hook or action name as Juju gives it, e.g. {@code cluster-relation-changed}. */
    String name();

    /** A relation event's relation: endpoint name and numeric id. */
    record RelationRef(String endpoint, int id) {
    }

    record Install() implements Event {
        public String name() {
            return "install";
        }
    }

    record Start() implements Event {
        public String name() {
            return "start";
        }
    }

    record Stop() implements Event {
        public String name() {
            return "stop";
        }
    }

    record Remove() implements Event {
        public String name() {
            return "remove";
        }
    }

    record ConfigChanged() implements Event {
        public String name() {
            return "config-changed";
        }
    }

    record UpgradeCharm() implements Event {
        public String name() {
            return "upgrade-charm";
        }
    }

    record UpdateStatus() implements Event {
        public String name() {
            return "update-status";
        }
    }

    record LeaderElected() implements Event {
        public String name() {
            return "leader-elected";
        }
    }

    record LeaderSettingsChanged() implements Event {
        public String name() {
            return "leader-settings-changed";
        }
    }

    /** pre/post-series-upgrade, collect-metrics and other hooks Juju may run that need no work. */
    record Other(String name) implements Event {
    }

    /** Common shape of relation events. */
    sealed interface RelationEvent extends Event {
        RelationRef relation();

        String remoteApp();
    }

    record RelationCreated(RelationRef relation, String remoteApp) implements RelationEvent {
        public String name() {
            return relation.endpoint() + "-relation-created";
        }
    }

    record RelationJoined(RelationRef relation, String remoteApp, String remoteUnit) implements RelationEvent {
        public String name() {
            return relation.endpoint() + "-relation-joined";
        }
    }

    /** {@code remoteUnit} is null for an application data bag change. */
    record RelationChanged(RelationRef relation, String remoteApp, String remoteUnit) implements RelationEvent {
        public String name() {
            return relation.endpoint() + "-relation-changed";
        }
    }

    record RelationDeparted(RelationRef relation, String remoteApp, String remoteUnit, String departingUnit)
            implements RelationEvent {
        public String name() {
            return relation.endpoint() + "-relation-departed";
        }
    }

    record RelationBroken(RelationRef relation, String remoteApp) implements RelationEvent {
        public String name() {
            return relation.endpoint() + "-relation-broken";
        }
    }

    record StorageAttached(String storage, String storageId, String location) implements Event {
        public String name() {
            return storage + "-storage-attached";
        }
    }

    record StorageDetaching(String storage, String storageId, String location) implements Event {
        public String name() {
            return storage + "-storage-detaching";
        }
    }

    /** secret-changed, secret-expired, secret-remove or secret-rotate. */
    record SecretEvent(String kind, String secretId, String label, String revision) implements Event {
        public String name() {
            return "secret-" + kind;
        }
    }

    /** An action; its parameters and results go through {@link ActionContext}. */
    record Action(String action, String taskId) implements Event {
        public String name() {
            return action;
        }
    }
}
