package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.charms.runner.controller.Controller;
import dev.charms.runner.controller.ModelPaths;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * A model's controller daemon: owns the {@link Controller}, listens on the model's unix socket (mode 0600)
 * and answers {@link DaemonProtocol} requests, one thread per connection, until {@code destroy} or SIGTERM.
 */
final class ControllerDaemon {
    private final ModelPaths paths;
    private final Controller controller;
    private final DaemonOps ops;
    private final CountDownLatch stop = new CountDownLatch(1);

    private ControllerDaemon(ModelPaths paths, Controller controller) {
        this.paths = paths;
        this.controller = controller;
        this.ops = new DaemonOps(controller);
    }

    static void run(ModelPaths paths) throws IOException, InterruptedException {
        Files.createDirectories(paths.dir());
        Controller controller = Controller.start(paths);
        ControllerDaemon daemon = new ControllerDaemon(paths, controller);
        Runtime.getRuntime().addShutdownHook(new Thread(controller::close, "controller-shutdown"));
        daemon.serve();
    }

    private void serve() throws IOException, InterruptedException {
        Files.deleteIfExists(paths.socket());
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(paths.socket()));
            Files.setPosixFilePermissions(paths.socket(), PosixFilePermissions.fromString("rw-------"));
            Files.writeString(paths.pidFile(), ProcessHandle.current().pid() + "\n");
            Thread acceptor = new Thread(() -> accept(server), "daemon-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            System.out.println("controller for model " + paths.model() + " listening on " + paths.socket());
            stop.await();
        } finally {
            controller.close();
            Files.deleteIfExists(paths.socket());
            Files.deleteIfExists(paths.pidFile());
        }
    }

    private void accept(ServerSocketChannel server) {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                Thread t = new Thread(() -> handle(ch), "daemon-request");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(SocketChannel ch) {
        try (ch) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(ch);
            String line = in.readLine();
            if (line == null) {
                return;
            }
            Consumer<ObjectNode> send = reply -> {
                try {
                    synchronized (out) {
                        out.write((DaemonProtocol.JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            JsonNode request = DaemonProtocol.JSON.readTree(line);
            String op = request.path("op").asText();
            try {
                JsonNode result = ops.handle(op, request.path("args"), p -> send.accept(DaemonProtocol.progress(p)));
                send.accept(DaemonProtocol.result(result));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                send.accept(DaemonProtocol.error("interrupted"));
            } catch (Exception | Error e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                if (!(e instanceof IllegalArgumentException || e instanceof dev.charms.runner.model.ModelException
                    || e instanceof dev.charms.runner.controller.WaitTimeoutException)) {
                    e.printStackTrace(System.out);
                }
                send.accept(DaemonProtocol.error(msg));
            }
            if (op.equals("destroy")) {
                stop.countDown();
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("request failed: " + e);
        }
    }
}
