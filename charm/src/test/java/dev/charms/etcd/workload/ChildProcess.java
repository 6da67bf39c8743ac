package dev.charms.etcd.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper shared by the etcd test members ({@link LocalMember}, the actions tests' EtcdProcess): one
 * child process whose output is appended to a log file, stopped (SIGTERM, then SIGKILL) or killed on
 * demand, and always gone after {@link #close()}.
 */
public final class ChildProcess implements AutoCloseable {
    private final Path log;
    private Process process;

    public ChildProcess(Path log) {
        this.log = log;
    }

    /** Starts {@code command}; refuses while a previous start is still running. */
    public void start(List<String> command) throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(command.get(0) + " is already running");
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit code of a process that has ended. */
    public int exitValue() {
        return process.exitValue();
    }

    /** The last 15 lines of the log, for assertion messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** SIGTERM, then SIGKILL after 10 s; waits for the exit. */
    public void stop() {
        if (!isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** SIGKILL, as a crash would. */
    public void kill() throws InterruptedException {
        if (isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> process).join();
        }
    }

    /** A TCP port free on the loopback address right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
