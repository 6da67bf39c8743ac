package dev.charms.runner.tools;

import dev.charms.runner.agent.ToolHandler;
import dev.charms.runner.agent.ToolRequest;
import dev.charms.runner.agent.ToolResponse;
import dev.charms.runner.model.Model;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.Relation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Answers hook tool calls from units: finds the running {@link HookContext} by the caller's
 * JUJU_CONTEXT_ID and runs the tool with Juju's flag parsing, output formats, error texts and exit
 * codes. {@code systemctl} and {@code journalctl} are forwarded to the unit's emulated systemd.
 * Thread-safe.
 */
public final class HookToolServer implements ToolHandler {
    private static final Set<String> SYSTEMD_TOOLS = Set.of("systemctl", "journalctl");

    private final Model model;
    private final LogSink logSink;
    private final Function<String, ToolHandler> systemdOf;
    private final UnitPaths paths;
    private final Map<String, ToolSpec> tools = new HashMap<>();
    private final Map<String, HookContext> contexts = new ConcurrentHashMap<>();

    /**
     * @param model     the model the contexts belong to
     * @param logSink   receives juju-log lines
     * @param systemdOf unit name to the handler of its systemctl/journalctl
     * @param paths     maps paths inside a unit to host paths (--file, -o, k#file=)
     */
    public HookToolServer(Model model, LogSink logSink, Function<String, ToolHandler> systemdOf, UnitPaths paths) {
        this.model = model;
        this.logSink = logSink;
        this.systemdOf = systemdOf;
        this.paths = paths;
        for (List<ToolSpec> group : List.of(ConfigTools.specs(), RelationTools.specs(), NetworkTools.specs(),
                LeaderTools.specs(), StatusTools.specs(), PortTools.specs(), LogTools.specs(), ActionTools.specs(),
                StateTools.specs(), SecretTools.specs(), SecretReadTools.specs(), MiscTools.specs())) {
            group.forEach(t -> tools.put(t.name(), t));
        }
    }

    /** Names of every hook tool served here (plus systemctl and journalctl, forwarded). */
    public Set<String> toolNames() {
        Set<String> names = new TreeSet<>(tools.keySet());
        names.addAll(SYSTEMD_TOOLS);
        return names;
    }

    /** Makes a context reachable by its id; call before starting the hook process. */
    public void register(HookContext ctx) {
        if (ctx.model() != model) {
            throw new IllegalArgumentException("context " + ctx.id() + " belongs to another model");
        }
        contexts.put(ctx.id(), ctx);
    }

    /** Makes a context unreachable; later calls with its id fail as an unknown context. */
    public void unregister(HookContext ctx) {
        contexts.remove(ctx.id(), ctx);
    }

    LogSink logSink() {
        return logSink;
    }

    UnitPaths paths() {
        return paths;
    }

    @Override
    public ToolResponse handle(ToolRequest request) {
        if (SYSTEMD_TOOLS.contains(request.tool())) {
            return systemdOf.apply(request.unit()).handle(request);
        }
        String contextId = request.env().getOrDefault("JUJU_CONTEXT_ID", "");
        HookContext ctx = contexts.get(contextId);
        if (ctx == null || ctx.isClosed() || !ctx.unit().name().equals(request.unit())) {
            return ToolResponse.error(1, "bad request: wrong context ID; got " + ToolCall.goQuote(contextId));
        }
        ToolSpec spec = tools.get(request.tool());
        if (spec == null) {
            return ToolResponse.error(1, "bad request: unknown command: " + request.tool());
        }
        ToolResponse response = answer(spec, ctx, request, contextId);
        if (!response.needsStdin()) {
            ctx.countToolCall(request.tool());
        }
        return response;
    }

    private ToolResponse answer(ToolSpec spec, HookContext ctx, ToolRequest request, String contextId) {
        try {
            return run(spec, ctx, request);
        } catch (ToolException e) {
            return ToolResponse.error(e.code(), e.getMessage());
        } catch (HookContext.ClosedException e) {
            return ToolResponse.error(1, "bad request: wrong context ID; got " + ToolCall.goQuote(contextId));
        } catch (ToolCall.NeedsStdin e) {
            return ToolResponse.NEEDS_STDIN;
        } catch (ModelException e) {
            return ToolResponse.error(1, e.getMessage());
        }
    }

    private ToolResponse run(ToolSpec spec, HookContext ctx, ToolRequest request) throws ToolException {
        int end = request.args().indexOf("--");
        List<String> flagArea = end < 0 ? request.args() : request.args().subList(0, end);
        if (flagArea.contains("--help") || flagArea.contains("-h")) {
            return ToolResponse.ok(spec.flags().usage(spec.name()));
        }
        Flags.Parsed parsed = spec.flags().parse(request.args());
        String format = spec.defaultFormat();
        if (spec.formatted() && parsed.value("format") != null) {
            format = parsed.value("format");
            if (!spec.formats().contains(format)) {
                throw ToolException.usage("invalid value " + ToolCall.goQuote(format) + " for option --format: "
                        + "unknown format " + ToolCall.goQuote(format));
            }
        }
        Relation relation = spec.flags().defines("r") && parsed.value("r") != null
                ? resolveRelation(ctx, parsed.value("r"), parsed.writtenAs("r")) : null;
        if (spec.actionOnly() && ctx.action().isEmpty()) {
            throw ToolException.failure("not running an action");
        }
        ToolCall call = new ToolCall(ctx, parsed, request, this, relation, format);
        Object result = spec.tool().run(call);
        if (result instanceof RawOutput raw) {
            return new ToolResponse(0, raw.stdout().getBytes(StandardCharsets.UTF_8),
                    raw.stderr().getBytes(StandardCharsets.UTF_8));
        }
        if (!spec.formatted()) {
            return ToolResponse.ok(result == null ? "" : String.valueOf(result));
        }
        String out = Formatter.format(result, format);
        if (parsed.value("o") != null) {
            try {
                Files.writeString(call.hostPath(parsed.value("o")), out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw ToolException.failure("cannot write output file " + parsed.value("o") + ": " + e.getMessage());
            }
            return ToolResponse.ok("");
        }
        return ToolResponse.ok(out);
    }

    /** -r N or -r ep:N, as Juju's relationIdValue: only the trailing integer counts. */
    static Relation resolveRelation(HookContext ctx, String value, String writtenAs) throws ToolException {
        String trimmed = value.substring(value.lastIndexOf(':') + 1);
        int id;
        try {
            id = Integer.parseInt(trimmed);
        } catch (NumberFormatException e) {
            throw ToolException.usage("invalid value " + ToolCall.goQuote(value) + " for option " + writtenAs
                    + ": invalid relation id");
        }
        return ctx.visibleRelation(id).orElseThrow(() -> ToolException.usage("invalid value "
                + ToolCall.goQuote(value) + " for option " + writtenAs + ": relation not found"));
    }
}
