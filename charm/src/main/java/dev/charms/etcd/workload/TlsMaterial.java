package dev.charms.etcd.workload;

import java.util.Objects;

/**
 * PEM texts of a unit's TLS files. {@link #toString()} never shows the keys.
 *
 * @param caCert CA certificate(s) trusted on the client and peer ports
 * @param serverCert this member's certificate (server and peer, serverAuth+clientAuth)
 * @param serverKey its private key
 * @param clientCert the client certificate the charm and root's etcdctl present
 * @param clientKey its private key
 */
public record TlsMaterial(String caCert, String serverCert, String serverKey, String clientCert, String clientKey) {
    /** Requires every part and PEM-looking content. */
    public TlsMaterial {
        pem("CA certificate", caCert, "CERTIFICATE");
        pem("server certificate", serverCert, "CERTIFICATE");
        pem("server key", serverKey, "PRIVATE KEY");
        pem("client certificate", clientCert, "CERTIFICATE");
        pem("client key", clientKey, "PRIVATE KEY");
    }

    private static void pem(String what, String text, String kind) {
        Objects.requireNonNull(text, what);
        if (!text.contains("-----BEGIN ") || !text.contains(kind + "-----")) {
            throw new IllegalArgumentException(what + " is not a PEM " + kind);
        }
    }

    @Override
    public String toString() {
        return "TlsMaterial[keys redacted]";
    }
}
