package dev.charms.runner.tools;

import dev.charms.runner.model.Status;
import dev.charms.runner.model.Unit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** status-set, status-get and application-version-set (all immediate). */
final class StatusTools {
    private static final List<String> SETTABLE = List.of("maintenance", "blocked", "waiting", "active");

    private StatusTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(
                ToolSpec.of("status-set", new Flags().bool("application"), StatusTools::statusSet),
                ToolSpec.formatted("status-get", new Flags().bool("include-data").bool("application"),
                        StatusTools::statusGet),
                ToolSpec.of("application-version-set", new Flags(), StatusTools::versionSet));
    }

    private static Object statusSet(ToolCall call) throws ToolException {
        List<String> args = call.args();
        if (args.isEmpty()) {
            throw ToolException.usage("invalid args, require <status> [message]");
        }
        String status = args.get(0);
        if (!SETTABLE.contains(status)) {
            throw ToolException.usage("invalid status " + ToolCall.goQuote(status) + ", expected one of ["
                    + String.join(" ", SETTABLE) + "]");
        }
        call.noMoreArgs(2);
        Status value = Status.of(status, args.size() > 1 ? args.get(1) : "");
        if (call.has("application")) {
            if (!call.ctx().isLeader()) {
                throw ToolException.failure("this unit is not the leader");
            }
            call.unit().application().setStatus(value);
        } else {
            call.unit().setWorkloadStatus(value);
        }
        return null;
    }

    private static Object statusGet(ToolCall call) throws ToolException {
        call.noMoreArgs(0);
        boolean data = call.has("include-data");
        Unit unit = call.unit();
        if (call.has("application")) {
            if (!call.ctx().isLeader()) {
                throw ToolException.failure("finding application status: this unit is not the leader");
            }
            if (!data && call.format().equals("smart")) {
                return unit.application().status().status();
            }
            Map<String, Object> details = details(unit.application().status(), data);
            Map<String, Object> units = new LinkedHashMap<>();
            unit.application().units().forEach(u -> units.put(u.name(), details(u.workloadStatus(), data)));
            details.put("units", units);
            return Map.of("application-status", details);
        }
        Status status = unit.workloadStatus();
        if (!data && call.format().equals("smart")) {
            return status.status();
        }
        return details(status, data);
    }

    private static Map<String, Object> details(Status status, boolean includeData) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", status.status());
        if (includeData) {
            out.put("status-data", new LinkedHashMap<>(status.data()));
            out.put("message", status.message());
        }
        return out;
    }

    private static Object versionSet(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("no version specified");
        }
        call.noMoreArgs(1);
        call.unit().setWorkloadVersion(call.args().get(0));
        return null;
    }
}
