package dev.charms.runner.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Writes values as Go's encoding/json marshals them (Juju's {@code --format json}): one line, keys
 * sorted, floats without a trailing {@code .0}, and {@code <}, {@code >}, {@code &} escaped.
 */
final class GoJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private GoJson() {
    }

    /** One line of JSON without the newline; null gives {@code null}. */
    static String write(Object value) {
        try {
            String s = MAPPER.writeValueAsString(node(Values.normalize(value)));
            return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                    .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode node(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null) {
            return f.nullNode();
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = f.objectNode();
            m.entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> String.valueOf(a).compareTo(String.valueOf(b))))
                    .forEach(e -> o.set(String.valueOf(e.getKey()), node(e.getValue())));
            return o;
        }
        if (v instanceof List<?> l) {
            ArrayNode a = f.arrayNode();
            l.forEach(x -> a.add(node(x)));
            return a;
        }
        if (v instanceof Double d) {
            return f.numberNode(new BigDecimal(Values.goFloat(d, false)));
        }
        if (v instanceof Long n) {
            return f.numberNode(n);
        }
        if (v instanceof Number n) {
            return f.numberNode(new BigDecimal(n.toString()));
        }
        if (v instanceof Boolean b) {
            return f.booleanNode(b);
        }
        return f.textNode(String.valueOf(v));
    }
}
