package dev.charms.etcd.workload;

import dev.charms.etcd.pki.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the charm does on its machine, in one place: install etcd, write its files, drive its
 * systemd unit, open an admin client. The same code runs under real Juju and under the local runner
 * (which supplies a systemd-compatible {@code systemctl}).
 */
public final class MachineHost implements Host {
    private static final Duration SYSTEMCTL_TIMEOUT = Duration.ofSeconds(90);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final EtcdPaths paths;
    private final Path charmDir;
    private final CommandRunner runner = new CommandRunner();
    private EtcdInstaller installer;
    private EtcdFiles files;
    private EtcdService service;

    public MachineHost(EtcdPaths paths, Path charmDir) {
        this.paths = paths;
        this.charmDir = charmDir;
    }

    @Override
    public EtcdPaths paths() {
        return paths;
    }

    @Override
    public PemFiles.Owner keyOwner() {
        return PemFiles.Owner.user(EtcdPaths.SERVICE_USER);
    }

    private EtcdInstaller installer() {
        if (installer == null) {
            installer = new EtcdInstaller(paths, runner);
        }
        return installer;
    }

    private EtcdFiles files() {
        if (files == null) {
            files = new EtcdFiles(paths, new EtcdTemplates(charmDir));
        }
        return files;
    }

    private EtcdService service() {
        if (service == null) {
            service = new EtcdService(runner, SYSTEMCTL_TIMEOUT);
        }
        return service;
    }

    @Override
    public Optional<EtcdInstallation> installation() {
        return installer().detect();
    }

    /** The installed etcd, its version remembered in {@code stored} between hooks. */
    @Override
    public Optional<EtcdInstallation> installation(dev.charms.ops.StoredState stored) {
        return installer().detect(new EtcdInstaller.VersionCache() {
            @Override
            public Optional<String> get(String key) {
                return key.equals(stored.getString("etcd-binary", null))
                        ? Optional.ofNullable(stored.getString("etcd-binary-version", null)) : Optional.empty();
            }

            @Override
            public void put(String key, String version) {
                stored.put("etcd-binary", key);
                stored.put("etcd-binary-version", version);
            }
        });
    }

    /**
     * Installs etcd (see {@link EtcdInstaller#install}), refusing a tarball whose etcd must not run in a
     * cluster holding data of {@code held} (this unit's member data and what each peer runs).
     */
    @Override
    public EtcdInstallation install(Optional<Path> tarball, java.util.Collection<EtcdVersion> held) {
        try {
            return installer().install(tarball, held);
        } catch (IOException e) {
            throw new UncheckedIOException("installing etcd failed: " + e.getMessage(), e);
        }
    }

    /** Creates the directories the unit's key and certificates go to. */
    @Override
    public void ensurePkiDir() {
        try {
            files().ensurePkiDir();
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + paths.pkiDir() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean writeTls(String caPem, String certPem, String keyPem, String clientCertPem, String clientKeyPem) {
        try {
            return files().writeTls(new TlsMaterial(caPem, certPem, keyPem, clientCertPem, clientKeyPem));
        } catch (IOException e) {
            throw new UncheckedIOException("writing TLS files failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean writeClientTrust(String pem) {
        try {
            return files().writeClientTrust(pem);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + paths.clientTrust() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> installedCertificate() {
        return dev.charms.etcd.pki.PemFiles.readIfExists(paths.serverCert());
    }

    @Override
    public Optional<String> installedKey() {
        return dev.charms.etcd.pki.PemFiles.readIfExists(paths.serverKey());
    }

    /** Writes config, unit file and profile script; true when anything etcd reads changed. */
    @Override
    public boolean writeConfig(EtcdConfig config, EtcdInstallation installation, List<URI> endpoints) {
        try {
            files().ensureDataDir();
            boolean unit = files().writeUnit(installation);
            if (unit) {
                service().daemonReload();
            }
            boolean conf = files().writeConfig(config, installation.version());
            files().writeProfile(endpoints);
            return unit || conf;
        } catch (IOException e) {
            throw new UncheckedIOException("writing etcd configuration failed: " + e.getMessage(), e);
        }
    }

    /**
     * A fingerprint of what a running etcd depends on (config, unit file, certificate), for detecting a
     * change that needs a restart. The {@code initial-*} settings are left out: etcd reads them only when
     * it first bootstraps its data dir, so a change there (the bootstrap member turning "existing") must
     * not restart it.
     */
    @Override
    public String configFingerprint() {
        try {
            String conf = Files.exists(paths.configFile()) ? Files.readString(paths.configFile()).lines()
                    .filter(l -> !l.startsWith("initial-")).collect(java.util.stream.Collectors.joining("\n")) : "";
            String unit = Files.exists(paths.unitFile()) ? Files.readString(paths.unitFile()) : "";
            String cert = Files.exists(paths.serverCert()) ? Files.readString(paths.serverCert()) : "";
            // etcd reads its trusted CAs only at start. The trust is counted once it holds more than the
            // cluster CA (docs/certificates.md): every step of a CA move changes it or the certificate.
            String ca = Files.exists(paths.caCert()) ? Files.readString(paths.caCert()) : "";
            String trust = dev.charms.etcd.certs.TrustBundle.certificates(ca).size() > 1 ? "\u0000" + ca : "";
            // The client port's own trust, when etcd-client relations brought certificates (docs/client-access.md).
            String clients = Files.exists(paths.clientTrust()) ? "\u0000clients\u0000" + Files.readString(paths.clientTrust()) : "";
            return Integer.toHexString((conf + "\u0000" + unit + "\u0000" + cert + trust + clients).hashCode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean hasData() {
        return Files.isDirectory(paths.dataDir().resolve("member"));
    }

    /**
     * Moves the data dir aside (never deletes it), to a sibling named after {@code why} and the time, and
     * returns where it went. A data dir that is a mount point of its own (Juju storage) cannot be moved:
     * its {@code member} directory is moved to {@code member.<why>-<time>} inside it instead, where etcd
     * leaves it alone. The moved data keeps its owner and mode (0700).
     */
    @Override
    public Optional<Path> moveDataAside(String why) {
        Path data = paths.dataDir();
        if (!Files.exists(data)) {
            return Optional.empty();
        }
        String suffix = "." + why + "-" + STAMP.format(Instant.now());
        Path target = data.resolveSibling(data.getFileName() + suffix);
        try {
            Files.move(data, target);
            return Optional.of(target);
        } catch (IOException whole) {
            Path member = data.resolve("member");
            if (!Files.isDirectory(member)) {
                throw new UncheckedIOException("cannot move " + data + " aside: " + whole.getMessage(), whole);
            }
            Path inside = data.resolve("member" + suffix);
            try {
                Files.move(member, inside);
                Files.setPosixFilePermissions(inside, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                return Optional.of(inside);
            } catch (IOException e) {
                e.addSuppressed(whole);
                throw new UncheckedIOException("cannot move " + member + " aside: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Optional<String> dataDamage() {
        return MemberData.damage(paths.dataDir());
    }

    @Override
    public long dataFileSystemBytes() {
        Path dir = paths.dataDir();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        try {
            return dir == null ? 0 : Files.getFileStore(dir).getTotalSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public boolean isRunning() {
        return service().isRunning();
    }

    /** Enables and starts etcd without waiting for systemd's readiness (quorum); callers wait for it themselves. */
    @Override
    public void start() {
        service().enableNow(true);
    }

    /** Restarts etcd without waiting for readiness; callers wait for the member to serve. */
    @Override
    public void restart() {
        service().restart(true);
    }

    @Override
    public void stop() {
        service().stop();
    }

    @Override
    public void disable() {
        service().disable();
    }

    /** Health of the given members in one etcdctl process (cheap: no JVM TLS stack). */
    @Override
    public List<Health> health(EtcdInstallation installation, List<URI> endpoints, Duration timeout) {
        return new EtcdctlHealth(installation.etcdctl(), TlsPaths.client(paths), runner)
                .check(endpoints, timeout);
    }

    @Override
    public Optional<List<Alarm>> alarms(EtcdInstallation installation, List<URI> endpoints, Duration timeout) {
        return new EtcdctlAlarms(installation.etcdctl(), TlsPaths.client(paths), runner).list(endpoints, timeout);
    }

    /** The member at {@code endpoint} as it sees itself, from one etcdctl process (see {@link EtcdctlStatus}). */
    @Override
    public EtcdctlStatus.Local localStatus(EtcdInstallation installation, URI endpoint, Duration timeout) {
        return new EtcdctlStatus(installation.etcdctl(), TlsPaths.client(paths), runner).check(endpoint, timeout);
    }

    /** An admin client over mTLS to the given client URLs (jetcd is loaded only here). */
    @Override
    public boolean accepts(URI endpoint, Duration timeout) {
        return Etcdctl.accepts(endpoint, timeout);
    }

    @Override
    public EtcdCluster cluster(List<URI> endpoints, Duration timeout) {
        return new EtcdAdmin(endpoints, TlsPaths.client(paths), timeout);
    }

    /**
     * Starts connecting to this unit's member on {@code clientPort} in the background (see
     * {@link EtcdAdmin#prewarm}); nothing happens without a port or a client certificate yet.
     */
    @Override
    public void prewarm(long clientPort, java.time.Duration timeout) {
        if (clientPort > 0 && clientPort <= 65535 && Files.exists(paths.clientKey()) && Files.exists(paths.clientCert())) {
            EtcdAdmin.prewarm(URI.create("https://127.0.0.1:" + clientPort), TlsPaths.client(paths), timeout);
        }
    }

    @Override
    public TlsPaths clientTls() {
        return TlsPaths.client(paths);
    }

    @Override
    public SnapshotTool snapshotTool(EtcdInstallation installation) {
        return new SnapshotTool(installation, runner);
    }

    @Override
    public boolean scheduleBackups(Optional<Duration> interval, byte[] settings) {
        Path state = Path.of(dev.charms.etcd.backup.ScheduleFiles.STATE_DIR);
        Path units = Path.of("/etc/systemd/system");
        Path service = units.resolve(dev.charms.etcd.backup.ScheduleFiles.SERVICE);
        Path timer = units.resolve(dev.charms.etcd.backup.ScheduleFiles.TIMER);
        Path settingsFile = state.resolve("settings.json");
        try {
            if (interval.isEmpty()) {
                if (!Files.exists(timer) && !Files.exists(settingsFile)) {
                    return false;
                }
                runner.run(List.of("systemctl", "disable", "--now", dev.charms.etcd.backup.ScheduleFiles.TIMER), Map.of(),
                        Duration.ofSeconds(30));
                Files.deleteIfExists(timer);
                Files.deleteIfExists(service);
                Files.deleteIfExists(settingsFile);
                runner.run(List.of("systemctl", "daemon-reload"), Map.of(), Duration.ofSeconds(30));
                return true;
            }
            AtomicFiles.ensureDirectory(state, AtomicFiles.Ownership.mode("rwx------"));
            boolean changed = AtomicFiles.writeIfChanged(settingsFile, settings, AtomicFiles.Ownership.mode("rw-------"));
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            boolean unitsChanged = AtomicFiles.writeIfChanged(service,
                    dev.charms.etcd.backup.ScheduleFiles.service(javaBin, charmDir.toString()).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    AtomicFiles.Ownership.mode("rw-r--r--"));
            unitsChanged |= AtomicFiles.writeIfChanged(timer,
                    dev.charms.etcd.backup.ScheduleFiles.timer(interval.get()).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    AtomicFiles.Ownership.mode("rw-r--r--"));
            if (unitsChanged) {
                runner.check(List.of("systemctl", "daemon-reload"), Duration.ofSeconds(30));
                runner.check(List.of("systemctl", "enable", dev.charms.etcd.backup.ScheduleFiles.TIMER), Duration.ofSeconds(30));
                runner.check(List.of("systemctl", "restart", dev.charms.etcd.backup.ScheduleFiles.TIMER), Duration.ofSeconds(30));
            }
            return changed || unitsChanged;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot install the scheduled backup timer: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> lastScheduledBackup() {
        Path last = Path.of(dev.charms.etcd.backup.ScheduleFiles.STATE_DIR, "last.json");
        try {
            return Files.exists(last) ? Optional.of(Files.readString(last)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
