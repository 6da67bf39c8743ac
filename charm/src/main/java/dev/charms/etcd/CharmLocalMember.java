package dev.charms.etcd;

import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.actions.LocalMember;
import dev.charms.etcd.state.MemberRole;
import dev.charms.etcd.steps.HookScope;
import dev.charms.etcd.steps.MemberProcess;
import dev.charms.etcd.workload.InitialClusterState;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * This unit's member for the restore action: its systemd service, data dir and rendered configuration.
 * A restored member is started with a fresh roster entry (a new one-member cluster, state
 * {@code new}) and the new token; rolling back starts it from its previous roster entry and token.
 */
final class CharmLocalMember implements LocalMember {
    private final Host host;
    private final HookScope scope;
    private final Optional<Roster.Entry> previous;

    CharmLocalMember(HookScope scope, Optional<Roster.Entry> previous) {
        this.host = scope.host();
        this.scope = scope;
        this.previous = previous;
    }

    @Override
    public String name() {
        return scope.node().memberName();
    }

    @Override
    public URI peerUrl() {
        return scope.node().peerUrl();
    }

    @Override
    public URI localClientUrl() {
        return scope.node().localClientUrl();
    }

    @Override
    public Path dataDir() {
        return host.paths().dataDir();
    }

    @Override
    public void stop() {
        host.stop();
    }

    @Override
    public Optional<Path> moveDataAside(String why) {
        return host.moveDataAside(why);
    }

    /** The roster entry a restored member runs with (its id is known only once it runs). */
    Roster.Entry restoredEntry(String initialCluster, String memberId) {
        return new Roster.Entry(memberId, name(), peerUrl().toString(), MemberRole.VOTER, initialCluster, InitialClusterState.NEW);
    }

    @Override
    public void startRestored(String token, String initialCluster) {
        new MemberProcess(scope).startWith(restoredEntry(initialCluster, ""), token);
    }

    @Override
    public void startPrevious() {
        if (previous.isPresent()) {
            new MemberProcess(scope).startWith(previous.get());
        } else {
            host.start();
        }
    }

    @Override
    public EtcdCluster admin() {
        return host.cluster(List.of(localClientUrl()));
    }
}
