package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.charms.runner.controller.ModelPaths;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Consumer;

/** Sends one request to a model's controller daemon and returns its result (see {@link DaemonProtocol}). */
final class DaemonClient {
    private final ModelPaths paths;

    DaemonClient(ModelPaths paths) {
        this.paths = paths;
    }

    /** Whether a daemon answers on the model's socket. */
    boolean running() {
        if (!Files.exists(paths.socket())) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(paths.socket()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code op}; progress lines go to {@code progress}. Throws {@link CliException} with the
     * daemon's one-line message when it answers an error, or when no daemon runs for the model.
     */
    JsonNode call(String op, ObjectNode args, Consumer<JsonNode> progress) {
        if (!Files.exists(paths.socket())) {
            throw new CliException("model \"" + paths.model() + "\" not found (no controller running; deploy first)");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(paths.socket()));
            } catch (IOException e) {
                throw new CliException("cannot connect to the controller of model \"" + paths.model() + "\" at "
                    + paths.socket() + ": " + e.getMessage() + " (see " + paths.daemonLog() + ")");
            }
            OutputStream out = Channels.newOutputStream(ch);
            out.write((DaemonProtocol.JSON.writeValueAsString(DaemonProtocol.request(op, args)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode reply = DaemonProtocol.JSON.readTree(line);
                if (reply.has("progress")) {
                    progress.accept(reply.get("progress"));
                } else if (reply.has("error")) {
                    throw new CliException(reply.get("error").asText());
                } else if (reply.has("result")) {
                    return reply.get("result");
                }
            }
            throw new CliException("the controller of model \"" + paths.model()
                + "\" closed the connection without an answer (see " + paths.daemonLog() + ")");
        } catch (IOException e) {
            throw new CliException("controller connection failed: " + e.getMessage());
        }
    }
}
