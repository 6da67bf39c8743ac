package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.charms.runner.controller.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** Juju 3 {@code run UNIT|APP/leader ACTION [k=v ...] [--format plain|yaml|json] [--wait 60s]}. */
@Command(name = "run", description = "Run an action on a unit and wait for its result (Juju 3 shape).")
final class RunCommand extends ModelCommand {
    @Parameters(index = "0", description = "Unit (etcd/0) or application leader (etcd/leader).")
    String target;

    @Parameters(index = "1", description = "Action name.")
    String action;

    @Parameters(index = "2..*", arity = "0..*", description = "Parameters key=value (values parsed as YAML).")
    List<String> params = new ArrayList<>();

    @Option(names = "--format", defaultValue = "plain", description = "plain, yaml or json.")
    String format;

    @Option(names = "--wait", defaultValue = "60s", description = "How long to wait for the result.")
    String wait;

    @Option(names = "--string-args", description = "Do not parse values as YAML.")
    boolean stringArgs;

    @Override
    public Integer call() {
        if (!List.of("plain", "yaml", "json").contains(format)) {
            throw new CliException("invalid value \"" + format + "\" for option --format: expected one of"
                + " [plain yaml json]", 2);
        }
        JsonNode task = ActionRequests.run(this, target, action, params, stringArgs, Durations.parse(wait), true);
        ActionOutput.print(task, format, out(), err());
        ActionOutput.failOnReturnCode(task);
        return 0;
    }
}
