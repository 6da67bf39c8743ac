package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.ChildProcess;
import dev.charms.etcd.workload.EtcdAdmin;
import dev.charms.etcd.workload.MemberStatus;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: one real etcd 3.4 member on 127.0.0.1 (free ports, mTLS on client and peer ports with
 * {@link TestPki} certificates), run directly as a child process with command-line flags.
 */
final class EtcdProcess implements AutoCloseable {
    static final Path ETCD = Path.of("/usr/bin/etcd");

    final String name;
    final Path dir;
    final Path dataDir;
    final URI clientUrl;
    final URI peerUrl;
    private final TestPki pki;
    private final List<String> extraFlags = new ArrayList<>();
    private final ChildProcess process;

    EtcdProcess(Path base, String name, TestPki pki) throws IOException {
        this.name = name;
        this.dir = Files.createDirectories(base.resolve(name));
        this.dataDir = dir.resolve("data");
        this.clientUrl = URI.create("https://127.0.0.1:" + freePort());
        this.peerUrl = URI.create("https://127.0.0.1:" + freePort());
        this.pki = pki;
        this.process = new ChildProcess(dir.resolve("etcd.log"));
    }

    /** Adds flags (e.g. a backend quota) to every later start. */
    EtcdProcess withFlags(String... flags) {
        extraFlags.addAll(List.of(flags));
        return this;
    }

    String selfCluster() {
        return name + "=" + peerUrl;
    }

    /** Starts etcd as a member of {@code initialCluster} in {@code state} (new or existing). */
    void start(String initialCluster, String state, String token) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ETCD.toString(),
                "--name", name, "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl.toString(), "--advertise-client-urls", clientUrl.toString(),
                "--listen-peer-urls", peerUrl.toString(), "--initial-advertise-peer-urls", peerUrl.toString(),
                "--initial-cluster", initialCluster, "--initial-cluster-state", state,
                "--initial-cluster-token", token,
                "--cert-file", pki.server.certFile().toString(), "--key-file", pki.server.keyFile().toString(),
                "--trusted-ca-file", pki.server.caFile().toString(), "--client-cert-auth",
                "--peer-cert-file", pki.server.certFile().toString(), "--peer-key-file", pki.server.keyFile().toString(),
                "--peer-trusted-ca-file", pki.server.caFile().toString(), "--peer-client-cert-auth",
                "--heartbeat-interval", "50", "--election-timeout", "500"));
        cmd.addAll(extraFlags);
        process.start(cmd);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** An admin client of this member only. */
    EtcdCluster admin() {
        return new EtcdAdmin(List.of(clientUrl), pki.client, Duration.ofSeconds(3));
    }

    /** Waits until this member answers and knows a raft leader. */
    void awaitLeader(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "";
        try (EtcdCluster admin = admin()) {
            while (System.nanoTime() < deadline) {
                if (!isAlive()) {
                    throw new AssertionError(name + " exited; log: " + logTail());
                }
                try {
                    MemberStatus s = admin.status(clientUrl);
                    if (s.leaderId() != 0) {
                        return;
                    }
                    last = "no leader";
                } catch (RuntimeException e) {
                    last = e.getMessage();
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError(name + " has no leader after " + limit + ": " + last + "; log: " + logTail());
    }

    String logTail() {
        return process.logTail();
    }

    /** SIGTERM, then SIGKILL after 10 s; waits for the exit. */
    void stop() {
        process.stop();
    }

    /** SIGKILL, as a crash. */
    void kill() throws InterruptedException {
        process.kill();
    }

    @Override
    public void close() {
        process.close();
    }

    static int freePort() {
        return ChildProcess.freePort();
    }
}
