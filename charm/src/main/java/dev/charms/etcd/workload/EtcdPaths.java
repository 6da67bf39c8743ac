package dev.charms.etcd.workload;

import java.nio.file.Path;

/**
 * The fixed file layout of etcd on a unit, every path resolved under a configurable root ("/" on a
 * real machine, a temporary directory in tests).
 */
public final class EtcdPaths {
    /** The system user etcd runs as (created by Debian's package, or by the installer). */
    public static final String SERVICE_USER = "etcd";
    /** The systemd unit name of our service. */
    public static final String SERVICE_NAME = "etcd";

    private final Path root;

    private EtcdPaths(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The real layout, under "/". */
    public static EtcdPaths system() {
        return new EtcdPaths(Path.of("/"));
    }

    /** The layout under {@code root} (for tests and chroot-like runners). */
    public static EtcdPaths under(Path root) {
        return new EtcdPaths(root);
    }

    private Path at(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    /** The root all other paths are under. */
    public Path root() {
        return root;
    }

    /** {@code /etc/etcd}. */
    public Path configDir() {
        return at("/etc/etcd");
    }

    /** {@code /etc/etcd/etcd.conf.yml} (0640 root:etcd). */
    public Path configFile() {
        return at("/etc/etcd/etcd.conf.yml");
    }

    /** {@code /etc/systemd/system/etcd.service}: our unit, shadowing Debian's. */
    public Path unitFile() {
        return at("/etc/systemd/system/etcd.service");
    }

    /** {@code /var/lib/etcd}: parent of our data dir (Debian's stale data lives next to it). */
    public Path stateDir() {
        return at("/var/lib/etcd");
    }

    /** {@code /var/lib/etcd/data} (0700, owned by the service user). */
    public Path dataDir() {
        return at("/var/lib/etcd/data");
    }

    /** {@code /etc/etcd/pki}. */
    public Path pkiDir() {
        return at("/etc/etcd/pki");
    }

    /** The CA certificate trusted on the client and peer ports. */
    public Path caCert() {
        return at("/etc/etcd/pki/ca.crt");
    }

    /**
     * What the client port trusts when etcd-client relations brought client certificates of their own:
     * the CAs of {@link #caCert} and those certificates (docs/client-access.md).
     */
    public Path clientTrust() {
        return at("/etc/etcd/pki/client-ca.crt");
    }

    /** This member's server (and peer) certificate. */
    public Path serverCert() {
        return at("/etc/etcd/pki/server.crt");
    }

    /** This member's server key (0600, owned by the service user). */
    public Path serverKey() {
        return at("/etc/etcd/pki/server.key");
    }

    /**
     * The unit's own private key (0600), from which it makes its CSRs. The member serves it, too, unless a
     * provider of the original tls-certificates protocol generated the served key (docs/certificates.md).
     */
    public Path unitKey() {
        return at("/etc/etcd/pki/unit.key");
    }

    /** The client certificate the charm and root's etcdctl use. */
    public Path clientCert() {
        return at("/etc/etcd/pki/client.crt");
    }

    /** The client key (0600 root). */
    public Path clientKey() {
        return at("/etc/etcd/pki/client.key");
    }

    /**
     * Keys and CSRs of the client certificates this unit requests from a {@code certificates} provider
     * (root only, 0700; keys 0600).
     */
    public Path clientRequests() {
        return at("/etc/etcd/pki/requests");
    }

    /** {@code /opt/etcd}: home of binaries installed from a release tarball. */
    public Path optDir() {
        return at("/opt/etcd");
    }

    /** {@code /opt/etcd/bin}. */
    public Path optBinDir() {
        return at("/opt/etcd/bin");
    }

    /** {@code /etc/profile.d/etcdctl.sh}: etcdctl environment for root's shells. */
    public Path profileScript() {
        return at("/etc/profile.d/etcdctl.sh");
    }

    /** {@code /usr/bin/etcd} from Debian/Ubuntu's {@code etcd-server}. */
    public Path distroEtcd() {
        return at("/usr/bin/etcd");
    }

    /** {@code /usr/bin/etcdctl} from Debian/Ubuntu's {@code etcd-client}. */
    public Path distroEtcdctl() {
        return at("/usr/bin/etcdctl");
    }

    /** {@code /usr/bin/etcdutl} (only in packages of etcd 3.5 and later). */
    public Path distroEtcdutl() {
        return at("/usr/bin/etcdutl");
    }

    /** {@code /etc/init.d/etcd}: Debian's SysV script, used on hosts without systemd. */
    public Path distroInitScript() {
        return at("/etc/init.d/etcd");
    }

    /** {@code /run/etcd.pid}: the pid file Debian's SysV script writes when it starts etcd. */
    public Path distroPidFile() {
        return at("/run/etcd.pid");
    }

    /** {@code /run/systemd/system}: exists when systemd is the running init. */
    public Path systemdRuntimeDir() {
        return at("/run/systemd/system");
    }

    @Override
    public String toString() {
        return "EtcdPaths[" + root + "]";
    }
}
