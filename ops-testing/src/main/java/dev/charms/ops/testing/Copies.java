package dev.charms.ops.testing;

import dev.charms.ops.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Defensive, order-keeping, unmodifiable copies for the harness's immutable records. */
final class Copies {
    private Copies() {
    }

    static Map<String, String> bag(Map<String, String> in, String what) {
        Objects.requireNonNull(in, what);
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException(what + " holds a null key or value");
            }
            out.put(k, v);
        });
        return Collections.unmodifiableMap(out);
    }

    static Map<String, Map<String, String>> bags(Map<String, Map<String, String>> in, String what) {
        Objects.requireNonNull(in, what);
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(Objects.requireNonNull(k, what), bag(v, what + " of " + k)));
        return Collections.unmodifiableMap(out);
    }

    static <V> Map<String, V> map(Map<String, V> in, String what) {
        Objects.requireNonNull(in, what);
        Map<String, V> out = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException(what + " holds a null key or value");
            }
            out.put(k, v);
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * A deep copy through JSON: what a value looks like after a trip through a hook tool or the stored
     * state file (integers become Long, maps LinkedHashMap, whole floats Long).
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> viaJson(Map<String, ?> in) {
        return (Map<String, Object>) Json.parse(Json.write(in));
    }

    /** Like {@link #viaJson} but deeply unmodifiable. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> frozen(Map<String, ?> in) {
        return (Map<String, Object>) freeze(Json.parse(Json.write(in)));
    }

    private static Object freeze(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, freeze(v)));
            return Collections.unmodifiableMap(out);
        }
        if (o instanceof List<?> l) {
            return Collections.unmodifiableList(l.stream().map(Copies::freeze).toList());
        }
        return o;
    }
}
