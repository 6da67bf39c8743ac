package dev.charms.etcd.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs external commands through {@link ProcessBuilder} with a time limit (no shell). */
public final class CommandRunner {
    private static final int MAX_ERROR_CHARS = 400;

    /** Runs {@code command}; returns its result whatever the exit code; throws only on timeout or start failure. */
    public CommandResult run(List<String> command, Map<String, String> env, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CommandException(command, -1, "", "cannot start (" + e.getMessage() + ")");
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new CommandException(command, -1, oneLine(err.getNow("")), "timed out after " + timeout.toSeconds() + "s");
            }
            dev.charms.ops.Trace.mark("command " + command.get(0) + " done");
            return new CommandResult(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandException(command, -1, "", "interrupted");
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new CommandException(command, -1, "", "cannot read its output (" + e.getMessage() + ")");
        }
    }

    /** Runs {@code command} and returns its stdout; a non-zero exit throws {@link CommandException}. */
    public String check(List<String> command, Map<String, String> env, Duration timeout) {
        CommandResult result = run(command, env, timeout);
        if (!result.ok()) {
            throw new CommandException(command, result.exitCode(), oneLine(result.stderr()), "exit code " + result.exitCode());
        }
        return result.stdout();
    }

    /** Same as {@link #check(List, Map, Duration)} with no extra environment. */
    public String check(List<String> command, Duration timeout) {
        return check(command, Map.of(), timeout);
    }

    /** Folds text to one trimmed line, at most a few hundred characters. */
    public static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s*\\R\\s*", " | ");
        return line.length() <= MAX_ERROR_CHARS ? line : line.substring(0, MAX_ERROR_CHARS) + "...";
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
