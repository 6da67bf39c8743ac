package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code add-unit APP [-n N] [--storage name=DIRECTIVE]}. */
@Command(name = "add-unit", description = "Add units to an application.")
final class AddUnitCommand extends ModelCommand {
    @Parameters(index = "0", description = "Application name.")
    String application;

    @Option(names = {"-n", "--num-units"}, defaultValue = "1", description = "Number of units to add.")
    int units;

    @Option(names = "--storage", description = "name=[pool,][count,]size of a storage for the new units, e.g. data=1G.")
    java.util.List<String> storage = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        if (units < 1) {
            throw new CliException("--num-units must be at least 1", 2);
        }
        ObjectNode a = args();
        a.put("application", application);
        a.put("units", units);
        ObjectNode st = a.putObject("storage");
        KeyValues.parse(storage).forEach(st::put);
        call("add-unit", a);
        return 0;
    }
}
