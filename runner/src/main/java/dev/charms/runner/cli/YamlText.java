package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** YAML in and out for the CLI: block style with sorted keys (as Juju prints), and YAML file loading. */
final class YamlText {
    private YamlText() {
    }

    private static Yaml yaml() {
        DumperOptions opts = new DumperOptions();
        opts.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        opts.setIndicatorIndent(0);
        opts.setWidth(1000);
        opts.setSplitLines(false);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(opts), opts);
    }

    /** Block YAML of {@code value} with map keys sorted; empty string for null. */
    static String dump(Object value) {
        return value == null ? "" : yaml().dump(sorted(value));
    }

    /** Block YAML of a JSON tree. */
    static String dump(JsonNode node) {
        return dump(DaemonProtocol.JSON.convertValue(node, Object.class));
    }

    /** Loads a YAML document (a file's content). */
    static Object load(String text) {
        return yaml().load(text);
    }

    @SuppressWarnings("unchecked")
    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> m) {
            TreeMap<String, Object> out = new TreeMap<>();
            ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return value;
    }
}
