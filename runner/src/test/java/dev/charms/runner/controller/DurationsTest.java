package dev.charms.runner.controller;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationsTest {
    @Test
    void parsesGoStyleDurations() {
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofSeconds(7), Durations.parse("7"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
    }

    @Test
    void rejectsGarbageNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("10x"));
        assertTrue(e.getMessage().contains("\"10x\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("s10"));
    }

    @Test
    void formatsLikeGo() {
        assertEquals("5m0s", Durations.format(Duration.ofMinutes(5)));
        assertEquals("10s", Durations.format(Duration.ofSeconds(10)));
        assertEquals("1.5s", Durations.format(Duration.ofMillis(1500)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
        assertEquals("1h0m0s", Durations.format(Duration.ofHours(1)));
    }

    @Test
    void backoffDoublesUpToTheCap() {
        Backoff b = Backoff.DEFAULT;
        assertEquals(Duration.ofSeconds(5), b.delay(1));
        assertEquals(Duration.ofSeconds(10), b.delay(2));
        assertEquals(Duration.ofSeconds(40), b.delay(4));
        assertEquals(Duration.ofMinutes(5), b.delay(20));
    }
}
