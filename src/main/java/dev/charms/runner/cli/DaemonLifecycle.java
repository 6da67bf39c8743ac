package dev.charms.runner.cli;

import dev.charms.runner.controller.ModelPaths;

import java.io.IOException;
import java.nio.file.Files;

/** Waits for a daemon that was told to stop to really be gone (its pid file removed, process exited). */
final class DaemonLifecycle {
    private static final long EXIT_TIMEOUT_MS = 60_000;

    private DaemonLifecycle() {
    }

    static void awaitExit(ModelPaths paths) {
        long deadline = System.currentTimeMillis() + EXIT_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            Long pid = pid(paths);
            boolean alive = pid != null && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new CliException("the controller of model \"" + paths.model() + "\" did not exit");
    }

    static Long pid(ModelPaths paths) {
        try {
            return Files.exists(paths.pidFile()) ? Long.parseLong(Files.readString(paths.pidFile()).trim()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
