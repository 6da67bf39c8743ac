package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.controller.StatusSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link FaultScenario}s under a continuous writer and reports, per scenario, acknowledged, failed
 * and lost writes, the seconds until every unit was active again and the hook errors seen. See
 * {@link FaultScenario} for what happens around a scenario.
 */
public final class FaultSuite {
    /** Where each report is appended, one tab-separated line (read by benchmarks/faults.sh). */
    public static final Path RESULTS = Path.of("target", "faults", "results.tsv").toAbsolutePath();
    private static final AtomicInteger RUNS = new AtomicInteger();

    private FaultSuite() {
    }

    /** The figures of one scenario. */
    public record Report(String scenario, int units, int acknowledged, int failed, int lost, double secondsToActive,
                         int hookErrors, List<String> notes) {
        String tsv() {
            return String.join("\t", scenario, String.valueOf(units), String.valueOf(acknowledged),
                    String.valueOf(lost), String.valueOf(failed), String.format("%.1f", secondsToActive),
                    String.valueOf(hookErrors), String.join("; ", notes));
        }
    }

    /**
     * Runs {@code scenario} on {@code c} (see {@link FaultScenario}), appends its report to {@link #RESULTS}
     * and fails the test unless no acknowledged write was lost and no hook failed.
     */
    public static Report run(LocalCluster c, FaultScenario scenario) throws Exception {
        if (scenario.writesBeforeInject()) {
            scaleTo(c, scenario.units());
        }
        String prefix = "fault/" + RUNS.incrementAndGet() + "-" + scenario.name().replaceAll("[^A-Za-z0-9]+", "-") + "/";
        long logFrom = logLines(c);
        ContinuousWriter writer = new ContinuousWriter(c, prefix);
        StatusWatch watch = new StatusWatch(c, false);
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        if (scenario.writesBeforeInject()) {
            writer.start();
        }
        long started = System.nanoTime();
        double seconds;
        try {
            scenario.inject(new FaultScenario.FaultRun() {
                @Override
                public LocalCluster cluster() {
                    return c;
                }

                @Override
                public void startWriter() {
                    writer.start();
                }

                @Override
                public int acknowledged() {
                    return writer.acknowledged();
                }

                @Override
                public void note(String line) {
                    notes.add(line);
                }
            });
            writer.start();
            awaitAllActive(c, scenario.recoveryTimeout());
            seconds = (System.nanoTime() - started) / 1e9;
            c.settle();
            c.awaitMembershipMatchesUnits(Duration.ofSeconds(90));
            // Writes go on after the recovery too: the cluster takes them again.
            int after = writer.acknowledged();
            c.await("the writer is acknowledged again after the recovery", Duration.ofSeconds(60),
                    () -> writer.acknowledged() >= after + 5);
        } finally {
            writer.stop();
            watch.close();
        }
        Set<Integer> lost = writer.lost();
        List<String> failedHooks = failedHooks(c, logFrom);
        Set<String> hookErrors = new LinkedHashSet<>(failedHooks);
        if (failedHooks.isEmpty()) {
            hookErrors.addAll(watch.errorsShown());
        }
        Report report = new Report(scenario.name(), c.units().size(), writer.acknowledged(), writer.failed(),
                lost.size(), seconds, hookErrors.size(), List.copyOf(notes));
        Files.createDirectories(RESULTS.getParent());
        Files.writeString(RESULTS, report.tsv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.printf("fault scenario %s: %d acknowledged, %d lost, %d failed, %.1f s to all active, %d hook"
                + " errors %s%n", report.scenario(), report.acknowledged(), report.lost(), report.failed(),
                report.secondsToActive(), report.hookErrors(), notes);
        assertTrue(writer.acknowledged() > 0, scenario.name() + ": the writer was never acknowledged: "
                + writer.failures());
        assertEquals(Set.of(), lost, scenario.name() + ": acknowledged writes lost");
        assertEquals(List.of(), failedHooks, scenario.name() + ": hooks failed");
        assertEquals(Set.of(), watch.errorsShown(), scenario.name() + ": units seen in error");
        return report;
    }

    /**
     * Appends figures a scenario outside this suite measured itself ({@link FaultFigures}) to
     * {@link #RESULTS}, so that benchmarks/faults.sh prints them with the others.
     */
    public static void record(FaultFigures f, int units) throws IOException {
        record(f.scenario(), units, f.acknowledged(), f.failed(), f.lost(), f.timeToAllActive(), f.hookErrors().size());
    }

    /** {@link #record(FaultFigures, int)} from the figures themselves. */
    public static void record(String scenario, int units, int acknowledged, int failed, int lost,
                              Duration timeToAllActive, int hookErrors) throws IOException {
        Report r = new Report(scenario, units, acknowledged, failed, lost, timeToAllActive.toMillis() / 1000.0,
                hookErrors, List.of());
        Files.createDirectories(RESULTS.getParent());
        Files.writeString(RESULTS, r.tsv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Adds or removes (non-leader, highest first) units until {@code etcd} has {@code units}, then settles. */
    static void scaleTo(LocalCluster c, int units) throws Exception {
        List<String> now = c.units();
        if (now.size() < units) {
            c.controller().addUnit("etcd", units - now.size());
        } else if (now.size() > units) {
            String leader = c.leaderUnit();
            List<String> others = new ArrayList<>(now.stream().filter(u -> !u.equals(leader)).toList());
            Collections.reverse(others);
            c.controller().removeUnit(others.subList(0, now.size() - units).toArray(String[]::new));
        } else {
            return;
        }
        c.await(units + " units", Duration.ofMinutes(3), () -> c.units().size() == units);
        awaitAllActive(c, Duration.ofMinutes(6));
        c.settle();
        c.awaitMembershipMatchesUnits(Duration.ofSeconds(90));
    }

    /** Every unit's workload active with a healthy cluster and its agent idle with nothing queued. */
    static void awaitAllActive(LocalCluster c, Duration timeout) throws Exception {
        c.await("every unit is active with a healthy cluster", timeout, () -> {
            List<StatusSnapshot.UnitRow> units = c.status().units().stream()
                    .filter(u -> u.name().startsWith("etcd/")).toList();
            return !units.isEmpty() && units.stream().allMatch(u -> u.workload().equals("active")
                    && u.workloadMessage().contains("cluster is healthy") && u.agent().equals("idle")
                    && u.queued().isEmpty());
        });
    }

    static long logLines(LocalCluster c) throws IOException {
        Path log = c.controller().debugLogFile();
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log)) {
            return lines.count();
        }
    }

    /** Each failed hook in the debug log since line {@code from}. */
    static List<String> failedHooks(LocalCluster c, long from) throws IOException {
        Path log = c.controller().debugLogFile();
        if (!Files.exists(log)) {
            return List.of();
        }
        try (var lines = Files.lines(log)) {
            return lines.skip(from).filter(l -> l.contains(" ERROR juju.worker.uniter") && l.contains("failed")).toList();
        }
    }
}
