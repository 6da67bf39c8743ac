package dev.charms.runner.cli;

import dev.charms.runner.controller.ModelPaths;

import java.io.IOException;
import java.nio.file.Files;

/** Makes sure a model's daemon is gone: waits for it to exit, then terminates or kills it. */
final class DaemonLifecycle {
    private static final long EXIT_TIMEOUT_MS = 20_000;

    private DaemonLifecycle() {
    }

    /** Waits for the daemon to exit; SIGTERM after 10 s, SIGKILL after 20 s. */
    static void stop(ModelPaths paths) {
        Long pid = pid(paths);
        ProcessHandle daemon = pid == null ? null : ProcessHandle.of(pid).orElse(null);
        if (daemon == null || !isDaemon(daemon)) {
            return;
        }
        long start = System.currentTimeMillis();
        boolean termed = false;
        while (daemon.isAlive()) {
            long waited = System.currentTimeMillis() - start;
            if (waited > EXIT_TIMEOUT_MS) {
                daemon.destroyForcibly();
                break;
            }
            if (waited > EXIT_TIMEOUT_MS / 2 && !termed) {
                daemon.destroy();
                termed = true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether {@code p} is a controller daemon (the pid file may be stale and the pid reused). */
    private static boolean isDaemon(ProcessHandle p) {
        return p.info().arguments().map(a -> java.util.Arrays.asList(a).contains("controller-daemon")).orElse(false);
    }

    static Long pid(ModelPaths paths) {
        try {
            return Files.exists(paths.pidFile()) ? Long.parseLong(Files.readString(paths.pidFile()).trim()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
