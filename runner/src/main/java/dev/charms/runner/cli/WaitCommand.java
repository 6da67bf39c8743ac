package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.charms.runner.controller.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wait [--timeout 10m]}: until every unit is active and idle with nothing queued. */
@Command(name = "wait", description = "Wait until every unit is active and idle (non-zero exit on timeout).")
final class WaitCommand extends ModelCommand {
    @Option(names = "--timeout", defaultValue = "10m", description = "How long to wait, e.g. 90s, 10m.")
    String timeout;

    @Override
    public Integer call() {
        ObjectNode a = args();
        a.put("timeoutMillis", Durations.parse(timeout).toMillis());
        call("wait", a);
        return 0;
    }
}
