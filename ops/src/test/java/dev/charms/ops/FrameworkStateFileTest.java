package dev.charms.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Framework}'s stored state in a real file, with the real process hook tools. */
class FrameworkStateFileTest {
    /** Runs config-changed with the stored state in a real file and the real process tools (none needed). */
    private static int runWithStateFile(Path dir, Path file, Framework.Handler<Event> handler, StringBuilder err) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Map<String, String> env = EventParserTest.env("hooks/config-changed");
        env.put("JUJU_CHARM_DIR", dir.toString());
        int code = Framework.run(EventParserTest.SPEC, fw -> {
            fw.observe(Event.class, handler);
            return fw;
        }, env, new ProcessHookTools(dir, 5000), () -> StoredState.load(file),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        err.append(bytes.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void storedStateIsSavedOnlyOnSuccess(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(".unit-state.json");
        StringBuilder err = new StringBuilder();
        assertEquals(0, runWithStateFile(dir, file, e -> { }, err));
        assertFalse(Files.exists(file), "nothing changed, nothing written");

        assertEquals(0, runWithStateFile(dir, file, e -> { }, err));
        List<StoredState> states = new ArrayList<>();
        Framework.Handler<Event> increment = e -> states.get(0).put("runs", states.get(0).getLong("runs", 0) + 1);
        assertEquals(0, runWithStateFile(dir, file, e -> {
            states.add(StoredState.load(file));
            increment.handle(e);
            states.get(0).save();
        }, err));
        assertEquals("{\"runs\":1}", Files.readString(file));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Framework.run(EventParserTest.SPEC, fw -> {
            fw.observe(Event.class, e -> fw.stored().put("runs", fw.stored().getLong("runs", 0) + 1));
            return fw;
        }, EventParserTest.env("hooks/config-changed"), new ProcessHookTools(dir, 5000), () -> StoredState.load(file),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(0, code, bytes.toString(StandardCharsets.UTF_8));
        assertEquals("{\"runs\":2}", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        code = Framework.run(EventParserTest.SPEC, fw -> {
            fw.observe(Event.class, e -> {
                fw.stored().put("runs", 99L);
                throw new IllegalStateException("fails after changing state");
            });
            return fw;
        }, EventParserTest.env("hooks/config-changed"), new ProcessHookTools(dir, 5000), () -> StoredState.load(file),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertEquals("{\"runs\":2}", Files.readString(file));
        assertFalse(Files.exists(dir.resolve(".unit-state.json.tmp")));
    }

    @Test
    void corruptStateFileIsReportedByPathAndNeverOverwritten(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(".unit-state.json");
        Files.writeString(file, "{\"runs\": 1,");
        StringBuilder err = new StringBuilder();
        List<String> ran = new ArrayList<>();
        assertEquals(1, runWithStateFile(dir, file, e -> ran.add("ran"), err));
        assertEquals("ERROR config-changed: stored state " + file + " is corrupt (malformed JSON at offset 11:"
                + " unexpected end of input); move it aside to start afresh\n", err.toString());
        assertEquals(List.of(), ran);
        assertEquals("{\"runs\": 1,", Files.readString(file));
        Files.writeString(file, "[1]");
        err.setLength(0);
        assertEquals(1, runWithStateFile(dir, file, e -> ran.add("ran"), err));
        assertEquals("ERROR config-changed: stored state " + file + " is corrupt: not a JSON object\n", err.toString());
        assertEquals("[1]", Files.readString(file));
    }
}
