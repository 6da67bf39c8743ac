package dev.charms.charmfiles;

import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** Safe YAML loading of charm files into plain maps, with one-line errors. */
final class YamlMaps {
    private YamlMaps() {
    }

    /** Loads a YAML document whose top level must be a map (an empty document gives an empty map). */
    static Map<String, Object> load(String yaml, String what) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw new CharmFileException("invalid " + what + ": " + e.getMessage().replace('\n', ' '));
        }
        if (doc == null) {
            return new LinkedHashMap<>();
        }
        return map(doc, what);
    }

    /** Casts {@code o} to a string-keyed map or fails naming {@code what}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new CharmFileException("invalid " + what + ": expected a map, got " + describe(o));
        }
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw new CharmFileException("invalid " + what + ": key " + k + " is not a string");
            }
        }
        return (Map<String, Object>) m;
    }

    static String string(Object o, String what) {
        if (o == null) {
            return "";
        }
        if (!(o instanceof String s)) {
            throw new CharmFileException("invalid " + what + ": expected a string, got " + describe(o));
        }
        return s;
    }

    static String describe(Object o) {
        return o == null ? "nothing" : o.getClass().getSimpleName().toLowerCase() + " " + o;
    }
}
