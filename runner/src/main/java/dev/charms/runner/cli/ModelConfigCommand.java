package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code model-config [key=value ...]}: sets (or with no pairs prints) model settings. */
@Command(name = "model-config", description = "Get or set model settings: update-status-hook-interval, "
    + "automatically-retry-hooks, retry-hook-base-delay, retry-hook-max-delay, juju-version; and the runner's "
    + "own hook-jitter (a random wait of up to that long before each hook, to shuffle the units' interleaving), "
    + "hook-hold (UNIT=DURATION[,...]: that unit runs no hook until that long after the setting, as a late "
    + "machine; empty: none) and host-java (hidden: machines made from then on see none of the host's Java).")
final class ModelConfigCommand extends ModelCommand {
    @Parameters(arity = "0..*", description = "key=value pairs.")
    List<String> pairs = new ArrayList<>();

    @Override
    public Integer call() {
        ObjectNode a = args();
        ObjectNode values = a.putObject("values");
        KeyValues.parse(pairs).forEach(values::put);
        Object current = call("model-config", a);
        if (pairs.isEmpty()) {
            out().print(YamlText.dump((com.fasterxml.jackson.databind.JsonNode) current));
        }
        return 0;
    }
}
