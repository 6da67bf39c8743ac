package dev.charms.etcd.workload;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the etcd binaries of this unit are and which version they are.
 *
 * @param etcd the server binary
 * @param etcdctl the client binary
 * @param etcdutl the offline utility (3.5+), used for snapshot status/restore when present
 * @param version what {@code etcd --version} reported
 * @param source where the binaries came from
 */
public record EtcdInstallation(Path etcd, Path etcdctl, Optional<Path> etcdutl, EtcdVersion version, Source source) {
    /** Where the binaries came from. */
    public enum Source {
        /** A release tarball (charm resource) extracted to /opt/etcd/bin. */
        TARBALL,
        /** Debian/Ubuntu's etcd-server and etcd-client packages (/usr/bin). */
        PACKAGE
    }
}
