package dev.charms.runner.tools;

import dev.charms.charmfiles.Resource;
import dev.charms.runner.model.StorageAttachment;
import dev.charms.runner.model.Unit;
import dev.charms.runner.model.UnitNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** resource-get, storage-get and juju-reboot. */
final class MiscTools {
    private MiscTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(
                ToolSpec.of("resource-get", new Flags(), MiscTools::resourceGet),
                ToolSpec.formatted("storage-get", new Flags().value("s"), MiscTools::storageGet),
                ToolSpec.of("juju-reboot", new Flags().bool("now"), MiscTools::reboot));
    }

    /** Where the controller puts a unit's copy of a resource: {@code <agent dir>/resources/<name>/<filename>}. */
    static String resourcePath(Unit unit, Resource spec) {
        return "/var/lib/juju/agents/" + UnitNames.tag(unit.name()) + "/resources/" + spec.name() + "/"
                + spec.filename();
    }

    private static Object resourceGet(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("missing required resource name");
        }
        String name = call.args().get(0);
        call.noMoreArgs(1);
        Unit unit = call.unit();
        Resource spec = unit.application().meta().resources().get(name);
        if (spec == null || !unit.application().resources().containsKey(name)) {
            throw ToolException.failure("could not download resource: resource#" + unit.applicationName() + "/"
                    + name + " not found");
        }
        return RawOutput.stdout(resourcePath(unit, spec));
    }

    private static Object storageGet(ToolCall call) throws ToolException {
        String id = call.value("s");
        StorageAttachment storage;
        if (id != null) {
            storage = call.unit().storage().get(id);
            if (storage == null) {
                throw ToolException.usage("invalid value " + ToolCall.goQuote(id) + " for option -s: storage instance "
                        + ToolCall.goQuote(id) + " not found");
            }
        } else {
            storage = call.ctx().storage().orElseThrow(() -> ToolException.usage("no storage instance specified"));
        }
        String key = call.args().isEmpty() ? null : call.args().get(0);
        call.noMoreArgs(1);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("kind", storage.kind());
        attrs.put("location", storage.location());
        if (key == null) {
            return attrs;
        }
        if (!attrs.containsKey(key)) {
            throw ToolException.failure("invalid storage attribute " + ToolCall.goQuote(key));
        }
        return attrs.get(key);
    }

    private static Object reboot(ToolCall call) throws ToolException {
        call.noMoreArgs(0);
        if (call.ctx().action().isPresent()) {
            throw ToolException.failure("juju-reboot is not supported when running an action.");
        }
        call.ctx().requestReboot(call.has("now"));
        return null;
    }
}
