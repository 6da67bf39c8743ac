package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reboot of some or all units' machines (the local runner's {@code reboot}: a power loss, then a boot)
 * under a continuous writer and a status watch, until every unit is active and idle again. Any test may
 * run it on its own {@link LocalCluster}; {@link #assertClean} holds the outcome to the charm's promises.
 */
public final class RebootScenario {
    private static final Pattern INTERRUPTED = Pattern.compile(
            "^unit-(\\S+)-(\\d+): .* awaiting error resolution for \"([^\"]+)\" hook$");
    /** Writes acknowledged before the fault, so the fault strikes a cluster under load. */
    private static final int WRITES_BEFORE = 20;

    private RebootScenario() {
    }

    /**
     * Reboots {@code units} (with {@code all}: every unit of the model at once) after they stay off for
     * {@code down}, while a writer puts {@code <scenario>/<n>} keys; waits until every unit is active and
     * idle, writes on a little longer, and returns the figures.
     */
    public static FaultFigures run(LocalCluster c, String scenario, List<String> units, boolean all, Duration down)
            throws Exception {
        long from = Files.readAllLines(c.controller().debugLogFile()).size();
        ContinuousWriter writer = new ContinuousWriter(c, scenario + "/").start();
        Duration toActive;
        StatusWatch watch;
        try {
            c.await(WRITES_BEFORE + " writes acknowledged before the reboot", Duration.ofSeconds(60),
                    () -> writer.acknowledged() >= WRITES_BEFORE);
            watch = new StatusWatch(c);
            long start = System.nanoTime();
            try {
                c.controller().reboot(units, all, down);
                c.settle();
            } finally {
                toActive = Duration.ofNanos(System.nanoTime() - start);
                watch.close();
            }
            int after = writer.acknowledged();
            c.await("writes acknowledged after the reboot", Duration.ofSeconds(60), () -> writer.acknowledged() > after + 5);
        } finally {
            writer.stop();
        }
        List<String> log = Files.readAllLines(c.controller().debugLogFile()).stream().skip(from).toList();
        Set<String> interrupted = new LinkedHashSet<>();
        for (String line : log) {
            Matcher m = INTERRUPTED.matcher(line);
            if (m.matches()) {
                interrupted.add(m.group(1) + "/" + m.group(2) + ": hook failed: \"" + m.group(3) + "\"");
            }
        }
        List<String> hookErrors = new ArrayList<>(log.stream().filter(l -> l.contains(" ERROR juju.worker.uniter")).toList());
        watch.errorsShown().stream().filter(e -> !interrupted.contains(e)).forEach(e -> hookErrors.add("shown: " + e));
        FaultFigures figures = new FaultFigures(scenario, writer.acknowledged(), writer.lost().size(), writer.failed(),
                toActive, hookErrors, interrupted, watch.statusesSeen(), watch.untruthful());
        System.out.println("RebootScenario " + figures.line());
        FaultSuite.record(figures, c.units().size());
        return figures;
    }

    /**
     * No acknowledged write lost, no hook error of the charm's making (a hook the power loss cut short is
     * Juju's to report and retry), no unit claiming active while its member did not serve, and the writer
     * did write.
     */
    public static void assertClean(FaultFigures f) {
        assertTrue(f.acknowledged() > WRITES_BEFORE, f.line());
        assertEquals(0, f.lost(), "acknowledged writes lost: " + f.line());
        assertEquals(List.of(), f.hookErrors(), "hook errors: " + f.line());
        assertEquals(List.of(), f.untruthfulStatus(), "untruthful status: " + f.line());
    }
}
