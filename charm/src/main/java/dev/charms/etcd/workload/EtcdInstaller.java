package dev.charms.etcd.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Puts etcd binaries on the unit: from a release tarball (into /opt/etcd/bin), else the etcd already
 * on the machine (/usr/bin from Debian/Ubuntu), else {@code apt-get install etcd-server etcd-client}.
 * An etcd older than {@link #MINIMUM} (Ubuntu 22.04's 3.3 has no learners) is never installed from the
 * packages nor used: {@link UnsupportedEtcdException} says so. Debian's auto-started etcd is stopped
 * before our unit file shadows its unit; data that is not ours (/var/lib/etcd/default) is never touched.
 */
public final class EtcdInstaller {
    /** The oldest etcd the charm runs: 3.4 brought learners, which every scale-up uses. */
    public static final EtcdVersion MINIMUM = new EtcdVersion(3, 4, 0);
    private static final java.util.regex.Pattern CANDIDATE =
            java.util.regex.Pattern.compile("(?m)^\\s*Candidate:\\s*(?:\\d+:)?(\\S+)");

    /** The etcd on offer is older than {@link #MINIMUM}: the operator must attach a release tarball. */
    public static final class UnsupportedEtcdException extends RuntimeException {
        private final EtcdVersion version;

        public UnsupportedEtcdException(EtcdVersion version, String where) {
            super("etcd " + version + " " + where + " lacks learners (etcd " + MINIMUM.major() + "." + MINIMUM.minor()
                    + " or later is needed)");
            this.version = version;
        }

        /** The version that was refused. */
        public EtcdVersion version() {
            return version;
        }
    }

    /**
     * An attached release that must not run on this unit: older than {@link #MINIMUM}, or a move etcd does
     * not allow from the versions the cluster holds ({@link EtcdVersion#refusesMoveTo}). Thrown before the
     * installed binaries are touched. Its message, for the log, names the file; {@link #statusMessage} is
     * what the unit's status says.
     */
    public static final class RefusedReleaseException extends RuntimeException {
        private final EtcdVersion version;
        private final String reason;

        public RefusedReleaseException(Path tarball, EtcdVersion version, String reason) {
            super("etcd tarball " + tarball + " holds etcd " + version + ", refused: " + reason + "; the installed etcd stays");
            this.version = version;
            this.reason = reason;
        }

        /** The refused release's version. */
        public EtcdVersion version() {
            return version;
        }

        /** Why it is refused, ending with what to attach instead. */
        public String reason() {
            return reason;
        }

        /** "etcd resource 3.6.0 refused: ...; attach ...": the unit's blocked status. */
        public String statusMessage() {
            return "etcd resource " + version + " refused: " + reason;
        }
    }

    private static final Set<PosixFilePermission> READABLE_DIR = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Duration APT_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration SHORT = Duration.ofSeconds(30);

    private final EtcdPaths paths;
    private final CommandRunner runner;

    /** An installer for the layout {@code paths}, running commands with {@code runner}. */
    public EtcdInstaller(EtcdPaths paths, CommandRunner runner) {
        this.paths = paths;
        this.runner = runner;
    }

    /**
     * Installs etcd. A present, non-empty {@code tarball} wins; otherwise an etcd already at
     * /usr/bin is used; otherwise the distribution packages are installed when apt offers etcd
     * {@link #MINIMUM} or later. {@code held}: the etcd versions whose data the cluster holds (this unit's
     * member data, if any, and what each peer runs): a tarball whose etcd must not run in that cluster (see
     * {@link EtcdVersion#refusesMoveTo}), or is older than {@link #MINIMUM}, is refused before the installed
     * binaries are touched.
     *
     * @throws UnsupportedEtcdException without a tarball, when the machine's or apt's etcd is too old
     * @throws RefusedReleaseException when the tarball's etcd must not run here
     */
    public EtcdInstallation install(Optional<Path> tarball, Collection<EtcdVersion> held) throws IOException {
        EtcdInstallation installation;
        if (tarball.isPresent() && Files.isRegularFile(tarball.get()) && Files.size(tarball.get()) > 0) {
            installation = installTarball(tarball.get(), held);
        } else {
            if (!Files.isExecutable(paths.distroEtcd()) || !Files.isExecutable(paths.distroEtcdctl())) {
                Optional<EtcdVersion> offered = packageCandidate(runner.run(
                        List.of("apt-cache", "policy", "etcd-server"), Map.of(), SHORT).stdout());
                if (offered.isPresent() && offered.get().compareTo(MINIMUM) < 0) {
                    throw new UnsupportedEtcdException(offered.get(), "(the etcd-server package apt offers)");
                }
                installPackages();
            }
            installation = detectIn(paths.distroEtcd(), paths.distroEtcdctl(), paths.distroEtcdutl(),
                    EtcdInstallation.Source.PACKAGE)
                    .orElseThrow(() -> new IllegalStateException("etcd-server/etcd-client installed but "
                            + paths.distroEtcd() + " or " + paths.distroEtcdctl() + " is missing"));
            requireSupported(installation);
        }
        stopDistroService();
        ensureServiceUser();
        return installation;
    }

    /**
     * Fails with {@link UnsupportedEtcdException} when {@code installation} is older than {@link #MINIMUM}.
     */
    public static void requireSupported(EtcdInstallation installation) {
        if (installation.version().compareTo(MINIMUM) < 0) {
            throw new UnsupportedEtcdException(installation.version(), "(" + installation.etcd() + ")");
        }
    }

    /**
     * The version of the {@code etcd-server} package apt would install, from {@code apt-cache policy
     * etcd-server}: empty when apt has none (or the output names none); a Debian epoch and revision
     * ({@code 1:3.3.25+dfsg-7ubuntu0.22.04.1}) are dropped.
     */
    static Optional<EtcdVersion> packageCandidate(String policyOutput) {
        java.util.regex.Matcher m = CANDIDATE.matcher(policyOutput);
        if (!m.find() || m.group(1).equals("(none)")) {
            return Optional.empty();
        }
        try {
            return Optional.of(EtcdVersion.parse(m.group(1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The installation already on this unit (tarball binaries first, then /usr/bin), if any. */
    public Optional<EtcdInstallation> detect() {
        return detect(VersionCache.NONE);
    }

    /**
     * Remembers binaries' versions between hooks (keyed by path, size and modification time), so a hook
     * need not run {@code etcd --version} every time.
     */
    public interface VersionCache {
        VersionCache NONE = new VersionCache() {
            @Override
            public Optional<String> get(String key) {
                return Optional.empty();
            }

            @Override
            public void put(String key, String version) {
                // nothing is remembered
            }
        };

        Optional<String> get(String key);

        void put(String key, String version);
    }

    /** As {@link #detect()}, asking {@code cache} before running {@code etcd --version}. */
    public Optional<EtcdInstallation> detect(VersionCache cache) {
        Path bin = paths.optBinDir();
        Optional<EtcdInstallation> fromTarball = detectIn(bin.resolve("etcd"), bin.resolve("etcdctl"),
                bin.resolve(EtcdTarball.ETCDUTL), EtcdInstallation.Source.TARBALL, cache);
        return fromTarball.isPresent() ? fromTarball
                : detectIn(paths.distroEtcd(), paths.distroEtcdctl(), paths.distroEtcdutl(), EtcdInstallation.Source.PACKAGE, cache);
    }

    /** Runs {@code etcd --version} and parses it. */
    public EtcdVersion version(Path etcdBinary) {
        return EtcdVersion.fromBanner(runner.check(List.of(etcdBinary.toString(), "--version"), SHORT));
    }

    /**
     * Validates {@code tarball}, stages its binaries, checks them (an etcd that must not run in a cluster
     * holding data of {@code held} is refused with {@link RefusedReleaseException}), then swaps them into
     * /opt/etcd/bin.
     */
    public EtcdInstallation installTarball(Path tarball, Collection<EtcdVersion> held) throws IOException {
        EtcdTarball release = EtcdTarball.open(tarball);
        Files.createDirectories(paths.optDir());
        // etcd runs as the service user, so /opt/etcd and the bin directory must let it in whatever the
        // umask (a temporary directory is made 0700).
        Files.setPosixFilePermissions(paths.optDir(), READABLE_DIR);
        Path staging = Files.createTempDirectory(paths.optDir(), ".bin-");
        try {
            Files.setPosixFilePermissions(staging, READABLE_DIR);
            release.extractBinaries(staging);
            EtcdVersion version = version(staging.resolve("etcd"));
            if (version.compareTo(MINIMUM) < 0) {
                throw new RefusedReleaseException(tarball, version, "etcd " + version.minorLine() + " lacks learners (etcd "
                        + MINIMUM.minorLine() + " or later is needed); attach an etcd 3.5 release");
            }
            Optional<String> refusal = EtcdVersion.refusesMoveTo(version, held);
            if (refusal.isPresent()) {
                throw new RefusedReleaseException(tarball, version, refusal.get());
            }
            if (version.hasEtcdutl() && !release.binaries().contains(EtcdTarball.ETCDUTL)) {
                throw new IllegalArgumentException("etcd tarball " + tarball + " holds etcd " + version
                        + " but no " + release.topDir() + "/etcdutl (required for 3.5 and later)");
            }
            Path bin = paths.optBinDir();
            Path old = paths.optDir().resolve(".bin-old");
            deleteTree(old);
            if (Files.exists(bin)) {
                Files.move(bin, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, bin, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
            return new EtcdInstallation(bin.resolve("etcd"), bin.resolve("etcdctl"),
                    release.binaries().contains(EtcdTarball.ETCDUTL) ? Optional.of(bin.resolve(EtcdTarball.ETCDUTL)) : Optional.empty(),
                    version, EtcdInstallation.Source.TARBALL);
        } finally {
            deleteTree(staging);
        }
    }

    /** {@code apt-get install -y etcd-server etcd-client}, non-interactively. */
    public void installPackages() {
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        runner.check(List.of("apt-get", "install", "-y", "-o", "Dpkg::Options::=--force-confold",
                "etcd-server", "etcd-client"), env, APT_TIMEOUT);
    }

    /**
     * Stops the etcd that Debian's postinst started (systemd unit, or SysV script on hosts without
     * systemd), but only while our own unit file does not exist yet: afterwards "etcd" is ours. The
     * SysV script is run only when its pid file shows it started etcd: its stop falls back to
     * {@code start-stop-daemon --exec /usr/bin/etcd}, which waits for and then kills every process
     * of that binary it can see, not only the one it started.
     */
    public void stopDistroService() {
        if (Files.exists(paths.unitFile())) {
            return;
        }
        if (Files.isDirectory(paths.systemdRuntimeDir())) {
            runner.run(List.of("systemctl", "stop", EtcdPaths.SERVICE_NAME), Map.of(), SHORT);
        } else if (Files.isExecutable(paths.distroInitScript()) && Files.exists(paths.distroPidFile())) {
            runner.run(List.of(paths.distroInitScript().toString(), "stop"), Map.of(), SHORT);
        }
    }

    /** Creates the {@code etcd} system user when it does not exist. */
    public void ensureServiceUser() {
        if (runner.run(List.of("id", "-u", EtcdPaths.SERVICE_USER), Map.of(), SHORT).ok()) {
            return;
        }
        runner.check(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                EtcdPaths.SERVICE_USER), SHORT);
    }

    private Optional<EtcdInstallation> detectIn(Path etcd, Path etcdctl, Path etcdutl, EtcdInstallation.Source source) {
        return detectIn(etcd, etcdctl, etcdutl, source, VersionCache.NONE);
    }

    private Optional<EtcdInstallation> detectIn(Path etcd, Path etcdctl, Path etcdutl, EtcdInstallation.Source source,
                                                VersionCache cache) {
        if (!Files.isExecutable(etcd) || !Files.isExecutable(etcdctl)) {
            return Optional.empty();
        }
        Optional<Path> util = Files.isExecutable(etcdutl) ? Optional.of(etcdutl) : Optional.empty();
        String key;
        try {
            key = etcd + ":" + Files.size(etcd) + ":" + Files.getLastModifiedTime(etcd).toMillis();
        } catch (java.io.IOException e) {
            key = null;
        }
        Optional<String> known = key == null ? Optional.empty() : cache.get(key);
        EtcdVersion version = known.map(EtcdVersion::parse).orElseGet(() -> version(etcd));
        if (key != null && known.isEmpty()) {
            cache.put(key, version.toString());
        }
        return Optional.of(new EtcdInstallation(etcd, etcdctl, util, version, source));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path p : all) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + p, e);
            }
        }
    }
}
