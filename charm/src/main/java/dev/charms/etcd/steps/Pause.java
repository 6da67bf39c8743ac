package dev.charms.etcd.steps;

/** Waiting between polls of etcd or the machine; an interrupted wait ends the hook. */
final class Pause {
    private Pause() {
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
