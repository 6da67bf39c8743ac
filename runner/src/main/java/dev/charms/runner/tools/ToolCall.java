package dev.charms.runner.tools;

import dev.charms.runner.agent.ToolRequest;
import dev.charms.runner.model.Model;
import dev.charms.runner.model.Relation;
import dev.charms.runner.model.Unit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One tool invocation: the context, parsed flags and arguments, and access to stdin and unit files. */
final class ToolCall {
    /** Thrown when the tool needs stdin that the client did not send yet. */
    static final class NeedsStdin extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NeedsStdin() {
            super(null, null, false, false);
        }
    }

    private final HookContext ctx;
    private final Flags.Parsed parsed;
    private final ToolRequest request;
    private final HookToolServer server;
    private final Relation relationFlag;
    private final String format;

    ToolCall(HookContext ctx, Flags.Parsed parsed, ToolRequest request, HookToolServer server,
             Relation relationFlag, String format) {
        this.format = format;
        this.ctx = ctx;
        this.parsed = parsed;
        this.request = request;
        this.server = server;
        this.relationFlag = relationFlag;
    }

    HookContext ctx() {
        return ctx;
    }

    Unit unit() {
        return ctx.unit();
    }

    Model model() {
        return ctx.model();
    }

    /** The output format: smart, yaml or json. */
    String format() {
        return format;
    }

    String tool() {
        return request.tool();
    }

    LogSink logSink() {
        return server.logSink();
    }

    /** Positional arguments. */
    List<String> args() {
        return parsed.positional();
    }

    boolean has(String flag) {
        return parsed.has(flag);
    }

    String value(String flag) {
        return parsed.value(flag);
    }

    /** The -r relation, else the hook's relation, else {@code no relation id specified} (exit 2). */
    Relation relation() throws ToolException {
        if (relationFlag != null) {
            return relationFlag;
        }
        return ctx.relation().orElseThrow(() -> ToolException.usage("no relation id specified"));
    }

    /** The -r relation if given. */
    Relation relationFlag() {
        return relationFlag;
    }

    /** Fails with {@code unrecognized args: ["x" "y"]} (exit 2) if there are positional args from {@code from} on. */
    void noMoreArgs(int from) throws ToolException {
        List<String> rest = args().size() > from ? args().subList(from, args().size()) : List.of();
        if (!rest.isEmpty()) {
            throw ToolException.usage("unrecognized args: " + goQuoted(rest));
        }
    }

    /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
    static String goQuoted(List<String> items) {
        return items.stream().map(ToolCall::goQuote).collect(Collectors.joining(" ", "[", "]"));
    }

    static String goQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    /** The caller's stdin; asks the client to resend with stdin if it was not sent. */
    byte[] stdin() {
        if (request.stdin() == null) {
            throw new NeedsStdin();
        }
        return request.stdin();
    }

    /** Host path for a path given inside the unit (relative to the caller's cwd). */
    Path hostPath(String pathInUnit) {
        String abs = pathInUnit.startsWith("/") || request.cwd() == null ? pathInUnit
                : Path.of(request.cwd()).resolve(pathInUnit).normalize().toString();
        return server.paths().hostPath(ctx.unit().name(), abs);
    }

    /** Reads a file given inside the unit, or stdin for {@code -}. */
    byte[] readFileOrStdin(String path) throws ToolException {
        if (path.equals("-")) {
            return stdin();
        }
        try {
            return Files.readAllBytes(hostPath(path));
        } catch (IOException e) {
            throw ToolException.failure("open " + path + ": no such file or directory");
        }
    }

    /** Reads a YAML map of settings from {@code --file} (or stdin for {@code -}), values as their raw text. */
    Map<String, String> readSettingsFile(String path) throws ToolException {
        return StringYaml.load(new String(readFileOrStdin(path), StandardCharsets.UTF_8));
    }

    /**
     * Parses {@code key=value} arguments as Juju's keyvalues.Parse: {@code expected "key=value", got "x"}
     * and {@code key "k" specified more than once} (exit 2).
     */
    static Map<String, String> keyValues(List<String> args) throws ToolException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 1) {
                throw ToolException.usage("expected \"key=value\", got " + goQuote(a));
            }
            String key = a.substring(0, eq);
            if (out.containsKey(key)) {
                throw ToolException.usage("key " + goQuote(key) + " specified more than once");
            }
            out.put(key, a.substring(eq + 1));
        }
        return out;
    }
}
