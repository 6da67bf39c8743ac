package dev.charms.runner.controller;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DebugLogTest {
    @Test
    void linesCarryMillisecondsWhichPlainDebugLogDrops(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("debug.log");
        try (DebugLog log = new DebugLog(file)) {
            log.log("etcd/0", "INFO", "juju.worker.uniter", "first\nsecond 12:00:00.123 stays");
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).matches("unit-etcd-0: \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO juju\\.worker\\.uniter first"),
            lines.get(0));
        String plain = DebugLog.withoutMillis(lines.get(1));
        assertTrue(plain.matches("unit-etcd-0: \\d\\d:\\d\\d:\\d\\d INFO juju\\.worker\\.uniter second 12:00:00\\.123 stays"),
            plain);
        assertEquals("no time here", DebugLog.withoutMillis("no time here"));
    }
}
