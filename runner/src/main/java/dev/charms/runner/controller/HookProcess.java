package dev.charms.runner.controller;

import dev.charms.runner.machine.Machine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Runs a charm process (dispatch, a hook or an action) in a unit's machine: stdout lines go to the debug
 * log at DEBUG and stderr lines at WARNING under the logger {@code unit.<unit>.<hook>}, as Juju's runner
 * logs them; the output is also captured (actions report it in their results).
 */
final class HookProcess {
    private HookProcess() {
    }

    static ExecResult run(Machine machine, List<String> argv, Map<String, String> env, String cwd, DebugLog log,
                      String unit, String hookName, ExecutorService pumps) throws IOException, InterruptedException {
        Process p = machine.exec(argv, env, cwd);
        p.getOutputStream().close();
        String logger = "unit." + unit + "." + hookName;
        CompletableFuture<String> out = CompletableFuture.supplyAsync(
            () -> pump(p.getInputStream(), line -> log.log(unit, "DEBUG", logger, line)), pumps);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(
            () -> pump(p.getErrorStream(), line -> log.log(unit, "WARNING", logger, line)), pumps);
        try {
            int code = p.waitFor();
            return new ExecResult(code, out.get(), err.get());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw e;
        } catch (ExecutionException e) {
            throw new IOException("reading the output of " + hookName + " failed: " + e.getCause().getMessage(), e);
        }
    }

    private static String pump(InputStream in, java.util.function.Consumer<String> sink) {
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                all.append(line).append('\n');
                sink.accept(line);
            }
        } catch (IOException e) {
            all.append("[output truncated: ").append(e.getMessage()).append("]\n");
        }
        return all.toString();
    }
}
