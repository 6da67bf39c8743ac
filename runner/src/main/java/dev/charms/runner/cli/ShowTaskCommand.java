package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code show-task ID [--format plain|yaml|json]}. */
@Command(name = "show-task", description = "Show an action task's result.")
final class ShowTaskCommand extends ModelCommand {
    @Parameters(index = "0", description = "Task id.")
    String id;

    @Option(names = "--format", defaultValue = "plain", description = "plain, yaml or json.")
    String format;

    @Override
    public Integer call() {
        ObjectNode a = args();
        a.put("id", id);
        JsonNode task = call("show-task", a);
        ActionOutput.print(task, format, out(), err());
        return 0;
    }
}
