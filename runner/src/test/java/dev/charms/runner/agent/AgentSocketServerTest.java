package dev.charms.runner.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real C client against the real server: framing, stdin on demand, errors, concurrency, speed. */
class AgentSocketServerTest {
    @TempDir
    Path dir;

    private Path tools;
    private Path socket;
    private final AtomicReference<ToolHandler> handler = new AtomicReference<>();
    private AgentSocketServer server;

    @BeforeEach
    void setUp() throws IOException {
        tools = dir.resolve("tools");
        socket = dir.resolve("agent/agent.socket");
        ToolClientBinary.extract(dir.resolve("state")).installInto(tools, socket.toString());
        server = new AgentSocketServer(socket, "etcd/0", request -> handler.get().handle(request));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private record Result(int code, byte[] stdout, byte[] stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        String err() {
            return new String(stderr, StandardCharsets.UTF_8);
        }
    }

    private Result run(List<String> argv, Map<String, String> env, byte[] stdin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        if (stdin != null) {
            Path input = Files.createTempFile(dir, "stdin", ".bin");
            Files.write(input, stdin);
            builder.redirectInput(input.toFile());
        }
        Process process = builder.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        if (stdin == null) {
            process.getOutputStream().close();
        }
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "client did not finish");
        return new Result(process.exitValue(), out.get(), err.get());
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Map<String, String> hookEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("JUJU_AGENT_SOCKET_ADDRESS", socket.toString());
        env.put("JUJU_CONTEXT_ID", "etcd/0-install-1");
        env.put("CHARM_DIR", "/var/lib/juju/agents/unit-etcd-0/charm");
        env.put("PATH", tools + ":/usr/bin:/bin");
        env.put("HOME", "/root");
        env.put("SECRET_THING", "not forwarded");
        return env;
    }

    @Test
    void argumentsEnvironmentOutputAndExitCodeRoundTrip() throws Exception {
        AtomicReference<ToolRequest> seen = new AtomicReference<>();
        handler.set(request -> {
            seen.set(request);
            return new ToolResponse(3, "out ünïcode\n".getBytes(StandardCharsets.UTF_8),
                    "ERROR boom\n".getBytes(StandardCharsets.UTF_8));
        });
        Result result = run(List.of(tools.resolve("relation-get").toString(), "-r", "cluster:0", "a key", "",
                "ключ=значение"), hookEnv(), null);
        assertEquals(3, result.code());
        assertEquals("out ünïcode\n", result.out());
        assertEquals("ERROR boom\n", result.err());
        ToolRequest request = seen.get();
        assertEquals("etcd/0", request.unit());
        assertEquals("relation-get", request.tool());
        assertEquals(List.of("-r", "cluster:0", "a key", "", "ключ=значение"), request.args());
        assertEquals(dir.toRealPath().toString(), request.cwd());
        assertNull(request.stdin());
        Map<String, String> expected = new HashMap<>(hookEnv());
        expected.remove("SECRET_THING");
        assertEquals(expected, request.env());
    }

    @Test
    void stdinIsSentOnlyWhenTheHandlerAsksForIt() throws Exception {
        List<Boolean> stdinPresent = new ArrayList<>();
        handler.set(request -> {
            synchronized (stdinPresent) {
                stdinPresent.add(request.stdin() != null);
            }
            if (request.args().contains("-") && request.stdin() == null) {
                return ToolResponse.NEEDS_STDIN;
            }
            byte[] in = request.stdin() == null ? new byte[0] : request.stdin();
            return new ToolResponse(0, in, new byte[0]);
        });
        byte[] json = "{\"k\": \"v\\n\"}".getBytes(StandardCharsets.UTF_8);
        Result result = run(List.of(tools.resolve("relation-set").toString(), "--file", "-"), hookEnv(), json);
        assertEquals(0, result.code());
        assertArrayEquals(json, result.stdout());
        assertEquals(List.of(false, true), stdinPresent);

        stdinPresent.clear();
        Result noStdin = run(List.of(tools.resolve("relation-set").toString(), "k=v"), hookEnv(), json);
        assertEquals(0, noStdin.code());
        assertEquals(0, noStdin.stdout().length);
        assertEquals(List.of(false), stdinPresent);
    }

    @Test
    void outputIsBinarySafeAndLarge() throws Exception {
        byte[] big = new byte[5 * 1024 * 1024 + 7];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + (i >> 8));
        }
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            allBytes[i] = (byte) i;
        }
        handler.set(request -> request.stdin() == null ? ToolResponse.NEEDS_STDIN
                : new ToolResponse(0, request.stdin(), allBytes));
        Result result = run(List.of(tools.resolve("secret-get").toString(), "-"), hookEnv(), big);
        assertEquals(0, result.code());
        assertArrayEquals(big, result.stdout());
        assertArrayEquals(allBytes, result.stderr());
    }

    @Test
    void missingSocketIsAOneLineErrorNamingThePath() throws Exception {
        handler.set(request -> ToolResponse.ok("unused"));
        Map<String, String> env = hookEnv();
        String missing = dir.resolve("nowhere/agent.socket").toString();
        env.put("JUJU_AGENT_SOCKET_ADDRESS", missing);
        Result result = run(List.of(tools.resolve("is-leader").toString()), env, null);
        assertEquals(1, result.code());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().contains(missing), result.err());
        assertEquals(0, result.stdout().length);
    }

    @Test
    void withoutTheEnvironmentVariableTheToolDirectoryLinkIsUsed() throws Exception {
        AtomicReference<String> tool = new AtomicReference<>();
        handler.set(request -> {
            tool.set(request.tool());
            return new ToolResponse(3, "inactive\n".getBytes(StandardCharsets.UTF_8), new byte[0]);
        });
        Map<String, String> env = Map.of("PATH", tools + ":/usr/bin:/bin");
        Result byPath = run(List.of(tools.resolve("systemctl").toString(), "is-active", "etcd"), env, null);
        assertEquals(3, byPath.code());
        assertEquals("inactive\n", byPath.out());
        assertEquals("systemctl", tool.get());

        Result bySearch = run(List.of("/bin/sh", "-c", "journalctl -u etcd"), env, null);
        assertEquals(3, bySearch.code(), bySearch.err());
        assertEquals("journalctl", tool.get());
    }

    @Test
    void handlerFailureBecomesAnErrorExit() throws Exception {
        handler.set(request -> {
            throw new IllegalStateException("kaput");
        });
        Result result = run(List.of(tools.resolve("config-get").toString()), hookEnv(), null);
        assertEquals(1, result.code());
        assertTrue(result.err().startsWith("ERROR config-get: internal error"), result.err());
        assertTrue(result.err().contains("kaput"), result.err());
    }

    @Test
    void severalClientsAreServedConcurrently() throws Exception {
        int clients = 8;
        CountDownLatch allInside = new CountDownLatch(clients);
        handler.set(request -> {
            allInside.countDown();
            try {
                if (!allInside.await(10, TimeUnit.SECONDS)) {
                    return ToolResponse.error(1, "clients were served one at a time");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ToolResponse.ok(request.args().get(0) + "\n");
        });
        List<CompletableFuture<Result>> results = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String arg = "client-" + i;
            results.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return run(List.of(tools.resolve("state-get").toString(), arg), hookEnv(), null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (int i = 0; i < clients; i++) {
            Result result = results.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(0, result.code(), result.err());
            assertEquals("client-" + i + "\n", result.out());
        }
    }

    @Test
    void closeRemovesTheSocketAndRefusesNewCalls() throws Exception {
        handler.set(request -> ToolResponse.ok(""));
        assertTrue(Files.exists(socket));
        server.close();
        assertFalse(Files.exists(socket));
        Result result = run(List.of(tools.resolve("is-leader").toString()), hookEnv(), null);
        assertEquals(1, result.code());
        assertTrue(result.err().contains(socket.toString()), result.err());
    }

    @Test
    void socketPathTooLongIsRejectedClearly() {
        Path longPath = dir.resolve("x".repeat(120) + "/agent.socket");
        IOException e = assertThrows(IOException.class,
                () -> new AgentSocketServer(longPath, "etcd/1", request -> ToolResponse.ok("")));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void toolsDirectoryHoldsEveryToolAndTheSocketLink() throws IOException {
        for (String tool : ToolClientBinary.TOOL_NAMES) {
            Path link = tools.resolve(tool);
            assertTrue(Files.isSymbolicLink(link), tool);
            assertEquals(ToolClientBinary.BINARY_NAME, Files.readSymbolicLink(link).toString());
            assertTrue(Files.isExecutable(link), tool);
        }
        assertEquals(socket.toString(), Files.readSymbolicLink(tools.resolve(ToolClientBinary.SOCKET_LINK)).toString());
        ToolClientBinary.extract(dir.resolve("state")).installInto(tools, socket.toString());
        assertTrue(Files.isExecutable(tools.resolve("relation-get")));
    }

    @Test
    void garbageOnTheSocketDoesNotHurtTheServer() throws Exception {
        handler.set(request -> ToolResponse.ok("fine\n"));
        try (var channel = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            channel.write(java.nio.ByteBuffer.wrap("JLR1\u00ff\u00ff\u00ff\u00ffgarbage".getBytes(StandardCharsets.ISO_8859_1)));
            ByteArrayOutputStream ignored = new ByteArrayOutputStream();
            ignored.writeBytes(java.nio.channels.Channels.newInputStream(channel).readAllBytes());
            assertEquals(0, ignored.size());
        }
        Result result = run(List.of(tools.resolve("unit-get").toString(), "private-address"), hookEnv(), null);
        assertEquals("fine\n", result.out());
    }
}
