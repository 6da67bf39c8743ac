package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * This unit's etcd member as {@link SnapshotRestore} drives it: stop, move the data aside, start on a
 * restored data dir, or start again on the previous one. The charm implements it with its systemd
 * service and rendered configuration; tests with a plain etcd process.
 */
public interface LocalMember {
    /** The member name (etcd {@code --name}). */
    String name();

    /** This member's peer URL. */
    URI peerUrl();

    /** A client URL of this member reachable from this machine (loopback). */
    URI localClientUrl();

    /** The data dir etcd runs from. */
    Path dataDir();

    /** Stops etcd (no-op when stopped). */
    void stop();

    /**
     * Moves the data dir aside, never deleting it; returns where it went (empty when there was none).
     *
     * @param why a word put into the new name, e.g. {@code pre-restore}
     */
    Optional<Path> moveDataAside(String why);

    /** Starts etcd on the restored data dir as the only member of a new cluster with {@code token}. */
    void startRestored(String token, String initialCluster);

    /** Starts etcd again as it was configured before the restore began (used to roll back). */
    void startPrevious();

    /** An admin client of this member's local endpoint (the caller closes it). */
    EtcdCluster admin();
}
