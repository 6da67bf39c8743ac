package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;

/** Sends a run-action request and streams its progress (task enqueued, action-log lines) to stderr. */
final class ActionRequests {
    private ActionRequests() {
    }

    static JsonNode run(ModelCommand cmd, String target, String action, List<String> params, boolean stringArgs,
                        Duration wait, boolean juju3) {
        ObjectNode a = ModelCommand.args();
        a.put("target", target);
        a.put("action", action);
        ObjectNode p = a.putObject("params");
        KeyValues.parse(params).forEach((k, v) -> p.set(k,
            DaemonProtocol.JSON.valueToTree(stringArgs ? v : YamlText.parseValue(v))));
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
