package dev.charms.etcd.actions;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks that results are valid Juju action results (every dotted segment a valid key, leaves plain
 * values) and keeps them as YAML, as {@code juju run} prints them, in target/action-samples.
 */
final class Samples {
    static final Path DIR = Path.of("target", "action-samples");

    private Samples() {
    }

    /** Asserts every key is valid; writes the results to target/action-samples/{name}.yaml. */
    static Map<String, Object> record(String name, Map<String, Object> results) {
        checkKeys("", results);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setDefaultScalarStyle(DumperOptions.ScalarStyle.PLAIN);
        String yaml = new Yaml(options).dump(stringify(results));
        try {
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(name + ".yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("SAMPLE " + name + ":\n" + yaml);
        return results;
    }

    static void checkKeys(String prefix, Map<String, ?> map) {
        for (Map.Entry<String, ?> e : map.entrySet()) {
            assertTrue(ResultKeys.valid(e.getKey()), "invalid result key '" + prefix + e.getKey() + "'");
            if (e.getValue() instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> m = (Map<String, ?>) nested;
                checkKeys(prefix + e.getKey() + ".", m);
            }
        }
    }

    /** As Juju returns them: string values (action-set sets strings), keys sorted (Go YAML sorts map keys). */
    private static Object stringify(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.TreeMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), stringify(val)));
            return out;
        }
        return String.valueOf(v);
    }
}
