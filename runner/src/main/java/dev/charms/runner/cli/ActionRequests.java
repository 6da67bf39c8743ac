package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.charms.charmfiles.ActionArgs;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sends a run-action request and streams its progress (task enqueued, action-log lines) to stderr. The
 * {@code key=value} arguments are typed as {@code juju run} and {@code juju run-action} type them
 * ({@link ActionArgs}: YAML unless {@code --string-args}), so the schema sees what Juju's would.
 */
final class ActionRequests {
    private ActionRequests() {
    }

    static JsonNode run(ModelCommand cmd, String target, String action, List<String> params, boolean stringArgs,
                        Duration wait, boolean juju3) {
        ObjectNode a = ModelCommand.args();
        a.put("target", target);
        a.put("action", action);
        Map<String, Object> typed;
        try {
            typed = ActionArgs.parse(params, stringArgs);
        } catch (ActionArgs.InvalidArgumentException e) {
            throw new CliException(e.getMessage(), e.getMessage().startsWith("yaml:") ? 1 : 2);
        }
        a.set("params", DaemonProtocol.JSON.valueToTree(typed));
        a.put("waitMillis", wait.toMillis());
        return cmd.call("run-action", a, progress -> {
            if (progress.has("log")) {
                if (juju3) {
                    cmd.err().println(ActionOutput.logLine(progress.get("log")));
                    cmd.err().flush();
                }
            } else if (progress.has("enqueued") && juju3) {
                JsonNode t = progress.get("enqueued");
                cmd.err().println("Running operation " + t.get("operation").asText() + " with 1 task");
                cmd.err().println("  - task " + t.get("id").asText() + " on unit-"
                    + t.get("unit").asText().replace('/', '-'));
                cmd.err().println();
                cmd.err().println("Waiting for task " + t.get("id").asText() + "...");
                cmd.err().flush();
            }
        });
    }
}
