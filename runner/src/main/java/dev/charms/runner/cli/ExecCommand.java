package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.charms.runner.controller.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code exec UNIT -- CMD...}: runs a shell command as root inside the unit's machine (like juju exec). */
@Command(name = "exec", description = "Run a shell command in a unit's machine as root.")
final class ExecCommand extends ModelCommand {
    @Parameters(index = "0", description = "Unit, e.g. etcd/0.")
    String unit;

    @Parameters(index = "1..*", arity = "1..*", description = "Command (joined with spaces, run by /bin/sh -c).")
    List<String> command;

    @Option(names = "--timeout", defaultValue = "5m", description = "Kill the command after this long.")
    String timeout;

    @Override
    public Integer call() {
        ObjectNode a = args();
        a.put("unit", unit);
        a.put("command", String.join(" ", command));
        a.put("timeoutMillis", Durations.parse(timeout).toMillis());
        JsonNode r = call("exec", a);
        out().print(r.get("stdout").asText());
        err().print(r.get("stderr").asText());
        return r.get("code").asInt();
    }
}
