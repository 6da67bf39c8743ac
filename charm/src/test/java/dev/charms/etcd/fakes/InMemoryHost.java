package dev.charms.etcd.fakes;

import dev.charms.etcd.pki.PemFiles;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.EtcdConfig;
import dev.charms.etcd.workload.EtcdInstallation;
import dev.charms.etcd.workload.EtcdInstaller;
import dev.charms.etcd.workload.EtcdPaths;
import dev.charms.etcd.workload.EtcdVersion;
import dev.charms.etcd.workload.EtcdctlStatus;
import dev.charms.etcd.workload.Health;
import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.TlsPaths;
import dev.charms.ops.StoredState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One unit's machine, in memory: the installed etcd, the configuration and TLS material the charm
 * wrote, the etcd service (running or not, how often started, restarted and stopped), its data dir, and
 * probes answered by the shared {@link InMemoryEtcd}. Files the charm itself reads back (its private
 * key) are real, under {@code root}; the rest lives in fields. Starting the service boots the member the
 * configuration describes, as etcd would (see {@link InMemoryEtcd#boot}).
 */
public final class InMemoryHost implements Host {
    /** The etcd every machine installs. */
    public static final EtcdVersion ETCD_VERSION = new EtcdVersion(3, 5, 17);

    private final InMemoryEtcd etcd;
    private final String address;
    private final EtcdPaths paths;
    private static final java.util.regex.Pattern TARBALL = java.util.regex.Pattern.compile("etcd-v(\\d+\\.\\d+\\.\\d+)");
    private EtcdVersion packaged = ETCD_VERSION;
    private EtcdInstallation installation;
    private int installs;
    private EtcdConfig config;
    private EtcdConfig runningConfig;
    private String runningCaPem;
    private String runningCertPem;
    private List<URI> profileEndpoints = List.of();
    private String caPem;
    private String clientTrustPem;
    /** The client port's extra trust the running etcd read at start. */
    private String runningClientTrust;
    private String certPem;
    private String clientCertPem;
    private String keyPem;
    private boolean running;
    private boolean enabled;
    private boolean dataDir;
    private long dataMemberId;
    private String dataDamage;
    private String damageOnStart;
    private long dataFileSystemBytes;
    private final List<String> dataMovedAside = new ArrayList<>();
    private int starts;
    private int restarts;
    private int stops;
    private int prewarms;
    private final List<String> journal = new ArrayList<>();

    /** A machine at {@code address} whose files go under {@code root}, on the network of {@code etcd}. */
    public InMemoryHost(InMemoryEtcd etcd, String address, Path root) {
        this.etcd = etcd;
        this.address = address;
        this.paths = EtcdPaths.under(root);
        etcd.register(this);
    }

    public String address() {
        return address;
    }

    @Override
    public EtcdPaths paths() {
        return paths;
    }

    @Override
    public PemFiles.Owner keyOwner() {
        return PemFiles.Owner.user(System.getProperty("user.name"));
    }

    @Override
    public Optional<EtcdInstallation> installation() {
        return Optional.ofNullable(installation);
    }

    @Override
    public Optional<EtcdInstallation> installation(StoredState stored) {
        return installation();
    }

    /**
     * Installs etcd as {@link dev.charms.etcd.workload.EtcdInstaller#install} does: a tarball (its version
     * read from its name, {@code etcd-v3.6.0-linux-amd64.tar.gz}) into /opt/etcd/bin, refused before anything
     * changes when it is older than 3.4 or must not run with {@code held}; else the packaged etcd
     * ({@link #packaged}), refused when it lacks learners.
     */
    @Override
    public EtcdInstallation install(Optional<Path> tarball, java.util.Collection<EtcdVersion> held) {
        if (tarball.isPresent() && Files.isRegularFile(tarball.get())) {
            java.util.regex.Matcher m = TARBALL.matcher(tarball.get().getFileName().toString());
            if (!m.find()) {
                throw new IllegalArgumentException("etcd tarball " + tarball.get() + " is not an etcd release");
            }
            EtcdVersion version = EtcdVersion.parse(m.group(1));
            if (version.compareTo(EtcdInstaller.MINIMUM) < 0) {
                throw new EtcdInstaller.RefusedReleaseException(tarball.get(), version, "etcd " + version.minorLine()
                        + " lacks learners (etcd 3.4 or later is needed); attach an etcd 3.5 release");
            }
            Optional<String> refusal = EtcdVersion.refusesMoveTo(version, held);
            if (refusal.isPresent()) {
                throw new EtcdInstaller.RefusedReleaseException(tarball.get(), version, refusal.get());
            }
            Path bin = paths.optBinDir();
            installation = new EtcdInstallation(bin.resolve("etcd"), bin.resolve("etcdctl"), Optional.of(bin.resolve("etcdutl")),
                    version, EtcdInstallation.Source.TARBALL);
        } else {
            if (packaged.compareTo(EtcdInstaller.MINIMUM) < 0) {
                throw new EtcdInstaller.UnsupportedEtcdException(packaged, "(the etcd-server package apt offers)");
            }
            Path bin = paths.root().resolve("usr/bin");
            installation = new EtcdInstallation(bin.resolve("etcd"), bin.resolve("etcdctl"), Optional.of(bin.resolve("etcdutl")),
                    packaged, EtcdInstallation.Source.PACKAGE);
        }
        installs++;
        return installation;
    }

    /** The etcd version this machine's packages offer ({@link #ETCD_VERSION} unless set); returns this host. */
    public InMemoryHost packaged(EtcdVersion version) {
        this.packaged = version;
        return this;
    }

    @Override
    public void ensurePkiDir() {
        try {
            Files.createDirectories(paths.pkiDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean writeTls(String caPem, String certPem, String keyPem, String clientCertPem, String clientKeyPem) {
        if (!dev.charms.etcd.pki.Keys.toKeyPair(dev.charms.etcd.pki.Keys.readPrivateKey(keyPem)).getPublic()
                .equals(dev.charms.etcd.pki.CertificateInfo.parse(certPem).publicKey())) {
            throw new IllegalStateException("the charm installs a key that is not its certificate's");
        }
        boolean changed = !caPem.equals(this.caPem) || !certPem.equals(this.certPem) || !keyPem.equals(this.keyPem);
        this.caPem = caPem;
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.clientCertPem = clientCertPem;
        try {
            Files.writeString(paths.clientCert(), clientCertPem);
            Files.writeString(paths.clientKey(), clientKeyPem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return changed;
    }

    /** The client certificate the charm installed for itself on this unit (null before any). */
    public String clientCertificatePem() {
        return clientCertPem;
    }

    @Override
    public boolean writeClientTrust(String pem) {
        String next = pem == null || pem.isBlank() ? null : pem;
        boolean changed = !Objects.equals(next, clientTrustPem);
        clientTrustPem = next;
        return changed;
    }

    /** The client port's trust file the running etcd read at start, if it had one. */
    public Optional<String> runningClientTrust() {
        return running ? Optional.ofNullable(runningClientTrust) : Optional.empty();
    }

    /** What the client port trusts besides the CAs (written by the charm), if anything. */
    public Optional<String> clientTrust() {
        return Optional.ofNullable(clientTrustPem);
    }

    @Override
    public Optional<String> installedCertificate() {
        return Optional.ofNullable(certPem);
    }

    @Override
    public Optional<String> installedKey() {
        return Optional.ofNullable(keyPem);
    }

    @Override
    public boolean writeConfig(EtcdConfig config, EtcdInstallation installation, List<URI> endpoints) {
        dataDir = true;
        boolean changed = !config.equals(this.config);
        this.config = config;
        this.profileEndpoints = List.copyOf(endpoints);
        return changed;
    }

    /** As the real host: what a running etcd depends on, leaving out the {@code initial-*} settings. */
    @Override
    public String configFingerprint() {
        List<Object> read = config == null ? List.of() : List.of(config.name(), config.dataDir(), config.listenClientUrls(),
                config.advertiseClientUrls(), config.listenPeerUrls(), config.heartbeatIntervalMs(),
                config.electionTimeoutMs(), config.snapshotCount(), config.quotaBackendBytes(),
                config.autoCompactionMode(), config.autoCompactionRetention(), config.clientTls(), config.peerTls(),
                config.cipherSuites(), config.listenMetricsUrls());
        return Integer.toHexString(Objects.hash(read, installation == null ? null : installation.etcd(), certPem,
                caPem != null && caPem.split("BEGIN CERTIFICATE").length > 2 ? caPem : null, clientTrustPem));
    }

    @Override
    public boolean hasData() {
        return dataMemberId != 0;
    }

    @Override
    public Optional<Path> moveDataAside(String why) {
        if (!dataDir) {
            return Optional.empty();
        }
        Path moved = paths.dataDir().resolveSibling("data." + why + "-" + (dataMovedAside.size() + 1));
        dataMovedAside.add(why);
        dataDir = false;
        dataMemberId = 0;
        dataDamage = null;
        return Optional.of(moved);
    }

    /** As {@link dev.charms.etcd.workload.MemberData}: no member data, or the damage a test caused. */
    @Override
    public Optional<String> dataDamage() {
        if (dataMemberId == 0) {
            return Optional.of("its data directory " + paths.dataDir() + " holds no member data (member/ is missing)");
        }
        return Optional.ofNullable(dataDamage);
    }

    @Override
    public long dataFileSystemBytes() {
        return dataFileSystemBytes;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void start() {
        enabled = true;
        if (running) {
            return;
        }
        starts++;
        boot();
    }

    @Override
    public void restart() {
        enabled = true;
        restarts++;
        etcd.restarting(this);
        if (running) {
            running = false;
            etcd.stopped(this);
        }
        boot();
    }

    private void boot() {
        if (config == null) {
            exited("no configuration file");
            return;
        }
        runningConfig = config;
        runningCaPem = caPem;
        runningCertPem = certPem;
        runningClientTrust = clientTrustPem;
        running = true;
        if (damageOnStart != null) {
            dataDamage = damageOnStart;
            damageOnStart = null;
        }
        if (dataDamage != null && dataMemberId != 0) {
            exited("cannot open its data: " + dataDamage);
            return;
        }
        Optional<String> failure = etcd.boot(this, config);
        failure.ifPresent(this::exited);
    }

    @Override
    public void stop() {
        if (running) {
            stops++;
            running = false;
            etcd.stopped(this);
            journal.add("stopped");
        }
    }

    @Override
    public void disable() {
        stop();
        enabled = false;
    }

    @Override
    public List<Health> health(EtcdInstallation installation, List<URI> endpoints, Duration timeout) {
        List<Health> out = new ArrayList<>();
        for (URI endpoint : endpoints) {
            Optional<InMemoryEtcd.Record> m = etcd.answering(this, endpoint);
            String reason;
            if (m.isEmpty()) {
                reason = "unreachable: " + endpoint + " connection refused";
            } else if (etcd.leaderSeenBy(m.get().id) == 0) {
                reason = "unhealthy: context deadline exceeded (no leader)";
            } else if (etcd.alarms.stream().anyMatch(a -> a.memberId() == m.get().id)) {
                reason = "unhealthy: alarm activated";
            } else {
                reason = "";
            }
            out.add(new Health(endpoint, reason.isEmpty(), reason, Duration.ZERO));
        }
        return out;
    }

    @Override
    public Optional<List<dev.charms.etcd.workload.Alarm>> alarms(EtcdInstallation installation, List<URI> endpoints,
                                                                  Duration timeout) {
        boolean answers = endpoints.stream().anyMatch(e -> etcd.answering(this, e).isPresent());
        return answers ? Optional.of(List.copyOf(etcd.alarms)) : Optional.empty();
    }

    @Override
    public EtcdctlStatus.Local localStatus(EtcdInstallation installation, URI endpoint, Duration timeout) {
        InMemoryEtcd.Record m = etcd.answering(this, endpoint).orElseThrow(() -> new IllegalStateException(
                "etcdctl endpoint status " + endpoint + " failed: connection refused"));
        return new EtcdctlStatus.Local(m.id, etcd.leaderSeenBy(m.id), m.learner);
    }

    @Override
    public EtcdCluster cluster(List<URI> endpoints, Duration timeout) {
        return new InMemoryEtcdClient(etcd, this, endpoints);
    }

    /** Nothing to warm in memory; counted so that tests can see the leader expected etcd work. */
    @Override
    public boolean accepts(URI endpoint, Duration timeout) {
        return etcd.accepting(this, endpoint);
    }

    @Override
    public void prewarm(long clientPort, Duration timeout) {
        prewarms++;
    }

    @Override
    public TlsPaths clientTls() {
        return TlsPaths.client(paths);
    }

    /** The in-memory machine has no etcd tools: the simulated etcd runs one version, so no upgrade snapshot is taken. */
    @Override
    public dev.charms.etcd.workload.SnapshotTool snapshotTool(EtcdInstallation installation) {
        throw new UnsupportedOperationException("the in-memory host runs no etcd tools");
    }

    // ------------------------------------------------------------------ for InMemoryEtcd

    /** Whether the running etcd listens for clients on {@code port}. */
    boolean listensOn(int port) {
        return running && runningConfig.listenClientUrls().stream().anyMatch(u -> u.getPort() == port);
    }

    long dataMemberId() {
        return dataMemberId;
    }

    void dataWritten(long memberId) {
        dataDir = true;
        dataMemberId = memberId;
    }

    /** The etcd process ended by itself (systemd shows the service failed). */
    void exited(String why) {
        running = false;
        etcd.stopped(this);
        journal.add("exited: " + why);
    }

    // ------------------------------------------------------------------ what tests see and do

    /** The data dir's file system holds {@code bytes} (0: unknown, as when it cannot be told). */
    public void dataFileSystem(long bytes) {
        dataFileSystemBytes = bytes;
    }

    /**
     * An operator stops the etcd service (it stays stopped: systemd does not restart a stopped service),
     * as before working on its data.
     */
    public void stopService() {
        stop();
    }

    /** Deletes the member data (the data dir's {@code member/}); etcd must not be running. */
    public void deleteData() {
        requireStopped();
        dataMemberId = 0;
        etcd.log(address + ": member data deleted");
    }

    /** Damages the member data ({@code how}: what MemberData would say); etcd must not be running. */
    public void corruptData(String how) {
        requireStopped();
        dataDamage = how;
        etcd.log(address + ": member data damaged");
    }

    /**
     * Damages the member data ({@code how}: what MemberData would say) just as etcd is next started: after
     * a hook found it whole, before etcd opens it.
     */
    public void corruptDataAsItStarts(String how) {
        damageOnStart = how;
    }

    private void requireStopped() {
        if (running) {
            throw new IllegalStateException("stop etcd on " + address + " before touching its data");
        }
    }

    /** The machine's etcd dies (killed, out of memory): the service is no longer running. */
    public void crash() {
        if (running) {
            exited("killed");
        }
    }

    /** The configuration the charm last wrote (null before any). */
    public EtcdConfig config() {
        return config;
    }

    /** The configuration the running (or last started) etcd process read. */
    /** The CA bundle the running etcd trusts (read at its last start), or null. */
    public String runningCaPem() {
        return running ? runningCaPem : null;
    }

    /** The certificate the running etcd serves (read at its last start), or null. */
    public String runningCertPem() {
        return running ? runningCertPem : null;
    }

    public EtcdConfig runningConfig() {
        return runningConfig;
    }

    public boolean enabled() {
        return enabled;
    }

    public int installs() {
        return installs;
    }

    public int starts() {
        return starts;
    }

    public int restarts() {
        return restarts;
    }

    public int stops() {
        return stops;
    }

    public int prewarms() {
        return prewarms;
    }

    /** Why the data dir was moved aside, each time it was. */
    public List<String> dataMovedAside() {
        return List.copyOf(dataMovedAside);
    }

    /** The client URLs the charm wrote into root's etcdctl profile. */
    public List<URI> profileEndpoints() {
        return profileEndpoints;
    }

    /** What happened to the service besides starts and restarts (stops, exits and why). */
    public List<String> journal() {
        return List.copyOf(journal);
    }

    /** The certificate the charm installed for this unit (null before any). */
    public String certificatePem() {
        return certPem;
    }

    @Override
    public String toString() {
        return "InMemoryHost[" + address + "]";
    }

    /** The scheduled-backup timer's interval as the charm last installed it; empty when none is installed. */
    public Optional<Duration> backupTimer = Optional.empty();
    /** The scheduled run's settings as the charm last wrote them. */
    public byte[] backupSettings = new byte[0];
    /** What the scheduled run last wrote, as {@link #lastScheduledBackup} reads it. */
    public Optional<String> lastBackup = Optional.empty();

    @Override
    public boolean scheduleBackups(Optional<Duration> interval, byte[] settings) {
        boolean changed = !interval.equals(backupTimer) || interval.isPresent() && !java.util.Arrays.equals(settings, backupSettings);
        backupTimer = interval;
        backupSettings = interval.isPresent() ? settings.clone() : new byte[0];
        return changed;
    }

    @Override
    public Optional<String> lastScheduledBackup() {
        return lastBackup;
    }
}
