package dev.charms.etcd.fakes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A real TCP port on 127.0.0.1 that listens exactly while the simulated etcd of the machine whose hook
 * runs is up. The charm waits for its member by connecting to its local client port ({@code
 * Etcdctl.accepts}, not through the host seam), so the units of a scenario are configured with this port
 * as their client {@code port}.
 */
final class LoopbackPort implements AutoCloseable {
    private final int port;
    private ServerSocket socket;

    LoopbackPort() {
        try {
            socket = bind(0);
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reserve a loopback port", e);
        }
    }

    int port() {
        return port;
    }

    /** Listens (or stops listening) on the port. */
    synchronized void listen(boolean on) {
        try {
            if (on && socket == null) {
                socket = bind(port);
            } else if (!on && socket != null) {
                socket.close();
                socket = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + (on ? "listen on" : "close") + " loopback port " + port, e);
        }
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    @Override
    public void close() {
        listen(false);
    }
}
