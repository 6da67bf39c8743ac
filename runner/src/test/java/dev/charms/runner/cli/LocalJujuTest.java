package dev.charms.runner.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalJujuTest {
    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LocalJuju.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void usageErrorsAreOneErrorLineWithExitTwo() {
        Result r = run("add-unit");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ERROR Missing required parameter"), r.err());
        assertEquals(1, r.err().lines().count());
        assertEquals(2, run("no-such-command").code());
    }

    @Test
    void badKeyValueIsAUsageError() {
        Result r = run("config", "etcd", "novalue", "x");
        assertEquals(2, r.code());
        assertEquals("ERROR expected key=value, got \"novalue\"\n", r.err());
    }

    @Test
    void badModelNameIsNamed() {
        Result r = run("status", "-m", "Bad_Name");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("ERROR invalid model name \"Bad_Name\""), r.err());
    }

    @Test
    void badScpSourceIsAUsageError() {
        Result r = run("scp", "etcd0", "/tmp/x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("UNIT:PATH"), r.err());
    }

    @Test
    void helpListsTheJujuCommands() {
        Result r = run("--help");
        assertEquals(0, r.code());
        for (String cmd : new String[] {"deploy", "add-unit", "remove-unit", "integrate", "run", "run-action",
            "show-task", "status", "debug-log", "wait", "exec", "scp", "destroy", "cut", "heal", "crash",
            "model-config"}) {
            assertTrue(r.out().contains("  " + cmd + " ") || r.out().contains("  " + cmd + ","), cmd + " in " + r.out());
        }
    }
}
