package dev.charms.runner.controller;

import dev.charms.runner.model.Unit;
import dev.charms.runner.tools.HookContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Measures the runner's own scheduling overhead per hook: 50 queued hooks whose dispatch exits at once,
 * wall time per hook, minus the time of the same process started 50 times directly in the same machine.
 * Prints the figures and writes them to target/hook-overhead.txt. A benchmark, not part of the test
 * run (its name matches no test pattern): benchmarks/tools.sh runs it by name; it asserts only that
 * every hook ran, never a time.
 */
class HookOverheadBench {
    private static final int HOOKS = 50;
    private ModelPaths paths;
    private Controller controller;

    @BeforeEach
    void setUp() throws Exception {
        paths = TestModels.newModel("bench");
        controller = TestModels.start(paths);
        controller.deploy(TestModels.RECORDER.resolveSibling("noop"), "noop", 1, Map.of(), Map.of());
        controller.waitIdle(Duration.ofMinutes(1));
    }

    @AfterEach
    void tearDown() {
        TestModels.destroy(controller, paths);
    }

    private double rawMillisPerProcess(UnitHost host, Map<String, String> env) throws Exception {
        List<String> argv = List.of(host.charmDirInMachine() + "/dispatch");
        long start = System.nanoTime();
        for (int i = 0; i < HOOKS; i++) {
            Process p = host.machine().exec(argv, env, host.charmDirInMachine());
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            assertEquals(0, p.waitFor());
        }
        return (System.nanoTime() - start) / 1e6 / HOOKS;
    }

    @Test
    void schedulingOverheadPerHook() throws Exception {
        UnitAgent agent = controller.agent("noop/0");
        Unit unit = agent.unit();
        UnitHost host = agent.host();
        Map<String, String> env = HookContext.hook(controller.model(), unit, "upgrade-charm").build()
            .environment(host.charmDirInMachine(), host.toolsDirInMachine(), host.socketInMachine());
        rawMillisPerProcess(host, env);
        double raw = rawMillisPerProcess(host, env);
        double scheduled = scheduledMillisPerHook(agent);
        double overhead = scheduled - raw;
        String report = String.format("hooks=%d raw-exec-ms=%.2f scheduled-ms-per-hook=%.2f overhead-ms-per-hook=%.2f%n",
            HOOKS, raw, scheduled, overhead);
        System.out.print(report);
        Files.writeString(Path.of("target", "hook-overhead.txt"), report);
    }

    private double scheduledMillisPerHook(UnitAgent agent) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < HOOKS; i++) {
            agent.enqueue(Hook.unit("upgrade-charm"));
        }
        long deadline = System.currentTimeMillis() + 120_000;
        while (!agent.settled() && System.currentTimeMillis() < deadline) {
            Thread.sleep(1);
        }
        double perHook = (System.nanoTime() - start) / 1e6 / HOOKS;
        assertTrue(agent.settled(), "hooks did not finish");
        long ran = Files.readAllLines(controller.debugLogFile()).stream()
            .filter(l -> l.contains("ran \"upgrade-charm\" hook")).count();
        assertEquals(HOOKS, ran, "every queued hook ran (upgrade-charm does not coalesce)");
        return perHook;
    }
}
