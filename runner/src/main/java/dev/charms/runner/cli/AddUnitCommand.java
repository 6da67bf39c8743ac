package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code add-unit APP [-n N]}. */
@Command(name = "add-unit", description = "Add units to an application.")
final class AddUnitCommand extends ModelCommand {
    @Parameters(index = "0", description = "Application name.")
    String application;

    @Option(names = {"-n", "--num-units"}, defaultValue = "1", description = "Number of units to add.")
    int units;

    @Override
    public Integer call() {
        if (units < 1) {
            throw new CliException("--num-units must be at least 1", 2);
        }
        ObjectNode a = args();
        a.put("application", application);
        a.put("units", units);
        call("add-unit", a);
        return 0;
    }
}
