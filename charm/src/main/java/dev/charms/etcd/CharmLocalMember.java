package dev.charms.etcd;

import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.actions.LocalMember;
import dev.charms.ops.Framework;
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
    private final Framework fw;
    private final Host host;
    private final Reconciler.Pass pass;
    private final Optional<Roster.Entry> previous;

    CharmLocalMember(Framework fw, Host host, Reconciler.Pass pass, Optional<Roster.Entry> previous) {
        this.fw = fw;
        this.host = host;
        this.pass = pass;
        this.previous = previous;
    }

    @Override
    public String name() {
        return pass.node().memberName();
    }

    @Override
    public URI peerUrl() {
        return pass.node().peerUrl();
    }

    @Override
    public URI localClientUrl() {
        return pass.node().localClientUrl();
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
        return new Roster.Entry(memberId, name(), peerUrl().toString(), "voter", initialCluster, "new");
    }

    @Override
    public void startRestored(String token, String initialCluster) {
        new MemberDuties(fw, host, pass).startWith(restoredEntry(initialCluster, ""), token);
    }

    @Override
    public void startPrevious() {
        if (previous.isPresent()) {
            new MemberDuties(fw, host, pass).startWith(previous.get());
        } else {
            host.start();
        }
    }

    @Override
    public EtcdCluster admin() {
        return host.cluster(List.of(localClientUrl()));
    }
}
