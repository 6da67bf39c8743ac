package dev.charms.runner.controller;

import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.ModelException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Actions, resources and exec through real machines: results, failure modes, validation before anything runs. */
class ActionsIT {
    private ModelPaths paths;
    private Controller controller;

    @BeforeEach
    void setUp() throws Exception {
        paths = TestModels.newModel("act");
        controller = TestModels.start(paths);
        Path blob = Files.writeString(paths.home().resolve("blob-source.txt"), "resource content\n");
        controller.deploy(TestModels.RECORDER, "rec", 1, Map.of(), Map.of("blob", blob));
        controller.waitIdle(Duration.ofMinutes(2));
    }

    @AfterEach
    void tearDown() {
        TestModels.destroy(controller, paths);
    }

    private ActionTask run(String target, String action, Map<String, Object> params) throws Exception {
        ActionTask task = controller.runAction(target, action, params);
        return controller.awaitTask(task.id(), Duration.ofMinutes(1));
    }

    @Test
    void completedActionHasResultsOutputAndLog() throws Exception {
        ActionTask t = run("rec/leader", "echo", Map.of("text", "hi"));
        assertEquals(ActionTask.State.COMPLETED, t.state());
        assertEquals(Map.of("text", "hi", "count", "1"), t.results().get("result"), "default count inserted");
        assertEquals(0, t.results().get("return-code"));
        assertEquals("RECORD actions/echo - - -\nhello out\n", t.results().get("stdout"));
        assertEquals("hello err\n", t.results().get("stderr"));
        assertEquals("working on hi", t.log().get(0).message());
        assertEquals("rec/0", t.unitName());
        assertEquals(Integer.parseInt(t.operationId()) + 1, Integer.parseInt(t.id()));
    }

    @Test
    void actionFailAndNonZeroExit() throws Exception {
        ActionTask failed = run("rec/0", "fail-me", Map.of());
        assertEquals(ActionTask.State.FAILED, failed.state());
        assertEquals("told to fail", failed.message());
        assertEquals(0, failed.results().get("return-code"));

        ActionTask exit3 = run("rec/0", "exit-nonzero", Map.of());
        assertEquals(ActionTask.State.FAILED, exit3.state());
        assertEquals("exit status 3", exit3.message());
        assertEquals(3, exit3.results().get("return-code"));
        assertEquals("idle", controller.model().requireUnit("rec/0").agentStatus().status(),
            "actions never put a unit in error");
    }

    @Test
    void parametersAreValidatedBeforeAnythingRuns() throws Exception {
        int tasksBefore = controller.model().tasks().size();
        ModelException missing = assertThrows(ModelException.class, () -> controller.runAction("rec/0", "echo", Map.of()));
        assertTrue(missing.getMessage().contains("text"), missing.getMessage());
        assertThrows(ModelException.class, () -> controller.runAction("rec/0", "echo", Map.of("text", "x", "bogus", 1)));
        assertThrows(ModelException.class, () -> controller.runAction("rec/0", "echo", Map.of("text", "x", "count", 0)));
        assertThrows(ModelException.class, () -> controller.runAction("rec/0", "no-such-action", Map.of()));
        assertEquals(tasksBefore, controller.model().tasks().size(), "no task was created");
        assertTrue(TestModels.hookNames(controller.debugLogFile(), "rec/0").stream().noneMatch(h -> h.startsWith("action")));
    }

    @Test
    void actionsRunOnAUnitInError() throws Exception {
        controller.config("rec", Map.of("fail-hook", "config-changed"));
        long deadline = System.currentTimeMillis() + 30_000;
        while (!controller.model().requireUnit("rec/0").agentStatus().status().equals("error")
            && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        ActionTask t = run("rec/0", "echo", Map.of("text", "while broken"));
        assertEquals(ActionTask.State.COMPLETED, t.state());
        assertEquals("error", controller.model().requireUnit("rec/0").agentStatus().status(), "still in error");
        controller.config("rec", Map.of("fail-hook", ""));
        controller.waitIdle(Duration.ofMinutes(1));
    }

    @Test
    void resourceIsInTheUnitAndExecRunsInTheMachine() throws Exception {
        String resource = "/var/lib/juju/agents/unit-rec-0/resources/blob/blob.txt";
        ExecResult cat = controller.exec("rec/0", "cat " + resource + "; hostname; id -u", Duration.ofSeconds(30));
        assertEquals(0, cat.exitCode(), cat.stderr());
        String[] lines = cat.stdout().split("\n");
        assertEquals("resource content", lines[0]);
        assertEquals(controller.model().requireUnit("rec/0").hostname(), lines[1]);
        assertEquals("0", lines[2]);
        assertEquals("resource content\n", Files.readString(controller.hostPath("rec/0", resource)));
        assertEquals(7, controller.exec("rec/0", "exit 7", Duration.ofSeconds(30)).exitCode());
    }
}
