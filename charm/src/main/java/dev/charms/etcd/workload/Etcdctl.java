package dev.charms.etcd.workload;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code etcdctl} (v3 API) run against some members over mutual TLS: the cheap probes of hooks,
 * since etcdctl (Go) starts in about 20 ms while a cold JVM pays 0.5 to 1 s for its first TLS
 * connection. Also the plain TCP check that tells an unreachable member from one that answers.
 */
public final class Etcdctl {
    private final Path binary;
    private final TlsPaths tls;
    private final CommandRunner runner;

    Etcdctl(Path binary, TlsPaths tls, CommandRunner runner) {
        this.binary = binary;
        this.tls = tls;
        this.runner = runner;
    }

    /**
     * Runs {@code etcdctl --endpoints ... <args>} with the client identity and the given dial and command
     * timeouts (whole seconds); the process itself is given the command timeout plus 5 s.
     */
    CommandResult run(List<URI> endpoints, long dialSeconds, long commandSeconds, String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                "--endpoints", String.join(",", endpoints.stream().map(URI::toString).toList()),
                "--cacert", tls.caFile().toString(), "--cert", tls.certFile().toString(), "--key", tls.keyFile().toString(),
                "--dial-timeout", dialSeconds + "s", "--command-timeout", commandSeconds + "s"));
        cmd.addAll(List.of(args));
        return runner.run(cmd, Map.of("ETCDCTL_API", "3"), Duration.ofSeconds(commandSeconds).plusSeconds(5));
    }

    /** Whether something accepts TCP connections on the endpoint's host and port within {@code timeout}. */
    public static boolean accepts(URI endpoint, Duration timeout) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(endpoint.getHost(), endpoint.getPort()), (int) timeout.toMillis());
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
