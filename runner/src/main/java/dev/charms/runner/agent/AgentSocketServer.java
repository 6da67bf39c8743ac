package dev.charms.runner.agent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A unit's agent socket: listens on a unix socket path (the unit's {@code agent.socket}), reads
 * requests from the {@code jujuc} client in {@link AgentWireFormat}, passes each to a
 * {@link ToolHandler} and writes its answer back. One thread per connection (tool calls may block,
 * e.g. {@code systemctl stop}); {@link #close()} stops listening and removes the socket file.
 */
public final class AgentSocketServer implements AutoCloseable {
    /** Longest unix socket path the kernel accepts (sun_path is 108 bytes with the NUL). */
    public static final int MAX_SOCKET_PATH = 107;

    private final Path socketPath;
    private final String unit;
    private final ToolHandler handler;
    private final ServerSocketChannel server;
    private final ExecutorService workers;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * Binds {@code socketPath} (replacing a stale socket file left by a crashed runner) and starts
     * serving {@code unit}'s tool calls with {@code handler}.
     */
    public AgentSocketServer(Path socketPath, String unit, ToolHandler handler) throws IOException {
        this.socketPath = socketPath.toAbsolutePath();
        this.unit = unit;
        this.handler = handler;
        int length = this.socketPath.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_SOCKET_PATH) {
            throw new IOException("agent socket path is " + length + " bytes, longer than the " + MAX_SOCKET_PATH
                    + " a unix socket allows: " + this.socketPath + " (use a shorter state directory)");
        }
        Files.createDirectories(this.socketPath.getParent());
        Files.deleteIfExists(this.socketPath);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(this.socketPath));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot bind agent socket " + this.socketPath + ": " + e.getMessage(), e);
        }
        this.workers = Executors.newCachedThreadPool(daemonThreads("agent-" + unit.replace('/', '-')));
        this.acceptor = daemonThreads("agent-accept-" + unit.replace('/', '-')).newThread(this::acceptLoop);
        acceptor.start();
    }

    /** The socket file this server listens on. */
    public Path socketPath() {
        return socketPath;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            open.add(channel);
            try {
                workers.execute(() -> serve(channel));
            } catch (RuntimeException e) {
                closeQuietly(channel);
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 65536);
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 65536);
            ToolRequest request;
            while ((request = AgentWireFormat.readRequest(in, unit)) != null) {
                AgentWireFormat.writeResponse(out, answer(request));
            }
        } catch (IOException | UncheckedIOException e) {
            // The client went away or sent garbage: nothing to answer.
        } finally {
            open.remove(channel);
        }
    }

    private ToolResponse answer(ToolRequest request) {
        try {
            ToolResponse response = handler.handle(request);
            if (response == null) {
                return ToolResponse.error(1, request.tool() + ": no answer from the runner");
            }
            if (response.needsStdin() && request.stdin() != null) {
                return ToolResponse.error(1, request.tool() + ": asked for standard input twice");
            }
            return response;
        } catch (RuntimeException e) {
            return ToolResponse.error(1, request.tool() + ": internal error in the runner: " + e);
        }
    }

    /** Stops accepting, drops open connections and deletes the socket file. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (SocketChannel channel : open) {
            closeQuietly(channel);
        }
        workers.shutdownNow();
        try {
            acceptor.join(2000);
            Files.deleteIfExists(socketPath);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove agent socket " + socketPath, e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
