package dev.charms.etcd.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs a real single-member etcd with client and peer mutual TLS using certificates from this package, and
 * checks with the real etcdctl that a client certificate from the CA works while no certificate, or one
 * from another CA, is refused.
 */
class EtcdMutualTlsIT {
    private static final Path ETCD = Path.of("/usr/bin/etcd");
    private static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");
    private static final Set<String> SANS = Set.of("127.0.0.1", "localhost");

    @TempDir
    Path dir;

    private Process etcd;

    @AfterEach
    void stopEtcd() throws InterruptedException {
        if (etcd != null) {
            etcd.destroy();
            if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
                etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void etcdAcceptsOurCertificatesAndRefusesOthers(KeyType type) throws Exception {
        assumeTrue(Files.isExecutable(ETCD) && Files.isExecutable(ETCDCTL), "etcd and etcdctl are not installed");
        CertificateAuthority ca = CertificateAuthority.create("etcd-it-ca", 1, type);
        CertificateAuthority otherCa = CertificateAuthority.create("etcd-it-ca", 1, type);
        PemFiles.writeCertificate(dir.resolve("ca.pem"), ca.certificatePem());
        PemFiles.writeCertificate(dir.resolve("other-ca.pem"), otherCa.certificatePem());
        issue(ca, "server", "etcd-0", SANS, Usage.SERVER_AND_CLIENT, type);
        issue(ca, "client", "etcd-client", Set.of(), Usage.CLIENT, type);
        issue(otherCa, "intruder", "etcd-client", Set.of(), Usage.CLIENT, type);

        int clientPort = freePort();
        int peerPort = freePort();
        String endpoint = "https://127.0.0.1:" + clientPort;
        startEtcd(type, clientPort, peerPort);
        awaitHealthy(endpoint);

        String value = "value-" + type.configName();
        etcdctl(endpoint, "ca.pem", "client", "put", "/it/key", value).requireSuccess();
        assertEquals(value + "\n",
                etcdctl(endpoint, "ca.pem", "client", "get", "/it/key", "--print-value-only").requireSuccess().output());
        assertEquals(value + "\n",
                etcdctl(endpoint, "ca.pem", "server", "get", "/it/key", "--print-value-only").requireSuccess().output());

        assertRefused(etcdctl(endpoint, "ca.pem", null, "get", "/it/key"), value,
                "tls: client didn't provide a certificate");
        assertRefused(etcdctl(endpoint, "ca.pem", "intruder", "get", "/it/key"), value,
                "certificate signed by unknown authority");
        assertRefused(etcdctl(endpoint, "other-ca.pem", "client", "get", "/it/key"), value,
                "remote error: tls: bad certificate");
        etcdctl(endpoint, "ca.pem", "client", "get", "/it/key").requireSuccess();
    }

    private void issue(CertificateAuthority ca, String name, String commonName, Set<String> sans, Usage usage,
                       KeyType type) {
        KeyPair keys = Keys.generate(type);
        PemFiles.writeKey(dir.resolve(name + ".key"), Keys.privateKeyPem(keys.getPrivate()));
        PemFiles.writeCertificate(dir.resolve(name + ".crt"), ca.sign(Csr.create(keys, commonName, sans), sans, 1, usage));
    }

    private void startEtcd(KeyType type, int clientPort, int peerPort) throws IOException {
        String peerUrl = "https://127.0.0.1:" + peerPort;
        String clientUrl = "https://127.0.0.1:" + clientPort;
        List<String> command = List.of(ETCD.toString(), "--name", "it0", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "it0=" + peerUrl, "--initial-cluster-state", "new",
                "--initial-cluster-token", "pki-it-" + type.configName() + "-" + ProcessHandle.current().pid(),
                "--client-cert-auth", "--trusted-ca-file", path("ca.pem"),
                "--cert-file", path("server.crt"), "--key-file", path("server.key"),
                "--peer-client-cert-auth", "--peer-trusted-ca-file", path("ca.pem"),
                "--peer-cert-file", path("server.crt"), "--peer-key-file", path("server.key"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ETCD"));
        etcd = builder.start();
    }

    private void awaitHealthy(String endpoint) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Commands.Result last = null;
        while (System.nanoTime() < deadline) {
            if (!etcd.isAlive()) {
                throw new AssertionError("etcd exited with " + etcd.exitValue() + ": " + log());
            }
            last = etcdctl(endpoint, "ca.pem", "client", "endpoint", "health");
            if (last.exitCode() == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("etcd not healthy after 30 s: " + (last == null ? "" : last.output()) + log());
    }

    private Commands.Result etcdctl(String endpoint, String caFile, String credentials, String... arguments) {
        List<String> command = new ArrayList<>(List.of(ETCDCTL.toString(), "--endpoints", endpoint,
                "--dial-timeout", "2s", "--command-timeout", "2s", "--cacert", path(caFile)));
        if (credentials != null) {
            command.addAll(List.of("--cert", path(credentials + ".crt"), "--key", path(credentials + ".key")));
        }
        command.addAll(List.of(arguments));
        return Commands.run(dir, command, Map.of("ETCDCTL_API", "3"), null);
    }

    private void assertRefused(Commands.Result result, String value, String reasonInEtcdLog) throws IOException {
        assertNotEquals(0, result.exitCode(), result.output());
        assertFalse(result.output().contains(value), result.output());
        assertTrue(log().contains(reasonInEtcdLog), "etcd log lacks '" + reasonInEtcdLog + "'" + log());
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private String log() throws IOException {
        Path log = dir.resolve("etcd.log");
        return Files.exists(log) ? "\n--- etcd.log ---\n" + Files.readString(log) : "";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
