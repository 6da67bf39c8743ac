package dev.charms.etcd.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Test helper: the real etcd releases this machine has. Debian's etcd 3.4.23 in /usr/bin, and Debian's
 * 3.5.16 and 3.5.30 repacked as release tarballs by scripts/etcd-releases.sh (fetched once into its cache),
 * installed by the charm's installer under a test root.
 */
final class RealEtcd {
    private static final CommandRunner RUN = new CommandRunner();

    private RealEtcd() {
    }

    /** Debian's etcd in /usr/bin. */
    static EtcdInstallation debian() {
        return new EtcdInstaller(EtcdPaths.system(), RUN).detect().orElseThrow();
    }

    /** The release tarball of etcd {@code version} (3.5.16 or 3.5.30). */
    static Path tarball(String version) {
        return Path.of(RUN.check(List.of("bash", "scripts/etcd-releases.sh", version), Duration.ofMinutes(5)).strip());
    }

    /** etcd {@code version}'s release installed by {@link EtcdInstaller} under {@code root}. */
    static EtcdInstallation release(String version, Path root) throws IOException {
        return new EtcdInstaller(EtcdPaths.under(root), RUN).installTarball(tarball(version), List.of());
    }
}
