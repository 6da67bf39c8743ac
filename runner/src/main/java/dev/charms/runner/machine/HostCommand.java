package dev.charms.runner.machine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short host command (ip, mount, nsenter, ...) and turns a failure into an {@link IOException}
 * whose one-line message names the command and its error output.
 */
final class HostCommand {
    private static final long TIMEOUT_SECONDS = 60;
    private static final ExecutorService DRAINERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "host-command-output");
        thread.setDaemon(true);
        return thread;
    });

    private HostCommand() {
    }

    /** Output of a finished command. */
    record Result(int code, String stdout, String stderr) {
        boolean ok() {
            return code == 0;
        }
    }

    /** Runs {@code argv}; fails unless it exits 0. Returns its standard output. */
    static String run(String... argv) throws IOException {
        Result result = attempt(List.of(argv));
        if (!result.ok()) {
            throw new IOException("`" + String.join(" ", argv) + "` failed (exit " + result.code() + "): "
                    + oneLine(result.stderr().isBlank() ? result.stdout() : result.stderr()));
        }
        return result.stdout();
    }

    /** Runs {@code argv} and returns whatever happened (for best-effort cleanup steps). */
    static Result attempt(List<String> argv) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        Process process = builder.start();
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("`" + String.join(" ", argv) + "` did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + argv.get(0), e);
        } catch (ExecutionException e) {
            throw new IOException("cannot read the output of " + argv.get(0), e.getCause());
        }
    }

    /** Best-effort variant of {@link #attempt} that never throws (cleanup paths). */
    static Result quietly(String... argv) {
        try {
            return attempt(List.of(argv));
        } catch (IOException e) {
            return new Result(-1, "", e.getMessage());
        }
    }

    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\n\\s*", "; ");
    }

    private static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, DRAINERS);
    }
}
