package dev.charms.etcd;

import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.KeyType;
import dev.charms.ops.Json;
import java.util.List;

/**
 * A side-effect-free run that loads the classes a typical hook loads (framework, charm, PKI, the TLS
 * stack and the jetcd client classes), so that {@code dispatch} can record them in a class-data-sharing
 * archive on the unit. Nothing is written and no network connection is made.
 */
final class CdsTraining {
    private CdsTraining() {
    }

    static int run() {
        Json.parse(Json.write(List.of("warm", 1L, true)));
        CertificateAuthority ca = CertificateAuthority.create("cds training", 1, KeyType.DEFAULT);
        ca.certificatePem();
        try {
            Class.forName("io.etcd.jetcd.Client");
            Class.forName("io.grpc.netty.GrpcSslContexts");
            Class.forName("javax.net.ssl.HttpsURLConnection");
        } catch (ClassNotFoundException e) {
            return 1;
        }
        EtcdSettings.isIpLiteral("127.0.0.1");
        return 0;
    }
}
