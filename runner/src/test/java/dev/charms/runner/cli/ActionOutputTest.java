package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActionOutputTest {
    private static JsonNode task(String status, String message, String results) throws Exception {
        return DaemonProtocol.JSON.readTree("{\"id\":\"2\",\"operation\":\"1\",\"unit\":\"etcd/0\",\"action\":\"health\","
            + "\"status\":\"" + status + "\",\"message\":\"" + message + "\",\"results\":" + results + ","
            + "\"log\":[{\"timestamp\":\"2026-01-02T03:04:05Z\",\"message\":\"checking\"}],"
            + "\"enqueued\":\"2026-01-02T03:04:05Z\",\"started\":\"2026-01-02T03:04:06Z\",\"completed\":\"2026-01-02T03:04:07Z\"}");
    }

    @Test
    void plainPrintsResultsWithoutReturnCodeThenStdoutThenStderr() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ActionOutput.plain(task("completed", "", "{\"b\":\"2\",\"a\":{\"x\":\"1\"},\"return-code\":0,"
            + "\"stdout\":\"\\nline\\n\",\"stderr\":\"oops\\n\"}"), new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals("a:\n  x: '1'\nb: '2'\nline\n", out.toString());
        assertEquals("oops\n", err.toString());
    }

    @Test
    void failedPlainStartsWithTheFailureLine() throws Exception {
        StringWriter err = new StringWriter();
        ActionOutput.plain(task("failed", "told to fail", "{\"return-code\":0}"), new PrintWriter(new StringWriter()),
            new PrintWriter(err, true));
        assertEquals("Action id 2 failed: told to fail\n", err.toString());
    }

    @Test
    void yamlDocumentIsKeyedByUnit() throws Exception {
        StringWriter out = new StringWriter();
        ActionOutput.print(task("completed", "", "{\"return-code\":0}"), "yaml", new PrintWriter(out, true),
            new PrintWriter(new StringWriter()));
        String y = out.toString();
        assertTrue(y.startsWith("etcd/0:\n  id: '2'\n  log:\n  - 2026-01-02 03:04:05 +0000 UTC checking\n"), y);
        assertTrue(y.contains("  timing:\n    completed: 2026-01-02 03:04:07 +0000 UTC\n"), y);
        assertTrue(y.endsWith("  unit: etcd/0\n"), y);
    }

    @Test
    void juju29ShapeUsesCodeAndUnitTag() throws Exception {
        String y = YamlText.dump(ActionOutput.juju29(task("completed", "", "{\"return-code\":0,\"stdout\":\"hi\"}")));
        assertTrue(y.startsWith("unit-etcd-0:\n  UnitId: etcd/0\n  id: '2'\n  results:\n    Code: '0'\n    Stdout: hi\n"), y);
    }

    @Test
    void exitCodeOnlyForNonZeroReturnCode() throws Exception {
        ActionOutput.failOnReturnCode(task("failed", "told to fail", "{\"return-code\":0}"));
        CliException e = assertThrows(CliException.class,
            () -> ActionOutput.failOnReturnCode(task("failed", "exit status 1", "{\"return-code\":1}")));
        assertEquals("the following task failed:\n - id \"2\" with return code 1\n\nuse 'juju show-task' to inspect"
            + " the failure", e.getMessage());
    }

    @Test
    void argumentsJujuWouldRefuseAreRefusedBeforeAnythingIsSent() {
        CliException yaml = assertThrows(CliException.class, () -> ActionRequests.run(null, "rec/0", "echo",
            java.util.List.of("text=a: b: c"), false, java.time.Duration.ZERO, true));
        assertTrue(yaml.getMessage().startsWith("yaml: "), yaml.getMessage());
        assertEquals(1, yaml.exitCode());
        CliException key = assertThrows(CliException.class, () -> ActionRequests.run(null, "rec/0", "echo",
            java.util.List.of("Text=x"), false, java.time.Duration.ZERO, true));
        assertEquals("key \"Text\" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric"
            + " and hyphens", key.getMessage());
        assertEquals(2, key.exitCode());
    }
}
