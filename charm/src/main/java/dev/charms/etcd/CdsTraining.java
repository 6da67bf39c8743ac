package dev.charms.etcd;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.Usage;
import dev.charms.etcd.workload.EtcdAdmin;
import dev.charms.etcd.workload.EtcdTemplates;
import dev.charms.etcd.workload.EtcdVersion;
import dev.charms.etcd.workload.TlsPaths;
import dev.charms.ops.Config;
import dev.charms.ops.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A side-effect-free run of what hooks and actions load -- settings, roster, templates, the PKI with
 * BouncyCastle, and jetcd's gRPC/Netty/TLS stack (a client dialling a closed local port) -- so that
 * {@code dispatch} records those classes in the unit's class-data-sharing archive. It writes only into
 * a temporary directory that it removes, and connects only to a TLS listener of its own on 127.0.0.1.
 */
final class CdsTraining {
    private CdsTraining() {
    }

    /**
     * jetcd's call through a whole mutual-TLS handshake (what costs a leader hook most when its classes
     * are not archived): a listener of this process on a loopback port completes the handshake (ALPN h2),
     * reads the client's HTTP/2 preface and hangs up, so the call fails after the handshake.
     */
    static void tlsExchange(TlsPaths tls) throws IOException {
        javax.net.ssl.SSLContext ctx = dev.charms.etcd.workload.TlsContexts.sslContext(tls);
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
            javax.net.ssl.SSLParameters params = server.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            params.setNeedClientAuth(true);
            server.setSSLParameters(params);
            server.setSoTimeout(5000);
            Thread peer = new Thread(() -> {
                try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) server.accept()) {
                    socket.setSoTimeout(2000);
                    socket.startHandshake();
                    socket.getInputStream().read(new byte[512]);
                } catch (IOException ignored) {
                    // the client gave up first: its classes are loaded either way
                }
            }, "cds-training-tls");
            peer.setDaemon(true);
            peer.start();
            try (EtcdCluster admin = new EtcdAdmin(List.of(URI.create("https://127.0.0.1:" + server.getLocalPort())), tls,
                    Duration.ofMillis(1500))) {
                admin.memberList();
            } catch (RuntimeException expected) {
                // the listener hangs up after the handshake: the point was loading the client stack
            }
        }
    }

    /**
     * Loads, without initializing them, every class of the framework and the charm in the jar this class
     * came from, so that the archive holds all of them: the paths above reach only some, and a hook that
     * meets a class outside the archive reads, parses and verifies it from the jar (a no-op hook loaded
     * its framework's 50 classes that way). The JVM links the loaded classes when it writes the archive;
     * one that fails verification (code for an optional library that is not on the class path, such as
     * the S3 client's) is left out of it, which costs nothing at run time.
     */
    static int loadCharmClasses() throws IOException {
        java.security.CodeSource source = CdsTraining.class.getProtectionDomain().getCodeSource();
        if (source == null || !source.getLocation().getPath().endsWith(".jar")) {
            return 0;   // run from a class directory (tests): nothing to archive
        }
        return loadClasses(Path.of(URI.create(source.getLocation().toString())), CdsTraining.class.getClassLoader());
    }

    /**
     * Loads through {@code loader}, without initializing them, the classes under {@code dev/charms/} that
     * {@code jar} lists; returns how many loaded. A listed class the loader cannot load or link is skipped.
     */
    static int loadClasses(Path jar, ClassLoader loader) throws IOException {
        int loaded = 0;
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            for (String entry : file.stream().map(java.util.jar.JarEntry::getName).toList()) {
                if (entry.startsWith("dev/charms/") && entry.endsWith(".class") && !entry.endsWith("module-info.class")) {
                    try {
                        Class.forName(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'), false, loader);
                        loaded++;
                    } catch (ClassNotFoundException | LinkageError e) {
                        // a class whose optional library is absent: it stays out of the archive
                    }
                }
            }
        }
        return loaded;
    }

    static int run() {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("etcd-charm-cds-");
            EtcdSettings settings = EtcdSettings.parse(new Config(EtcdSettings.defaultConfig())).settings();
            Roster roster = Roster.parse(Roster.empty().with("etcd/0", new Roster.Entry("1", "etcd-0",
                    "https://127.0.0.1:2380", dev.charms.etcd.state.MemberRole.VOTER, "etcd-0=https://127.0.0.1:2380",
                    dev.charms.etcd.workload.InitialClusterState.NEW)).toJson());
            Json.parse(Json.write(List.of(Fingerprint.of("warm"), 1L, true)));

            CertificateAuthority ca = CertificateAuthority.create("cds training", 1, KeyType.DEFAULT);
            KeyPair keys = Keys.generate(KeyType.DEFAULT);
            String csr = Csr.create(keys, "etcd-0", Set.of("127.0.0.1", "localhost"));
            String cert = ca.sign(Csr.parse(csr), Csr.parse(csr).sans(), 1, Usage.SERVER_AND_CLIENT);
            CertificateInfo.parse(cert).isSignedBy(ca.certificatePem());
            Keys.toKeyPair(Keys.readPrivateKey(Keys.privateKeyPem(keys.getPrivate())));
            Files.writeString(tmp.resolve("ca.crt"), ca.certificatePem());
            Files.writeString(tmp.resolve("c.crt"), cert);
            Files.writeString(tmp.resolve("c.key"), Keys.privateKeyPem(keys.getPrivate()));

            String charmDir = System.getenv("JUJU_CHARM_DIR");
            if (charmDir != null && Files.isDirectory(Path.of(charmDir, "templates"))) {
                Node node = new Node("etcd/0", "etcd-0", "127.0.0.1", "127.0.0.1", List.of("127.0.0.1"), "localhost", settings, settings::clientPort);
                new EtcdTemplates(Path.of(charmDir)).config(node.config(roster.get("etcd/0"), "cds-training", tmp.resolve("data"),
                        new TlsPaths(tmp.resolve("ca.crt"), tmp.resolve("c.crt"), tmp.resolve("c.key"))),
                        EtcdVersion.NEWEST_RENDERED);
            }
            tlsExchange(new TlsPaths(tmp.resolve("ca.crt"), tmp.resolve("c.crt"), tmp.resolve("c.key")));
            loadCharmClasses();
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("ERROR cds training: " + e.getMessage());
            return 1;
        } finally {
            if (tmp != null) {
                try (var walk = Files.walk(tmp)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temp dir left behind is harmless
                }
            }
        }
    }
}
