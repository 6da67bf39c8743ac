package dev.charms.runner.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a YAML (or JSON) map into {@code map[string]string} the way Go's yaml.v2 does: scalars keep their
 * text exactly ({@code 1.50} stays {@code "1.50"}, {@code yes} stays {@code "yes"}), null becomes "".
 */
final class StringYaml {
    /** A resolver that only recognises null; every other plain scalar stays a string. */
    private static final class NullOnlyResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL| )$"), "~nN\0");
            addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
        }
    }

    private StringYaml() {
    }

    /** The map in {@code text}; throws {@link ToolException} (exit 1) with yaml.v2-like wording when it is not one. */
    static Map<String, String> load(String text) throws ToolException {
        LoaderOptions options = new LoaderOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                options, new NullOnlyResolver());
        Object doc;
        try {
            doc = yaml.load(text);
        } catch (YAMLException e) {
            throw ToolException.failure("yaml: " + e.getMessage().replace('\n', ' '));
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (doc == null) {
            return out;
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw ToolException.failure("yaml: unmarshal errors: cannot unmarshal " + kind(doc) + " into map[string]string");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> || v instanceof List<?>) {
                throw ToolException.failure("yaml: unmarshal errors: cannot unmarshal " + kind(v) + " into Go value of type string");
            }
            out.put(String.valueOf(e.getKey()), v == null ? "" : String.valueOf(v));
        }
        return out;
    }

    private static String kind(Object v) {
        return v instanceof Map<?, ?> ? "!!map" : v instanceof List<?> ? "!!seq" : "!!str `" + v + "`";
    }
}
