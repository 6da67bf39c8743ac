package dev.charms.etcd.workload;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Test helper: one real etcd member on 127.0.0.1 with free ports, its own root directory (EtcdPaths
 * layout), TLS files and config written by the production code, run as a child process
 * ({@code etcd --config-file}, not via systemctl).
 */
final class LocalMember implements AutoCloseable {
    static final Path ETCD = Path.of("/usr/bin/etcd");
    static final Path CHARM_DIR = Path.of("").toAbsolutePath();

    final String name;
    final Path etcd;
    final EtcdVersion version;
    final EtcdPaths paths;
    final URI clientUrl;
    final URI peerUrl;
    private final ChildProcess process;

    LocalMember(Path base, String name, TlsMaterial tls) throws IOException {
        this(base, name, tls, ETCD);
    }

    /** A member run by the etcd binary {@code etcd} (its version asked with {@code etcd --version}). */
    LocalMember(Path base, String name, TlsMaterial tls, Path etcd) throws IOException {
        this.name = name;
        this.etcd = etcd;
        this.version = new EtcdInstaller(EtcdPaths.system(), new CommandRunner()).version(etcd);
        this.paths = EtcdPaths.under(base.resolve(name));
        this.clientUrl = URI.create("https://127.0.0.1:" + freePort());
        this.peerUrl = URI.create("https://127.0.0.1:" + freePort());
        files().writeTls(tls);
        this.process = new ChildProcess(paths.root().resolve("etcd.log"));
    }

    EtcdFiles files() {
        return new EtcdFiles(paths, new EtcdTemplates(CHARM_DIR));
    }

    /** The config of this member joining {@code initialCluster} in {@code state}. */
    EtcdConfig.Builder config(String initialCluster, InitialClusterState state) {
        return EtcdConfig.builder()
                .name(name)
                .dataDir(paths.dataDir())
                .listenClientUrls(List.of(clientUrl))
                .advertiseClientUrls(List.of(clientUrl))
                .listenPeerUrls(List.of(peerUrl))
                .initialAdvertisePeerUrls(List.of(peerUrl))
                .initialCluster(initialCluster)
                .initialClusterState(state)
                .initialClusterToken("it-token")
                .heartbeatIntervalMs(50)
                .electionTimeoutMs(500)
                .autoCompaction(CompactionMode.PERIODIC, "1h")
                .tls(TlsPaths.server(paths))
                .cipherSuites(CipherSuites.SECURE_DEFAULT);
    }

    String selfCluster() {
        return name + "=" + peerUrl;
    }

    /** Writes {@code config} and starts etcd on it. */
    void start(EtcdConfig config) throws IOException {
        files().writeConfig(config, version);
        files().ensureDataDir();
        start();
    }

    /** Starts etcd on the config already written. */
    void start() throws IOException {
        process.start(List.of(etcd.toString(), "--config-file", paths.configFile().toString()));
    }

    /** Waits until /health says healthy. */
    void awaitHealthy(HealthProbe probe, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Health last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + "; log: " + logTail());
            }
            last = probe.check(clientUrl);
            if (last.healthy()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " not healthy after " + limit + ": " + last + "; log: " + logTail());
    }

    String logTail() {
        return process.logTail();
    }

    /** SIGKILLs the process (as a crash would). */
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
