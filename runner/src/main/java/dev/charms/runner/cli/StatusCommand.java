package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status [--format tabular|json|yaml]}: a {@code juju status}-like report. */
@Command(name = "status", description = "Show the model's applications, units and integrations.")
final class StatusCommand extends ModelCommand {
    @Option(names = "--format", defaultValue = "tabular", description = "tabular, json or yaml.")
    String format;

    @Override
    public Integer call() throws Exception {
        JsonNode status = call("status", args());
        switch (format) {
            case "tabular" -> out().print(StatusTable.render(status));
            case "json" -> out().println(DaemonProtocol.JSON.writeValueAsString(status));
            case "yaml" -> out().print(YamlText.dump(status));
            default -> throw new CliException("invalid value \"" + format + "\" for option --format: expected one of"
                + " [tabular json yaml]", 2);
        }
        return 0;
    }
}
