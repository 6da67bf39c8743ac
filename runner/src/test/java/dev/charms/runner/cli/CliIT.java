package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.charms.runner.controller.Controller;
import dev.charms.runner.controller.ModelPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local-juju CLI as operators run it: separate processes talking to the model's daemon. */
class CliIT {
    private static final Path RECORDER = Path.of("src/test/resources/charms/recorder").toAbsolutePath();
    private Path home;
    private String model;

    private record Run(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        String id = UUID.randomUUID().toString().substring(0, 8);
        home = Files.createDirectories(Path.of("target").toAbsolutePath().resolve("lj-" + id));
        model = "cli-" + id;
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            cli("destroy");
        } finally {
            ModelPaths paths = new ModelPaths(home, model);
            Controller.cleanup(paths);
            new ProcessBuilder("rm", "-rf", home.toString()).start().waitFor();
        }
    }

    private Run cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), LocalJuju.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LOCAL_JUJU_HOME", home.toString());
        pb.environment().put("LOCAL_JUJU_MODEL", model);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "cli " + List.of(args) + " hung");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void deployStatusActionsWaitAndDestroy() throws Exception {
        Run added = cli("add-model");
        assertEquals(0, added.code(), added.err());
        assertEquals("Added model \"" + model + "\"\n", added.err());
        Run empty = cli("status");
        assertEquals(0, empty.code(), empty.err());
        Run again = cli("add-model");
        assertEquals(1, again.code());
        assertEquals("ERROR model \"" + model + "\" already exists\n", again.err());
        Run deploy = cli("deploy", RECORDER.toString(), "rec", "-n", "2", "--config", "token=abc");
        assertEquals(0, deploy.code(), deploy.err());
        Run waited = cli("wait", "--timeout", "2m");
        assertEquals(0, waited.code(), waited.err());

        Run status = cli("status");
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("App  "), status.out());
        assertTrue(status.out().matches("(?s).*\\nrec\\s+active\\s+2\\s+recorder\\s.*"), status.out());
        assertTrue(status.out().matches("(?s).*\\nrec/0\\*\\s+active\\s+idle\\s+\\d+\\s+10\\.213\\.\\d+\\.\\d+\\s+ready\\n.*"),
            status.out());
        assertTrue(status.out().matches("(?s).*\\nUnit\\s+Workload\\s+Agent\\s+Machine\\s+Public address\\s+Ports\\s+Message\\n.*"),
            status.out());
        assertTrue(status.out().contains("rec:cluster           rec:cluster  recorder-peer  peer"), status.out());
        JsonNode json = DaemonProtocol.JSON.readTree(cli("status", "--format", "json").out());
        assertEquals(2, json.get("units").size());

        Run config = cli("config", "rec", "token");
        assertEquals("abc\n", config.out());

        Run plain = cli("run", "rec/leader", "echo", "text=hi", "count=2");
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.err().startsWith("Running operation 1 with 1 task\n  - task 2 on unit-rec-0\n\nWaiting for task 2...\n"),
            plain.err());
        assertTrue(plain.err().matches("(?s).*\\d\\d:\\d\\d:\\d\\d working on hi\\n.*"), plain.err());
        assertEquals("result:\n  count: '2'\n  text: hi\nRECORD actions/echo - - -\nhello out\n", plain.out());
        assertTrue(plain.err().endsWith("hello err\n"), plain.err());

        Run yaml = cli("run", "rec/0", "echo", "text=yo", "--format", "yaml");
        assertTrue(yaml.out().startsWith("rec/0:\n  id: '4'\n"), yaml.out());
        assertTrue(yaml.out().contains("  status: completed\n"), yaml.out());
        assertTrue(yaml.out().contains("    return-code: 0\n"), yaml.out());
        JsonNode js = DaemonProtocol.JSON.readTree(cli("run", "rec/0", "echo", "text=j", "--format", "json").out());
        assertEquals("completed", js.get("rec/0").get("status").asText());
        assertEquals("j", js.get("rec/0").get("results").get("result").get("text").asText());

        Run failMe = cli("run", "rec/0", "fail-me");
        assertEquals(0, failMe.code(), "action-fail with exit 0 exits 0 like juju");
        assertTrue(failMe.err().contains("Action id 8 failed: told to fail"), failMe.err());
        Run exit3 = cli("run", "rec/0", "exit-nonzero");
        assertEquals(1, exit3.code());
        assertTrue(exit3.err().contains("ERROR the following task failed:\n - id \"10\" with return code 3\n"), exit3.err());
        Run invalid = cli("run", "rec/0", "echo", "count=2");
        assertNotEquals(0, invalid.code());
        assertTrue(invalid.err().startsWith("ERROR ") && invalid.err().contains("text"), invalid.err());
        assertFalse(invalid.err().contains("Running operation"), "validated before anything was queued");

        Run legacy = cli("run-action", "rec/1", "echo", "text=old", "--wait");
        assertTrue(legacy.out().startsWith("unit-rec-1:\n  UnitId: rec/1\n  id: '12'\n  results:\n    Code: '0'\n"),
            legacy.out());
        Run shown = cli("show-task", "12", "--format", "yaml");
        assertTrue(shown.out().contains("unit: rec/1"), shown.out());

        // Values are typed as juju run and run-action type them (YAML unless --string-args), then validated:
        // a number, a boolean or a null given to a string parameter is refused before anything is queued.
        for (String[] args : new String[][] {{"run", "rec/0", "echo", "text=12345"}, {"run", "rec/0", "echo", "text=y"},
                {"run", "rec/0", "echo", "text=~"}, {"run-action", "rec/0", "echo", "text=12345", "--wait"}}) {
            Run refused = cli(args);
            assertNotEquals(0, refused.code(), String.join(" ", args));
            assertTrue(refused.err().startsWith("ERROR validation failed: text: Invalid type. Expected: string, given: "),
                String.join(" ", args) + ": " + refused.err());
            assertFalse(refused.err().contains("Running operation"), refused.err());
        }
        Run stringArgs = cli("run", "rec/0", "echo", "--string-args", "text=12345", "count=2");
        assertNotEquals(0, stringArgs.code(), "count stays a string with --string-args and the schema wants an integer");
        assertTrue(stringArgs.err().contains("count: Invalid type. Expected: integer, given: string"), stringArgs.err());
        Run typed = cli("run", "rec/0", "echo", "text=2024-01-01", "count=0x2", "--format", "json");
        assertEquals(0, typed.code(), typed.err());
        JsonNode typedResult = DaemonProtocol.JSON.readTree(typed.out()).get("rec/0").get("results").get("result");
        assertEquals("2024-01-01", typedResult.get("text").asText(), "a date stays a string");
        assertEquals("2", typedResult.get("count").asText(), "0x2 is an integer");
        Run asString = cli("run-action", "rec/1", "echo", "--string-args", "text=12345", "--wait");
        assertTrue(asString.out().contains("text: \"12345\"") || asString.out().contains("text: '12345'"), asString.out());
        Run badYaml = cli("run", "rec/0", "echo", "text=a: b: c");
        assertEquals(1, badYaml.code());
        assertTrue(badYaml.err().startsWith("ERROR yaml: "), badYaml.err());

        Run exec = cli("exec", "rec/0", "--", "echo", "hi", ">", "/root/f;", "hostname");
        assertEquals(0, exec.code(), exec.err());
        assertTrue(exec.out().startsWith("juju-"), exec.out());
        assertEquals(4, cli("exec", "rec/0", "--", "exit", "4").code());
        Path copy = home.resolve("f-copy");
        assertEquals(0, cli("scp", "rec/0:/root/f", copy.toString()).code());
        assertEquals("hi\n", Files.readString(copy));
        assertEquals(1, cli("scp", "rec/0:/root/missing", copy.toString()).code());

        Path blob = Files.writeString(home.resolve("blob.txt"), "v2\n");
        Run attach = cli("attach-resource", "rec", "blob=" + blob);
        assertEquals(0, attach.code(), attach.err());
        assertEquals(0, cli("wait", "--timeout", "1m").code());
        Run cat = cli("exec", "rec/1", "--", "cat", "/var/lib/juju/agents/unit-rec-1/resources/blob/blob.txt");
        assertEquals("v2\n", cat.out());
        Run mc = cli("model-config", "retry-hook-base-delay=1s");
        assertEquals(0, mc.code(), mc.err());
        assertTrue(cli("model-config").out().contains("retry-hook-base-delay: 1s\n"));
        assertEquals(0, cli("cut", "rec/1").code());
        assertEquals(0, cli("heal", "rec/1").code());

        assertEquals(0, cli("config", "rec", "fail-hook=config-changed").code());
        Run timeout = cli("wait", "--timeout", "3s");
        assertEquals(1, timeout.code());
        assertTrue(timeout.err().startsWith("ERROR timed out after 3s"), timeout.err());
        assertTrue(timeout.err().contains("hook failed: \\\"config-changed\\\"") || timeout.err().contains("hook failed: \"config-changed\""),
            timeout.err());
        Run errStatus = cli("status");
        assertTrue(errStatus.out().matches("(?s).*rec/\\d\\*?\\s+error\\s+idle\\s.*hook failed: \"config-changed\".*"),
            errStatus.out());

        Run log = cli("debug-log", "--replay", "--no-tail", "--include", "rec/1");
        assertTrue(log.out().contains("unit-rec-1: "), log.out());
        assertFalse(log.out().contains("unit-rec-0: "));
        assertTrue(log.out().contains("WARNING unit.rec/1.config-changed failing hooks/config-changed as configured"),
            log.out());

        Run bad = cli("remove-unit", "rec/9");
        assertEquals(1, bad.code());
        assertEquals("ERROR unit \"rec/9\" not found\n", bad.err());
        Run noWaitAlone = cli("remove-unit", "--no-wait", "rec/1");
        assertEquals(2, noWaitAlone.code());
        assertEquals("ERROR --no-wait requires --force\n", noWaitAlone.err());
        Run forced = cli("remove-unit", "--force", "--no-wait", "rec/1");
        assertEquals(0, forced.code(), forced.err());
        Run afterForce = cli("status");
        assertFalse(afterForce.out().contains("rec/1"), "a unit removed with --force --no-wait is gone at once: " + afterForce.out());

        Run destroy = cli("destroy");
        assertEquals(0, destroy.code(), destroy.err());
        assertFalse(Files.exists(home.resolve(model)), "model dir removed");
        assertFalse(Files.exists(home.resolve("models").resolve(model)), "machines removed");
        String netns = new String(new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes());
        assertFalse(netns.contains(model), netns);
        String mounts = Files.readString(Path.of("/proc/mounts"));
        assertFalse(mounts.contains(home.toString()), "no mounts left under " + home);
        Run after = cli("status");
        assertEquals(1, after.code());
        assertTrue(after.err().startsWith("ERROR model \"" + model + "\" not found"), after.err());
    }
}
