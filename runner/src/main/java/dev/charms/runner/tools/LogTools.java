package dev.charms.runner.tools;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** juju-log: writes to the unit's log through the controller's {@link LogSink}. */
final class LogTools {
    private static final Map<String, String> LEVELS = Map.of("TRACE", "TRACE", "DEBUG", "DEBUG", "INFO", "INFO",
            "WARN", "WARNING", "WARNING", "WARNING", "ERROR", "ERROR", "CRITICAL", "CRITICAL");

    private LogTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(ToolSpec.of("juju-log",
                new Flags().value("l", "log-level").bool("debug").value("format"), LogTools::log));
    }

    private static Object log(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("no message specified");
        }
        HookContext ctx = call.ctx();
        String unit = ctx.unit().name();
        String logger = "unit." + unit + ".juju-log";
        String level = "INFO";
        if (call.has("debug")) {
            level = "DEBUG";
        } else if (call.value("l") != null) {
            String requested = call.value("l");
            String known = LEVELS.get(requested.toUpperCase(Locale.ROOT));
            if (known == null) {
                call.logSink().log(unit, "WARNING", logger,
                        "Specified log level of " + ToolCall.goQuote(requested) + " is not valid");
            } else {
                level = known;
            }
        }
        String message = String.join(" ", call.args());
        String prefix = ctx.relation().map(r -> ctx.relationIdString(r) + ": ").orElse("");
        call.logSink().log(unit, level, logger, prefix + message);
        return RawOutput.formatDeprecated(call);
    }
}
