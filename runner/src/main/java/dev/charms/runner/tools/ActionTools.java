package dev.charms.runner.tools;

import dev.charms.runner.model.ActionTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** action-get, action-set, action-fail and action-log (only inside actions). */
final class ActionTools {
    private static final Pattern KEY = Pattern.compile("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$");
    private static final List<String> RESERVED = List.of("stdout", "stdout-encoding", "stderr", "stderr-encoding");
    private static final String DEFAULT_FAILURE = "action failed without reason given, check action for errors";

    private ActionTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(
                ToolSpec.formatted("action-get", new Flags(), ActionTools::get).onlyInActions(),
                ToolSpec.of("action-set", new Flags(), ActionTools::set).onlyInActions(),
                ToolSpec.of("action-fail", new Flags(), ActionTools::fail).onlyInActions(),
                ToolSpec.of("action-log", new Flags(), ActionTools::log).onlyInActions());
    }

    private static ActionTask task(ToolCall call) {
        return call.ctx().action().orElseThrow();
    }

    private static Object get(ToolCall call) throws ToolException {
        call.noMoreArgs(1);
        Object value = task(call).params();
        if (call.args().isEmpty()) {
            return value;
        }
        for (String segment : call.args().get(0).split("\\.", -1)) {
            if (!(value instanceof Map<?, ?> m)) {
                return null;
            }
            value = m.get(segment);
        }
        return value;
    }

    private static Object set(ToolCall call) throws ToolException {
        List<List<String>> parsed = new ArrayList<>();
        for (String arg : call.args()) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw ToolException.usage("argument " + ToolCall.goQuote(arg) + " must be of the form key...=value");
            }
            List<String> keys = Arrays.asList(arg.substring(0, eq).split("\\.", -1));
            for (String key : keys) {
                if (!KEY.matcher(key).matches()) {
                    throw ToolException.usage("key " + ToolCall.goQuote(key) + " must start and end with lowercase "
                            + "alphanumeric, and contain only lowercase alphanumeric, hyphens and periods");
                }
                if (RESERVED.contains(key)) {
                    throw ToolException.usage("cannot set reserved action key " + ToolCall.goQuote(key));
                }
            }
            List<String> entry = new ArrayList<>(keys);
            entry.add(arg.substring(eq + 1));
            parsed.add(entry);
        }
        ActionTask task = task(call);
        for (List<String> entry : parsed) {
            task.setResult(entry.subList(0, entry.size() - 1), entry.get(entry.size() - 1));
        }
        return null;
    }

    private static Object fail(ToolCall call) throws ToolException {
        call.noMoreArgs(1);
        String message = call.args().isEmpty() ? DEFAULT_FAILURE : call.args().get(0);
        task(call).requestFailure(message);
        return null;
    }

    private static Object log(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("no message specified");
        }
        task(call).addLog(String.join(" ", call.args()));
        return null;
    }
}
