package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Juju 2.9 {@code run-action UNIT ACTION [k=v ...] [--wait]}: YAML like {@code juju run-action --wait}. */
@Command(name = "run-action", description = "Queue an action (Juju 2.9 shape); --wait prints its result.")
final class RunActionCommand extends ModelCommand {
    @Parameters(index = "0", description = "Unit (etcd/0) or application leader (etcd/leader).")
    String target;

    @Parameters(index = "1", description = "Action name.")
    String action;

    @Parameters(index = "2..*", arity = "0..*", description = "Parameters key=value (values parsed as YAML).")
    List<String> params = new ArrayList<>();

    @Option(names = "--wait", arity = "0..1", fallbackValue = "10m", description = "Wait for the result (optionally how long).")
    String wait;

    @Option(names = "--string-args", description = "Do not parse values as YAML.")
    boolean stringArgs;

    @Override
    public Integer call() {
        Duration timeout = wait == null ? Duration.ZERO : dev.charms.runner.controller.Durations.parse(wait);
        JsonNode task = ActionRequests.run(this, target, action, params, stringArgs, timeout, false);
        if (wait == null) {
            out().println("Action queued with id: \"" + task.get("id").asText() + "\"");
            return 0;
        }
        out().print(YamlText.dump(ActionOutput.juju29(task)));
        return 0;
    }
}
