package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code config APP [k=v ...]} sets options; {@code config APP} prints them; {@code config APP key} prints one. */
@Command(name = "config", description = "Get or set an application's configuration.")
final class ConfigCommand extends ModelCommand {
    @Parameters(index = "0", description = "Application name.")
    String application;

    @Parameters(index = "1..*", arity = "0..*", description = "key=value pairs to set, or one key to print.")
    List<String> pairs = new ArrayList<>();

    @Override
    public Integer call() {
        ObjectNode a = args();
        a.put("application", application);
        if (pairs.size() == 1 && !pairs.get(0).contains("=")) {
            JsonNode cfg = call("get-config", a).get("settings").get(pairs.get(0));
            if (cfg == null) {
                throw new CliException("key \"" + pairs.get(0) + "\" not found in \"" + application
                    + "\" application config or charm settings.");
            }
            JsonNode value = cfg.get("value");
            if (value != null && !value.isNull()) {
                out().println(value.isTextual() ? value.asText() : value.toString());
            }
            return 0;
        }
        if (pairs.isEmpty()) {
            out().print(YamlText.dump(call("get-config", a)));
            return 0;
        }
        ObjectNode values = a.putObject("values");
        KeyValues.parse(pairs).forEach(values::put);
        call("set-config", a);
        return 0;
    }
}
