package dev.charms.ops;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for hook-tool output and stored state, read and written with jackson-core's streaming parser
 * and generator (no data binding, so a hook's fresh JVM loads only jackson-core). Objects become
 * {@link LinkedHashMap} in document order, arrays {@link List}, integers that fit a long {@link Long},
 * other numbers {@link Double}.
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /**
     * Parses one JSON value; surrounding white space is allowed, anything else is an error. Errors are
     * {@link IllegalArgumentException}s reading "malformed JSON at offset N: problem", where N counts
     * characters from the start of {@code text}.
     */
    public static Object parse(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() == null) {
                throw malformed(text.length(), "unexpected end of input");
            }
            Object value = value(parser);
            JsonToken trailing;
            try {
                trailing = parser.nextToken();
            } catch (JsonProcessingException e) {
                throw malformed(e.getLocation().getCharOffset(), "unexpected trailing characters");
            }
            if (trailing != null) {
                throw malformed(parser.currentTokenLocation().getCharOffset(), "unexpected trailing characters");
            }
            return value;
        } catch (JsonProcessingException e) {
            long offset = e.getLocation().getCharOffset();
            throw malformed(offset, offset >= text.length() ? "unexpected end of input" : e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a value made of maps, iterables, strings, numbers, booleans and nulls as compact JSON. */
    public static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(value, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Reads the value whose first token the parser is on, leaving the parser on its last token. */
    private static Object value(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
                    parser.nextToken();
                    map.put(key, value(parser));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(parser));
                }
                return list;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT -> {
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return parser.getDoubleValue();
                }
                return parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return parser.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IllegalStateException("no JSON value starts with " + parser.currentToken());
        }
    }

    private static void write(Object value, JsonGenerator out) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof String s) {
            out.writeString(s);
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON cannot hold " + d);
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.writeNumber((long) d);
            } else {
                out.writeNumber(d);
            }
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.writeFieldName(String.valueOf(e.getKey()));
                write(e.getValue(), out);
            }
            out.writeEndObject();
        } else if (value instanceof Iterable<?> items) {
            out.writeStartArray();
            for (Object item : items) {
                write(item, out);
            }
            out.writeEndArray();
        } else {
            throw new IllegalArgumentException("JSON cannot hold a " + value.getClass().getSimpleName());
        }
    }

    private static IllegalArgumentException malformed(long offset, String problem) {
        return new IllegalArgumentException("malformed JSON at offset " + offset + ": " + problem);
    }
}
