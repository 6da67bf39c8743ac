package dev.charms.runner.tools;

import dev.charms.charmfiles.Resource;
import dev.charms.runner.model.Relation;
import dev.charms.runner.model.Status;
import dev.charms.runner.model.StorageAttachment;
import dev.charms.runner.model.Unit;
import dev.charms.runner.model.UnitNames;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** resource-get, storage-get, juju-reboot and goal-state. */
final class MiscTools {
    private MiscTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(
                ToolSpec.of("resource-get", new Flags(), MiscTools::resourceGet),
                ToolSpec.formatted("storage-get", new Flags().value("s"), MiscTools::storageGet),
                ToolSpec.of("juju-reboot", new Flags().bool("now"), MiscTools::reboot),
                ToolSpec.formatted("goal-state", new Flags(), MiscTools::goalState).yamlOrJson());
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

    /**
     * As Juju's {@code goal-state}: {@code units}, every unit of this application with its status (its
     * workload status, {@code dying} once it is being removed) and since when; {@code relations}, per
     * endpoint of this application's relations, the remote application (status {@code joined}, or
     * {@code dying}) and each of its units, the unit itself left out of a peer relation.
     */
    private static Object goalState(ToolCall call) throws ToolException {
        call.noMoreArgs(0);
        Unit self = call.unit();
        Map<String, Object> units = new TreeMap<>(UnitNames.ORDER);
        for (Unit u : self.application().units()) {
            units.put(u.name(), unitGoal(u));
        }
        Map<String, Object> relations = new TreeMap<>();
        for (Relation rel : self.relations()) {
            String endpoint = rel.endpointOf(self.applicationName()).orElseThrow().spec().name();
            String remote = rel.remoteApplication(self.applicationName());
            Map<String, Object> entries = new LinkedHashMap<>();
            if (!rel.isPeer()) {
                entries.put(remote, goal(rel.isDying() ? "dying" : "joined", null));
            }
            self.application().model().application(remote).ifPresent(app -> app.units().stream()
                    .filter(u -> u != self).sorted(java.util.Comparator.comparing(Unit::name, UnitNames.ORDER))
                    .forEach(u -> entries.put(u.name(), unitGoal(u))));
            relations.put(endpoint, entries);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("units", units);
        out.put("relations", relations);
        return out;
    }

    private static Map<String, Object> unitGoal(Unit unit) {
        Status workload = unit.workloadStatus();
        return goal(unit.isDying() ? "dying" : workload == null ? "waiting" : workload.status(),
                workload == null ? null : workload.since());
    }

    private static Map<String, Object> goal(String status, Instant since) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", status);
        if (since != null) {
            out.put("since", DateTimeFormatter.ISO_INSTANT.format(since.truncatedTo(ChronoUnit.SECONDS)));
        }
        return out;
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
