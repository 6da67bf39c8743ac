package dev.charms.ops;

/**
 * Start-up tracing for benchmarks: with {@code CHARM_TRACE=1} in the environment, {@link #mark} prints
 * the milliseconds since the first mark (the start of {@code main}) and a label to stderr. Off (one
 * boolean test) otherwise.
 */
public final class Trace {
    private static final boolean ON = "1".equals(System.getenv("CHARM_TRACE"));
    private static final long T0 = System.nanoTime();

    private Trace() {
    }

    public static void mark(String label) {
        if (ON) {
            System.err.println("TRACE " + (System.nanoTime() - T0) / 1_000_000 + " ms " + label
                    + " [" + Thread.currentThread().getName() + "]");
        }
    }
}
