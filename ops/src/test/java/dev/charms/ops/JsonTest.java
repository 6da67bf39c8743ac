package dev.charms.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTripsNestedValuesInOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1L);
        inner.put("a", List.of(true, false));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("s", "text");
        value.put("n", -42L);
        value.put("d", 2.5);
        value.put("nil", null);
        value.put("inner", inner);
        value.put("empty", List.of());
        value.put("emptyMap", Map.of());
        String text = Json.write(value);
        assertEquals("{\"s\":\"text\",\"n\":-42,\"d\":2.5,\"nil\":null,\"inner\":{\"z\":1,\"a\":[true,false]},"
                + "\"empty\":[],\"emptyMap\":{}}", text);
        assertEquals(value, Json.parse(text));
        assertEquals(new ArrayList<>(value.keySet()), new ArrayList<>(((Map<?, ?>) Json.parse(text)).keySet()));
    }

    @Test
    void escapesRoundTrip() {
        String nasty = "quote\" back\\ nl\n cr\r tab\t bell\u0007 nul\u0000 bs\b ff\f slash/";
        String text = Json.write(nasty);
        assertEquals("\"quote\\\" back\\\\ nl\\n cr\\r tab\\t bell\\u0007 nul\\u0000 bs\\u0008 ff\\u000c slash/\"",
                text);
        assertEquals(nasty, Json.parse(text));
        assertEquals("a/b\b\f", Json.parse("\"a\\/b\\b\\f\""));
    }

    @Test
    void unicodeRawAndEscaped() {
        String s = "ünïcødé 日本 😀";
        assertEquals("\"" + s + "\"", Json.write(s));
        assertEquals(s, Json.parse(Json.write(s)));
        assertEquals("😀é", Json.parse("\"\\ud83d\\ude00\\u00E9\""));
    }

    @Test
    void numbers() {
        assertEquals(0L, Json.parse("0"));
        assertEquals(-7L, Json.parse(" -7 "));
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(1.2345678901234567E19, Json.parse("12345678901234567890"));
        assertEquals(1500.0, Json.parse("1.5e3"));
        assertEquals(-0.25, Json.parse("-2.5E-1"));
        assertEquals("3", Json.write(3));
        assertEquals("3", Json.write(3.0));
        assertEquals("3", Json.write((short) 3));
        assertEquals("0.1", Json.write(0.1));
        assertEquals("1.0E20", Json.write(1e20));
        assertEquals(1e20, Json.parse(Json.write(1e20)));
    }

    @Test
    void literalsAndWhitespace() {
        assertEquals(Boolean.TRUE, Json.parse("\ttrue\n"));
        assertEquals(Boolean.FALSE, Json.parse("false"));
        assertNull(Json.parse(" null "));
        assertEquals(Arrays.asList(1L, null, "x"), Json.parse("[ 1 , null ,\n\"x\" ]"));
        assertEquals(Map.of("a", Map.of()), Json.parse("{ \"a\" : { } }"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''| malformed JSON at offset 0: unexpected end of input",
        "'   '| malformed JSON at offset 3: unexpected end of input",
        "{} x| malformed JSON at offset 3: unexpected trailing characters",
        "@| malformed JSON at offset 0: unexpected character '@'",
        "{a:1}| malformed JSON at offset 1: expected a string key",
        "{\"a\" 1}| malformed JSON at offset 5: expected ':'",
        "{\"a\":1 \"b\":2}| malformed JSON at offset 8: expected ',' or '}'",
        "{\"a\":1,}| malformed JSON at offset 7: expected a string key",
        "[1 2]| malformed JSON at offset 4: expected ',' or ']'",
        "[1,| malformed JSON at offset 3: unexpected end of input",
        "[1,]| malformed JSON at offset 3: unexpected character ']'",
        "\"abc| malformed JSON at offset 4: unexpected end of input",
        "\"a\\qb\"| malformed JSON at offset 4: bad escape '\\q'",
        "\"\\u12\"| malformed JSON at offset 3: truncated \\u escape",
        "\"\\u12zz\"| malformed JSON at offset 3: bad \\u escape",
        "\"\\u+041\"| malformed JSON at offset 3: bad \\u escape",
        "-| malformed JSON at offset 1: bad number '-'",
        "1.2.3| malformed JSON at offset 5: bad number '1.2.3'",
        "tru| malformed JSON at offset 0: unexpected token",
        "nul| malformed JSON at offset 0: unexpected token",
        "falsy| malformed JSON at offset 0: unexpected token",
    })
    void malformedInputNamesOffsetAndProblem(String input, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(input));
        assertEquals(message, e.getMessage());
    }

    @Test
    void controlCharacterInStringIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("\"a\nb\""));
        assertEquals("malformed JSON at offset 3: control character in string", e.getMessage());
    }

    @Test
    void unwritableValuesAreRejected() {
        assertEquals("JSON cannot hold NaN",
                assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN)).getMessage());
        assertEquals("JSON cannot hold Infinity",
                assertThrows(IllegalArgumentException.class, () -> Json.write(Double.POSITIVE_INFINITY)).getMessage());
        assertEquals("JSON cannot hold a Object",
                assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("k", new Object()))).getMessage());
    }
}
