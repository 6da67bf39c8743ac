package dev.charms.runner.controller;

import dev.charms.runner.machine.Machine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Reaches into a unit's machine for {@code juju exec} (commands) and {@code juju scp} (files). */
final class UnitMachines {
    private final ControllerState state;

    UnitMachines(ControllerState state) {
        this.state = state;
    }

    /** {@code juju exec --unit u -- cmd}: runs {@code /bin/sh -c command} as root in the unit's machine. */
    ExecResult exec(String unitName, String command, Duration timeout) throws IOException, InterruptedException {
        Machine m = state.unitHost(unitName).machine();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", UnitHost.toolsDirInMachine(unitName)
            + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", "/root");
        env.put("LANG", "C.UTF-8");
        env.put("JUJU_UNIT_NAME", unitName);
        Process p = m.exec(List.of("/bin/sh", "-c", command), env, "/root");
        p.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()),
            state.pumps());
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()),
            state.pumps());
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("command timed out after " + Durations.format(timeout) + " on " + unitName);
        }
        try {
            return new ExecResult(p.exitValue(), new String(out.get()), new String(err.get()));
        } catch (ExecutionException e) {
            throw new IOException("reading command output failed: " + e.getCause().getMessage(), e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The host path of a file a unit sees at {@code pathInMachine} (for scp). */
    Path hostPath(String unitName, String pathInMachine) {
        return state.unitHost(unitName).machine().hostPathOf(pathInMachine);
    }
}
