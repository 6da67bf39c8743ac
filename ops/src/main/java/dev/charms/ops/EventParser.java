package dev.charms.ops;

import java.util.Set;

/**
 * Turns {@code JUJU_DISPATCH_PATH} ({@code hooks/<hook>} or {@code actions/<action>}) and the relation,
 * storage, secret and action variables into a typed {@link Event}. An unknown hook or action name is an
 * error naming it, never a silent no-op.
 */
public final class EventParser {
    private static final Set<String> NO_WORK_HOOKS = Set.of("pre-series-upgrade", "post-series-upgrade",
            "collect-metrics", "meter-status-changed");

    private EventParser() {
    }

    public static Event parse(JujuContext ctx, CharmSpec spec) {
        String path = ctx.dispatchPath();
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1 || path.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("JUJU_DISPATCH_PATH '" + path
                    + "' is not of the form hooks/<name> or actions/<name>");
        }
        String kind = path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (kind.equals("actions")) {
            if (!spec.actions().contains(name)) {
                throw new IllegalArgumentException("unknown action '" + name + "' (not in actions.yaml)");
            }
            String task = ctx.get("JUJU_ACTION_UUID");
            return new Event.Action(name, task == null ? "" : task);
        }
        if (!kind.equals("hooks")) {
            throw new IllegalArgumentException("JUJU_DISPATCH_PATH '" + path + "' names neither hooks/ nor actions/");
        }
        return hook(ctx, spec, name);
    }

    private static Event hook(JujuContext ctx, CharmSpec spec, String name) {
        switch (name) {
            case "install": return new Event.Install();
            case "start": return new Event.Start();
            case "stop": return new Event.Stop();
            case "remove": return new Event.Remove();
            case "config-changed": return new Event.ConfigChanged();
            case "upgrade-charm": return new Event.UpgradeCharm();
            case "update-status": return new Event.UpdateStatus();
            case "leader-elected": return new Event.LeaderElected();
            case "leader-settings-changed": return new Event.LeaderSettingsChanged();
            default: break;
        }
        if (NO_WORK_HOOKS.contains(name)) {
            return new Event.Other(name);
        }
        if (name.startsWith("secret-")) {
            String kind = name.substring("secret-".length());
            if (Set.of("changed", "expired", "remove", "rotate").contains(kind)) {
                return new Event.SecretEvent(kind, ctx.get("JUJU_SECRET_ID"), ctx.get("JUJU_SECRET_LABEL"),
                        ctx.get("JUJU_SECRET_REVISION"));
            }
        }
        for (String suffix : new String[] {"-storage-attached", "-storage-detaching"}) {
            if (name.endsWith(suffix)) {
                String storage = name.substring(0, name.length() - suffix.length());
                if (!spec.storages().contains(storage)) {
                    throw new IllegalArgumentException("unknown storage '" + storage + "' in hook " + name);
                }
                String id = ctx.get("JUJU_STORAGE_ID");
                String location = ctx.get("JUJU_STORAGE_LOCATION");
                return suffix.endsWith("attached") ? new Event.StorageAttached(storage, id, location)
                        : new Event.StorageDetaching(storage, id, location);
            }
        }
        int rel = name.lastIndexOf("-relation-");
        if (rel > 0) {
            return relationEvent(ctx, spec, name, name.substring(0, rel), name.substring(rel + "-relation-".length()));
        }
        throw new IllegalArgumentException("unknown hook '" + name + "'");
    }

    private static Event relationEvent(JujuContext ctx, CharmSpec spec, String hook, String endpoint, String kind) {
        if (!spec.endpoints().contains(endpoint)) {
            throw new IllegalArgumentException("unknown relation endpoint '" + endpoint + "' in hook " + hook);
        }
        String idText = ctx.get("JUJU_RELATION_ID");
        if (idText == null) {
            throw new IllegalStateException("JUJU_RELATION_ID is not set for relation hook " + hook);
        }
        int id;
        try {
            id = Integer.parseInt(idText.substring(idText.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("JUJU_RELATION_ID '" + idText + "' has no numeric id");
        }
        Event.RelationRef ref = new Event.RelationRef(endpoint, id);
        String app = ctx.get("JUJU_REMOTE_APP");
        String unit = ctx.get("JUJU_REMOTE_UNIT");
        return switch (kind) {
            case "created" -> new Event.RelationCreated(ref, app);
            case "joined" -> new Event.RelationJoined(ref, app, required(unit, hook));
            case "changed" -> new Event.RelationChanged(ref, app, unit);
            case "departed" -> new Event.RelationDeparted(ref, app, required(unit, hook),
                    ctx.get("JUJU_DEPARTING_UNIT"));
            case "broken" -> new Event.RelationBroken(ref, app);
            default -> throw new IllegalArgumentException("unknown hook '" + hook + "'");
        };
    }

    private static String required(String remoteUnit, String hook) {
        if (remoteUnit == null) {
            throw new IllegalStateException("JUJU_REMOTE_UNIT is not set for " + hook);
        }
        return remoteUnit;
    }
}
