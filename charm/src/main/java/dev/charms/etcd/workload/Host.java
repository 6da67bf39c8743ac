package dev.charms.etcd.workload;

import dev.charms.etcd.pki.PemFiles;
import dev.charms.ops.StoredState;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The machine a unit runs on, as the charm uses it: etcd's installation, its files (configuration,
 * TLS material, data directory), its systemd service, local probes, and clients of the etcd cluster.
 * {@link MachineHost} does it on a real machine (or a local runner's unit); the charm's unit tests use an
 * in-memory host.
 */
public interface Host {
    /** Where etcd's files live on this machine. */
    EtcdPaths paths();

    /** Who owns the unit's private key files (the service user etcd runs as). */
    PemFiles.Owner keyOwner();

    /** The installed etcd, if any, its version asked of the binary. */
    Optional<EtcdInstallation> installation();

    /** The installed etcd, its version remembered in {@code stored} between hooks. */
    Optional<EtcdInstallation> installation(StoredState stored);

    /**
     * Installs etcd (see {@link EtcdInstaller#install}), refusing a tarball whose etcd must not run in a
     * cluster holding data of {@code held} (this unit's member data and what each peer runs).
     */
    EtcdInstallation install(Optional<Path> tarball, java.util.Collection<EtcdVersion> held);

    /** Creates the directories the unit's key and certificates go to. */
    void ensurePkiDir();

    /**
     * Writes CA, the unit's certificate and key (etcd's server and peer identity) and the charm's client
     * certificate and key (what the charm and root's etcdctl present).
     */
    boolean writeTls(String caPem, String certPem, String keyPem, String clientCertPem, String clientKeyPem);

    /**
     * Writes what the client port trusts ({@link EtcdPaths#clientTrust}), or removes the file when
     * {@code pem} is empty; true when that changed anything.
     */
    boolean writeClientTrust(String pem);

    /** The certificate installed for etcd to serve (written by {@link #writeTls}), if any. */
    java.util.Optional<String> installedCertificate();

    /** The private key installed with it (written by {@link #writeTls}), if any; never to be printed. */
    java.util.Optional<String> installedKey();

    /** Writes config, unit file and profile script; true when anything etcd reads changed. */
    boolean writeConfig(EtcdConfig config, EtcdInstallation installation, List<URI> endpoints);

    /**
     * A fingerprint of what a running etcd depends on (config, unit file, certificate), for detecting a
     * change that needs a restart. The {@code initial-*} settings are left out: etcd reads them only when
     * it first bootstraps its data dir, so a change there (the bootstrap member turning "existing") must
     * not restart it.
     */
    String configFingerprint();

    /** Whether etcd's data directory holds member data. */
    boolean hasData();

    /** Moves the data dir aside (never deletes it) and returns where it went. */
    Optional<Path> moveDataAside(String why);

    /**
     * Why the member data in the data directory is unusable (missing, or damaged as {@link MemberData}
     * can tell without starting etcd); empty when it looks whole.
     */
    Optional<String> dataDamage();

    /** The size of the file system that holds the data directory, in bytes; 0 when it cannot be told. */
    long dataFileSystemBytes();

    /** Whether the etcd service is active. */
    boolean isRunning();

    /** Enables and starts etcd without waiting for systemd's readiness (quorum); callers wait for it themselves. */
    void start();

    /** Restarts etcd without waiting for readiness; callers wait for the member to serve. */
    void restart();

    /** Stops the etcd service (waits for it). */
    void stop();

    /** Stops the etcd service and keeps it from starting at boot. */
    void disable();

    /** Health of the given members in one etcdctl process (cheap: no JVM TLS stack). */
    List<Health> health(EtcdInstallation installation, List<URI> endpoints, Duration timeout);

    /** The cluster's active alarms from the first of {@code endpoints} that answers; empty when none answers. */
    Optional<List<Alarm>> alarms(EtcdInstallation installation, List<URI> endpoints, Duration timeout);

    /** The member at {@code endpoint} as it sees itself, from one etcdctl process (see {@link EtcdctlStatus}). */
    EtcdctlStatus.Local localStatus(EtcdInstallation installation, URI endpoint, Duration timeout);

    /** Whether something accepts TCP connections at {@code endpoint}'s host and port within {@code timeout}. */
    boolean accepts(URI endpoint, Duration timeout);

    /**
     * A client of the etcd cluster at the given client URLs, over mutual TLS with this unit's client
     * certificate, each call limited to {@code timeout} (jetcd is loaded only here).
     */
    EtcdCluster cluster(List<URI> endpoints, Duration timeout);

    /** {@link #cluster(List, Duration)} with {@link EtcdAdmin#DEFAULT_TIMEOUT} per call. */
    default EtcdCluster cluster(List<URI> endpoints) {
        return cluster(endpoints, EtcdAdmin.DEFAULT_TIMEOUT);
    }

    /**
     * Starts connecting to this unit's member on {@code clientPort} in the background (see
     * {@link EtcdAdmin#prewarm}); nothing happens without a port or a client certificate yet.
     */
    void prewarm(long clientPort, Duration timeout);

    /** The unit's client certificate files, for talking to etcd. */
    TlsPaths clientTls();

    /** Offline snapshot checks with the tools of {@code installation} ({@code etcdutl} or {@code etcdctl}). */
    SnapshotTool snapshotTool(EtcdInstallation installation);

    /**
     * Installs the scheduled-backup timer with {@code settings} (written 0600; docs/backups.md,
     * "Scheduled backups") running every {@code interval}, or, with an empty {@code interval}, removes
     * the timer and the settings. Returns whether anything changed.
     */
    boolean scheduleBackups(Optional<Duration> interval, byte[] settings);

    /** The last scheduled backup's result as the scheduled run wrote it (JSON); empty when there is none. */
    Optional<String> lastScheduledBackup();
}
