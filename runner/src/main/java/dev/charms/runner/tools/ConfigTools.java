package dev.charms.runner.tools;

import dev.charms.charmfiles.ConfigOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** config-get. */
final class ConfigTools {
    private ConfigTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(ToolSpec.formatted("config-get", new Flags().bool("all", "a"), ConfigTools::configGet));
    }

    private static Object configGet(ToolCall call) throws ToolException {
        String key = call.args().isEmpty() || call.args().get(0).isEmpty() ? null : call.args().get(0);
        if (key != null && call.has("all")) {
            throw ToolException.usage("cannot use argument --all together with key " + ToolCall.goQuote(key));
        }
        call.noMoreArgs(1);
        Map<String, Object> config = call.unit().application().config();
        if (key != null) {
            return config.get(key);
        }
        if (!call.has("all")) {
            return config;
        }
        Map<String, Object> all = new TreeMap<>();
        for (ConfigOption o : call.unit().application().configSchema().options().values()) {
            all.put(o.name(), config.get(o.name()));
        }
        return all;
    }
}
