package dev.charms.etcd.actions;

import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.PemFiles;
import dev.charms.etcd.pki.Usage;
import dev.charms.etcd.workload.TlsPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Set;

/**
 * Test PKI made with the charm's own pki package: a P-256 cluster CA, one member certificate for
 * 127.0.0.1 (serverAuth + clientAuth, used on client and peer ports) and an admin client certificate.
 */
final class TestPki {
    final CertificateAuthority ca;
    final TlsPaths server;
    final TlsPaths client;

    private TestPki(CertificateAuthority ca, TlsPaths server, TlsPaths client) {
        this.ca = ca;
        this.server = server;
        this.client = client;
    }

    static TestPki create(Path dir) throws IOException {
        Files.createDirectories(dir);
        CertificateAuthority ca = CertificateAuthority.create("test-etcd-ca", 2, KeyType.ECDSA_P256);
        Path caFile = dir.resolve("ca.crt");
        PemFiles.writeCertificate(caFile, ca.certificatePem());
        TlsPaths server = issue(ca, dir, "server", "etcd-member", Set.of("127.0.0.1", "localhost"), Usage.SERVER_AND_CLIENT, caFile);
        TlsPaths client = issue(ca, dir, "client", "root", Set.of(), Usage.CLIENT, caFile);
        return new TestPki(ca, server, client);
    }

    private static TlsPaths issue(CertificateAuthority ca, Path dir, String name, String cn, Set<String> sans,
                                  Usage usage, Path caFile) {
        KeyPair keys = Keys.generate(KeyType.ECDSA_P256);
        String cert = ca.sign(Csr.create(keys, cn, sans), sans, 2, usage);
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        PemFiles.writeCertificate(certFile, cert);
        PemFiles.writeKey(keyFile, Keys.privateKeyPem(keys.getPrivate()));
        return new TlsPaths(caFile, certFile, keyFile);
    }
}
