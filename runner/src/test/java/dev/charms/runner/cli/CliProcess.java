package dev.charms.runner.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local-juju command line run in its own process, as an operator runs it, against the runner state
 * under {@code home} and the model {@code model}. Shared with the cluster tests through the runner's test jar.
 */
public final class CliProcess {
    /** What one command printed and how it exited. */
    public record Result(int code, String out, String err) {
    }

    private final Path home;
    private final String model;
    private final Duration limit;

    public CliProcess(Path home, String model, Duration limit) {
        this.home = home;
        this.model = model;
        this.limit = limit;
    }

    /** Runs {@code local-juju ARGS...}; fails the test if it does not end within the limit. */
    public Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LocalJuju.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LOCAL_JUJU_HOME", home.toString());
        pb.environment().put("LOCAL_JUJU_MODEL", model);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(limit.toSeconds(), TimeUnit.SECONDS), "local-juju " + List.of(args) + " hung");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
