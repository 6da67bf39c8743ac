package dev.charms.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals("\"quote\\\" back\\\\ nl\\n cr\\r tab\\t bell\\u0007 nul\\u0000 bs\\b ff\\f slash/\"",
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
        "''| 0",
        "'   '| 3",
        "[1,| 3",
        "\"abc| 4",
        "-| 1",
        "{\"runs\": 1,| 11",
        "{\"a\": [1, {\"b\": \"x\"| 19",
    })
    void inputEndingEarlyIsReportedAtItsEnd(String input, long offset) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(input));
        assertEquals("malformed JSON at offset " + offset + ": unexpected end of input", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{} x| 3",
        "{} {}| 3",
        "1 2| 2",
        "\"a\"\"b\"| 3",
        "[] ]| 3",
    })
    void anythingAfterTheValueIsRejected(String input, long offset) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(input));
        assertEquals("malformed JSON at offset " + offset + ": unexpected trailing characters", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "@| 0| '@'",
        "{a:1}| 1| 'a'",
        "{\"a\" 1}| 5| '1'",
        "{\"a\":1 \"b\":2}| 7| '\"'",
        "{\"a\":1,}| 7| '}'",
        "[1 2]| 3| '2'",
        "[1,]| 3| ']'",
        "\"a\\qb\"| 3| 'q'",
        "\"\\u12\"| 5| '\"'",
        "\"\\u12zz\"| 5| 'z'",
        "1.2.3| 3| '.'",
        "01| 1| zeroes",
        "tru| 0| 'tru'",
        "nul| 0| 'nul'",
        "falsy| 0| 'falsy'",
        "[NaN]| 4| 'NaN'",
        "{'a':1}| 1| '''",
    })
    void malformedInputNamesOffsetAndOffendingText(String input, long offset, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(input));
        assertTrue(e.getMessage().startsWith("malformed JSON at offset " + offset + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void controlCharacterInStringIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("\"a\nb\""));
        assertTrue(e.getMessage().startsWith("malformed JSON at offset 2: "), e.getMessage());
        assertTrue(e.getMessage().contains("CTRL-CHAR, code 10"), e.getMessage());
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
