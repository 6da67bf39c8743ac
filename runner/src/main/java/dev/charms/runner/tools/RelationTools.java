package dev.charms.runner.tools;

import dev.charms.runner.model.Relation;
import dev.charms.runner.model.RelationEndpoint;
import dev.charms.runner.model.UnitNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** relation-get, relation-set, relation-ids and relation-list, with Juju's access rules. */
final class RelationTools {
    private static final Pattern APP_NAME = Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*");

    private RelationTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(
                ToolSpec.formatted("relation-get", new Flags().value("r", "relation").bool("app"), RelationTools::get),
                ToolSpec.of("relation-set", new Flags().value("r", "relation").bool("app").value("file")
                        .value("format"), RelationTools::set),
                ToolSpec.formatted("relation-ids", new Flags(), RelationTools::ids),
                ToolSpec.formatted("relation-list", new Flags().value("r", "relation").bool("app"), RelationTools::list));
    }

    private static Object get(ToolCall call) throws ToolException {
        HookContext ctx = call.ctx();
        Relation rel = call.relation();
        List<String> args = call.args();
        String key = args.isEmpty() || args.get(0).equals("-") ? null : args.get(0);
        boolean app = call.has("app");
        String name;
        if (args.size() > 1) {
            name = args.get(1);
            if (app && UnitNames.isUnitName(name)) {
                name = UnitNames.application(name);
            } else if (app && !APP_NAME.matcher(name).matches()) {
                throw ToolException.usage("invalid application name " + ToolCall.goQuote(name));
            }
            if (!app && !UnitNames.isUnitName(name)) {
                throw ToolException.usage(APP_NAME.matcher(name).matches()
                        ? "expected unit name, got application name " + ToolCall.goQuote(name)
                        : "invalid unit name " + ToolCall.goQuote(name));
            }
        } else if (!app && !ctx.remoteUnit().isEmpty()) {
            name = ctx.remoteUnit();
        } else {
            name = ctx.remoteApp();
            app = true;
        }
        if (name.isEmpty()) {
            throw ToolException.usage("no unit or application specified");
        }
        call.noMoreArgs(2);
        Map<String, String> bag = app ? appBag(ctx, rel, name) : unitBag(ctx, rel, name);
        return key == null ? bag : bag.get(key);
    }

    private static Map<String, String> appBag(HookContext ctx, Relation rel, String app) throws ToolException {
        String own = ctx.unit().applicationName();
        if (app.equals(own)) {
            if (ctx.isLeader()) {
                return ctx.ownAppBag(rel);
            }
            if (!rel.isPeer()) {
                throw ToolException.failure("permission denied");
            }
            return rel.appBag(own).snapshot();
        }
        if (!rel.involves(app)) {
            throw ToolException.failure("unknown application " + app);
        }
        return rel.appBag(app).snapshot();
    }

    private static Map<String, String> unitBag(HookContext ctx, Relation rel, String unit) throws ToolException {
        if (unit.equals(ctx.unit().name())) {
            return ctx.ownUnitBag(rel);
        }
        if (!rel.involves(UnitNames.application(unit)) || !rel.hasUnitBag(unit)) {
            throw ToolException.failure("unknown unit " + unit);
        }
        return rel.unitBag(unit).snapshot();
    }

    private static Object set(ToolCall call) throws ToolException {
        Relation rel = call.relation();
        Map<String, String> pairs = ToolCall.keyValues(call.args());
        Map<String, String> settings = new LinkedHashMap<>();
        if (call.value("file") != null) {
            settings.putAll(call.readSettingsFile(call.value("file")));
        }
        settings.putAll(pairs);
        boolean app = call.has("app");
        if (app && !call.ctx().isLeader()) {
            throw ToolException.failure("cannot write relation settings");
        }
        call.ctx().setRelation(rel, app, settings);
        return RawOutput.formatDeprecated(call);
    }

    private static Object ids(ToolCall call) throws ToolException {
        HookContext ctx = call.ctx();
        String endpoint;
        if (!call.args().isEmpty()) {
            endpoint = call.args().get(0);
        } else {
            endpoint = ctx.relation().flatMap(r -> r.endpointOf(ctx.unit().applicationName()))
                    .map(RelationEndpoint::name).orElseThrow(() -> ToolException.usage("no endpoint name specified"));
        }
        call.noMoreArgs(1);
        String own = ctx.unit().applicationName();
        return ctx.visibleRelations().stream()
                .filter(r -> r.endpointOf(own).map(e -> e.name().equals(endpoint)).orElse(false))
                .map(ctx::relationIdString).sorted().toList();
    }

    private static Object list(ToolCall call) throws ToolException {
        HookContext ctx = call.ctx();
        Relation rel = call.relation();
        call.noMoreArgs(0);
        String remoteApp = rel.remoteApplication(ctx.unit().applicationName());
        if (call.has("app")) {
            return remoteApp;
        }
        return ctx.members(rel);
    }
}
