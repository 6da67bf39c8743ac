package dev.charms.etcd.it;

/**
 * One fault of the fault suite, run by {@link FaultSuite#run(LocalCluster, FaultScenario)} against a
 * deployment of the {@code etcd} application under a continuous writer.
 *
 * <p>What the suite does around {@link #inject(FaultRun)}, so that a scenario only has to cause its fault
 * and take the operator's recovery steps:
 * <ol>
 * <li>before: scales the application to {@link #units()} units (adds or removes units and waits until every
 * unit is active), notes where the debug log ends, starts a status watcher (every agent seen in
 * {@code error} counts as a hook error) and, unless {@link #writesBeforeInject()} is false, a writer that
 * puts {@code fault/<scenario>/<n>} one key at a time through every endpoint;</li>
 * <li>{@link #inject(FaultRun)}: causes the fault and its recovery (heal the cut, reattach, undo), and may
 * make its own assertions; it returns when nothing more is to be done by hand;</li>
 * <li>after: waits until every unit is active and idle ({@link #recoveryTimeout()}), stops the writer, reads
 * every key back and reports the acknowledged, failed and lost writes (acknowledged but not readable), the
 * seconds from the start of {@code inject} until every unit was active, and the hook errors (failed hooks in
 * the debug log and agents seen in {@code error}); it fails the test unless lost = 0 and hook errors = 0.
 * Each report is also appended to {@code target/faults/results.tsv} (read by {@code benchmarks/faults.sh}).</li>
 * </ol>
 *
 * <p>A scenario kept in another test class plugs in with a few lines, on that class's own deployment:
 * <pre>{@code
 * FaultSuite.Report r = FaultSuite.run(c, FaultScenario.of("kill -9 one unit's etcd", 3, run -> {
 *     run.cluster().controller().crash(run.cluster().units().get(0), "etcd");
 * }));
 * }</pre>
 * The report's figures are in {@code r}; {@code benchmarks/faults.sh} prints them with the others when the
 * class is among the classes it runs ({@code FAULT_ITS}).
 */
public interface FaultScenario {
    /** Short name, shown in the report table (e.g. {@code "kill -9 raft leader"}). */
    String name();

    /** Units of {@code etcd} the scenario starts from; the suite scales to it first. */
    default int units() {
        return 3;
    }

    /**
     * Whether the writer starts before {@link #inject(FaultRun)}. A scenario that deploys the application
     * itself says false and calls {@link FaultRun#startWriter()} once the cluster can take writes.
     */
    default boolean writesBeforeInject() {
        return true;
    }

    /** How long the suite waits after {@code inject} for every unit to be active and idle. */
    default java.time.Duration recoveryTimeout() {
        return java.time.Duration.ofMinutes(6);
    }

    /** Causes the fault and takes the recovery steps an operator would; see the class comment. */
    void inject(FaultRun run) throws Exception;

    /** What {@link #inject(FaultRun)} may use. */
    interface FaultRun {
        /** The deployment under test. */
        LocalCluster cluster();

        /** Starts the writer if it is not running yet (see {@link #writesBeforeInject()}). */
        void startWriter();

        /** Acknowledged writes so far (e.g. to wait until writes go on through the majority). */
        int acknowledged();

        /** A line for the scenario's own figures, printed with its report. */
        void note(String line);
    }

    /** The body of a scenario, for {@link #of(String, int, Body)}. */
    @FunctionalInterface
    interface Body {
        void inject(FaultRun run) throws Exception;
    }

    /** A scenario from a name, a unit count and a body (writer running before the body). */
    static FaultScenario of(String name, int units, Body body) {
        return new FaultScenario() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int units() {
                return units;
            }

            @Override
            public void inject(FaultRun run) throws Exception {
                body.inject(run);
            }
        };
    }
}
