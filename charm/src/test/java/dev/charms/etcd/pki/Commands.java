package dev.charms.etcd.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test helper: runs an external command (openssl, tar, etcdctl) and captures its result. */
final class Commands {
    /** Exit code and combined output of a finished command. */
    record Result(int exitCode, String output) {
        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("command failed (" + exitCode + "): " + output);
            }
            return this;
        }
    }

    private Commands() {
    }

    static Result run(Path directory, List<String> command) {
        return run(directory, command, Map.of(), null);
    }

    static Result run(Path directory, List<String> command, Map<String, String> environment, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().keySet().removeIf(name -> name.startsWith("ETCDCTL_"));
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("command timed out: " + command);
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
