package dev.charms.runner.machine;

import dev.charms.runner.agent.ToolHandler;
import dev.charms.runner.agent.ToolResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A throw-away model with a short state directory for machine integration tests; cleans up everything. */
final class MachineFixture implements AutoCloseable {
    final Path stateDir;
    final String model;
    final MachineFactory factory;
    private final List<NamespaceMachine> machines = new ArrayList<>();

    MachineFixture() throws IOException {
        stateDir = Files.createTempDirectory(Path.of("/tmp"), "jlr");
        model = "it" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        factory = MachineFactory.forModel(stateDir, model);
    }

    NamespaceMachine machine(String unit) throws IOException {
        return machine(unit, request -> ToolResponse.ok(request.unit() + " " + request.tool() + " " + request.args() + "\n"));
    }

    NamespaceMachine machine(String unit, ToolHandler handler) throws IOException {
        NamespaceMachine machine = factory.create(unit, handler);
        machines.add(machine);
        return machine;
    }

    /** Output of a command run to its end. */
    record Run(int code, String out, String err) {
    }

    static Run run(Machine machine, String... argv) throws IOException {
        return run(machine, Map.of("PATH", Service.DEFAULT_PATH), "/", argv);
    }

    static Run run(Machine machine, Map<String, String> env, String cwd, String... argv) throws IOException {
        Process process = machine.exec(List.of(argv), env, cwd);
        process.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(List.of(argv) + " did not finish");
            }
            return new Run(process.exitValue(), out, err.get());
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HTTP GET from the host; the body, or null when unreachable within the timeout. */
    static String httpGet(String url, Duration timeout) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static boolean eventually(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (NamespaceMachine machine : machines) {
            try {
                machine.close();
            } catch (RuntimeException e) {
                failure = failure == null ? new IOException("closing machines failed", e) : failure;
            }
        }
        try {
            MachineFactory.cleanupModel(stateDir, model);
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (Files.exists(stateDir)) {
            try (var walk = Files.walk(stateDir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
