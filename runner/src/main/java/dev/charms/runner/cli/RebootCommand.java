package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.charms.runner.controller.Durations;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reboot UNIT|APP... | --all [--down 5s]}: reboots units' machines at once, as a power loss would
 * (runner-only; a fault for tests and demos). Returns once the machines booted.
 */
@Command(name = "reboot", description = "Reboot units' machines at once, as a power loss would: every process"
        + " killed, /run and /tmp emptied, enabled services started at boot, the unit agent back and running start.")
final class RebootCommand extends ModelCommand {
    @Parameters(arity = "0..*", description = "Units (etcd/0) or applications (etcd: all its units).")
    List<String> targets;

    @Option(names = "--all", description = "Every unit of the model (a power loss of the whole model).")
    boolean all;

    @Option(names = "--down", defaultValue = "0s", description = "How long the machines stay off, e.g. 5s.")
    String down;

    @Override
    public Integer call() {
        List<String> given = targets == null ? List.of() : targets;
        if (given.isEmpty() && !all) {
            err().println("ERROR no units given: name units or applications, or use --all");
            return 2;
        }
        long downMillis;
        try {
            downMillis = Durations.parse(down).toMillis();
        } catch (IllegalArgumentException e) {
            err().println("ERROR --down: " + e.getMessage());
            return 2;
        }
        ObjectNode a = args();
        given.forEach(a.putArray("targets")::add);
        a.put("all", all);
        a.put("downMillis", downMillis);
        JsonNode r = call("reboot", a);
        r.path("units").forEach(u -> err().println("rebooted " + u.asText()));
        return 0;
    }
}
