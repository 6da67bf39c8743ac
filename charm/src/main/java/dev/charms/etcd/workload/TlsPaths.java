package dev.charms.etcd.workload;

import java.nio.file.Path;
import java.util.Objects;

/** The files of one TLS identity: the CA to trust, and the certificate and key to present. */
public record TlsPaths(Path caFile, Path certFile, Path keyFile) {
    /** Checks that no path is missing. */
    public TlsPaths {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }

    /** The server identity of {@code paths} (ca.crt, server.crt, server.key), used on client and peer ports. */
    public static TlsPaths server(EtcdPaths paths) {
        return new TlsPaths(paths.caCert(), paths.serverCert(), paths.serverKey());
    }

    /** The client identity of {@code paths} (ca.crt, client.crt, client.key) the charm uses. */
    public static TlsPaths client(EtcdPaths paths) {
        return new TlsPaths(paths.caCert(), paths.clientCert(), paths.clientKey());
    }
}
