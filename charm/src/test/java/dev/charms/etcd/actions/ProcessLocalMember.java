package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** {@link LocalMember} over an {@link EtcdProcess}: what the charm does with systemd, done with a child process. */
final class ProcessLocalMember implements LocalMember {
    private final EtcdProcess etcd;
    private final String previousCluster;
    private final String previousToken;
    private int moves;

    ProcessLocalMember(EtcdProcess etcd, String previousCluster, String previousToken) {
        this.etcd = etcd;
        this.previousCluster = previousCluster;
        this.previousToken = previousToken;
    }

    @Override
    public String name() {
        return etcd.name;
    }

    @Override
    public URI peerUrl() {
        return etcd.peerUrl;
    }

    @Override
    public URI localClientUrl() {
        return etcd.clientUrl;
    }

    @Override
    public Path dataDir() {
        return etcd.dataDir;
    }

    @Override
    public void stop() {
        etcd.stop();
    }

    @Override
    public Optional<Path> moveDataAside(String why) {
        if (!Files.exists(etcd.dataDir)) {
            return Optional.empty();
        }
        Path target = etcd.dataDir.resolveSibling("data." + why + "-" + (++moves));
        while (Files.exists(target)) {
            target = etcd.dataDir.resolveSibling("data." + why + "-" + (++moves));
        }
        try {
            Files.move(etcd.dataDir, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(target);
    }

    @Override
    public void startRestored(String token, String initialCluster) {
        start(initialCluster, "new", token);
    }

    @Override
    public void startPrevious() {
        start(previousCluster, "existing", previousToken);
    }

    private void start(String cluster, String state, String token) {
        try {
            etcd.start(cluster, state, token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public EtcdCluster admin() {
        return etcd.admin();
    }
}
