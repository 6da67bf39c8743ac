package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.ActionTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code certificates} relation (tls-certificates, current protocol) on one 3-unit cluster with a db
 * client and a continuous writer, against the test provider charm
 * (cluster-tests/src/test/resources/charms/tls-provider): a bad answer is refused and named in status
 * while the cluster keeps its CA; a good one moves every member to the provider's CA; a CA rotation of
 * the provider is followed; removing the relation moves the cluster back to its own CA; rotate-ca moves
 * it to a new cluster CA. No acknowledged
 * write is lost and the db client keeps working after every move.
 */
class CertificatesIT {
    private static final Duration MOVE = Duration.ofMinutes(3);

    @Test
    void theClusterMovesToTheProvidersCaFollowsItsRotationAndMovesBack() throws Exception {
        try (LocalCluster c = new LocalCluster("certs")) {
            c.deploy(3, Map.of());
            c.deployDbClient();
            c.settle();
            String builtin = issuers(c).get(c.units().get(0));
            assertTrue(builtin.contains("etcd CA"), builtin);
            try (ContinuousWriter writer = new ContinuousWriter(c, "certs/").start()) {
                long phase = System.nanoTime();
                deployProvider(c, "wrong-key");
                c.controller().integrate("etcd:certificates", "tls-provider:certificates");
                c.await("the leader names the refused answer", MOVE, () -> c.unit(c.leaderUnit()).workloadMessage()
                        .matches(".*certificates:\\d+: etcd/\\d: the certificate is not for this unit's key.*"));
                // the other bad answers, each a config switch of the same provider: named, nothing moves
                for (String[] bad : List.of(new String[] {"missing-san", "etcd/\\d: the certificate lacks the SANs "},
                        new String[] {"expired", "etcd/\\d: the certificate expired at "},
                        new String[] {"garbage", "'certificates' is not JSON"})) {
                    c.controller().config("tls-provider", Map.of("answer", bad[0]));
                    c.await("the leader names the refused answer (" + bad[0] + ")", MOVE, () -> c.unit(c.leaderUnit())
                            .workloadMessage().matches(".*certificates:\\d+: " + bad[1] + ".*"));
                }
                c.idle();
                for (String issuer : issuers(c).values()) {
                    assertEquals(builtin, issuer, "a refused answer moved a member");
                }
                phase = phase("bad answers", phase);

                c.controller().config("tls-provider", Map.of("answer", "good", "ca-generation", "2"));
                moveTo(c, "CN=tls-provider test CA 2", List.of("CN=tls-provider test CA 2", builtin));
                dbClientWorks(c, "tls-provider test CA 2", "CN=tls-provider test CA 2");
                phase = phase("move to the provider", phase);
                // generate-client-certificates: requested at the first run, handed out from the provider later
                Map<String, Object> cn = Map.of("common-name", "it-user");
                assertEquals("requested", LocalCluster.result(c.runOk(c.leaderUnit(), "generate-client-certificates", cn), "status"));
                ActionTask[] issued = new ActionTask[1];
                c.await("the provider answered the action's request", MOVE, () -> {
                    issued[0] = c.runOk(c.leaderUnit(), "generate-client-certificates", cn);
                    return "issued".equals(LocalCluster.result(issued[0], "status"));
                });
                assertTrue(LocalCluster.result(issued[0], "issuer").startsWith("tls-provider test CA 2 (the certificates provider"),
                        LocalCluster.result(issued[0], "issuer"));
                LocalCluster.Result put = c.etcdctlWith(c.clientCredentials(issued[0]), "put", "it-user-key", "v");
                assertEquals(0, put.code(), put.output());
                phase = phase("client certificate by action", phase);

                // CA 3's first certificates are nine tenths through their life: each member renews its own
                // (a new CSR, same key) and installs the answer in its restart turn
                java.time.Instant renewedAfter = java.time.Instant.now().minus(Duration.ofMinutes(10));
                c.controller().config("tls-provider", Map.of("ca-generation", "3", "renew-soon", "true"));
                moveTo(c, "CN=tls-provider test CA 3", List.of("CN=tls-provider test CA 3", builtin));
                phase = phase("provider's CA rotation", phase);
                c.await("every member serves a renewed certificate of CA 3", MOVE, () -> c.units().stream()
                        .allMatch(u -> served(c, u).getNotBefore().toInstant().isAfter(renewedAfter)));
                // the provider gave each member's key a certificate nine tenths through its life first
                List<String> nearEnd = Files.readAllLines(c.controller().hostPath("tls-provider/0", "/var/lib/tls-provider/renewed-keys"));
                for (String u : c.units()) {
                    assertTrue(nearEnd.contains(keyId(served(c, u).getPublicKey())), u + " was not renewed, its first certificate was");
                }
                c.idle();
                c.refreshCredentials("etcd");
                for (String u : c.units()) {
                    assertEquals("CN=tls-provider test CA 3", served(c, u).getIssuerX500Principal().getName(), u);
                }
                dbClientWorks(c, "tls-provider test CA 3", "CN=tls-provider test CA 3");
                phase = phase("renewal", phase);

                c.controller().removeRelation("etcd:certificates", "tls-provider:certificates");
                moveTo(c, builtin, List.of(builtin));
                dbClientWorks(c, null, builtin);
                phase = phase("move back", phase);

                List<String> oldSecrets = caSecrets(c);
                assertEquals(1, oldSecrets.size(), oldSecrets.toString());
                String newCa = "CN=" + LocalCluster.result(c.runOk(c.leaderUnit(), "rotate-ca", Map.of()), "new-ca");
                moveTo(c, newCa, List.of(newCa));
                dbClientWorks(c, newCa.substring(3), newCa);
                List<String> newSecrets = caSecrets(c);
                assertEquals(1, newSecrets.size(), "the old cluster CA's secret is removed: " + newSecrets);
                assertTrue(!newSecrets.equals(oldSecrets), newSecrets.toString());
                phase("rotate-ca", phase);
                String log = Files.readString(c.controller().debugLogFile());
                assertTrue(!log.contains("PRIVATE KEY"),
                        "key material in the debug log");

                long v0Start = System.nanoTime();
                originalProtocol(c, newCa);
                System.out.println("CertificatesIT: the easyrsa phase took " + (System.nanoTime() - v0Start) / 1_000_000_000 + " s");
                writer.stop();
                assertEquals(java.util.Set.of(), writer.lost(), "acknowledged writes lost");
                System.out.println("CertificatesIT: " + writer.acknowledged() + " writes acknowledged, " + writer.failed()
                        + " failed: " + writer.failures());
            }
        }
    }

    /**
     * The original protocol, against the easyrsa test provider (relation {@code etcd:certificates
     * easyrsa:client}): a key that is not its certificate's is refused and named; a good answer moves the
     * cluster from {@code builtin} to easyrsa's CA with the keys easyrsa generated. (Its CA change and the
     * removal back, one more move each, are in CertificatesV0ScenarioTest, to keep this test's time.)
     */
    private static void originalProtocol(LocalCluster c, String builtin) throws Exception {
        long start = System.nanoTime();
        deployProvider(c, "easyrsa-provider", "easyrsa", "wrong-key");
        c.controller().integrate("etcd:certificates", "easyrsa:client");
        c.await("the leader names the refused easyrsa answer", MOVE, () -> c.unit(c.leaderUnit()).workloadMessage()
                .matches(".*certificates:\\d+: etcd/\\d: the certificate is not for the key sent with it.*"));
        c.idle();
        for (String issuer : issuers(c).values()) {
            assertEquals(builtin, issuer, "a refused answer moved a member");
        }
        System.out.println("CertificatesIT: easyrsa deployed, bad answer refused after " + (System.nanoTime() - start) / 1_000_000_000 + " s");
        c.controller().config("easyrsa", Map.of("answer", "good"));
        moveTo(c, "CN=easyrsa test CA 1", List.of("CN=easyrsa test CA 1", builtin));
        dbClientWorks(c, "easyrsa test CA 1", builtin);   // under v0 the db certificate stays the cluster CA's
        for (String u : c.units()) {
            String served = Files.readString(c.controller().hostPath(u, "/etc/etcd/pki/server.key"));
            String own = Files.readString(c.controller().hostPath(u, "/etc/etcd/pki/unit.key"));
            assertTrue(!served.equals(own), u + " serves the key easyrsa generated, not its own");
        }
    }

    /**
     * Waits until every member trusts {@code ca} (then the writer takes the new trust, as a client would
     * before the servers switch), every member serves a certificate of {@code ca} (the writer takes one
     * of its certificates), trusts exactly {@code trust}, and the leader says no move is under way.
     */
    private static void moveTo(LocalCluster c, String ca, List<String> trust) throws Exception {
        c.await("every member trusts " + ca, MOVE, () -> c.units().stream().allMatch(u -> trusts(c, u).contains(ca)));
        c.refreshCredentials("etcd");
        // once members serve the new CA, the writer's client certificate is of it too (before an old CA goes)
        c.await("every member serves a certificate of " + ca, MOVE, () -> issuers(c).values().stream().allMatch(ca::equals));
        c.refreshCredentials("etcd");
        c.await("every member serves a certificate of " + ca + " and trusts " + trust, MOVE, () -> {
            for (String u : c.units()) {
                if (!issuers(c).get(u).equals(ca) || !new java.util.HashSet<>(trusts(c, u)).equals(new java.util.HashSet<>(trust))) {
                    return false;
                }
            }
            return !c.unit(c.leaderUnit()).workloadMessage().contains("CA move");
        });
        c.idle();
        for (String u : c.units()) {
            // the charm's own identity (etcd's root user) is the cluster CA's, trusted through every move
            assertEquals("CN=root", c.certificateNames(u, "/etc/etcd/pki/client.crt", false).get(0),
                    u + ": the charm's own client certificate");
        }
        c.refreshCredentials("etcd");
        c.assertMembershipMatchesUnits();
    }

    /** Prints how long the phase since {@code start} took (for the test's time budget); returns now. */
    private static long phase(String name, long start) {
        long now = System.nanoTime();
        System.out.println("CertificatesIT phase: " + name + " " + (now - start) / 1_000_000_000 + " s");
        return now;
    }

    /**
     * The db client got CA {@code caName} (if not null) and a client certificate issued by {@code issuer}
     * (the provider's once members serve its CA), and works with them.
     */
    private static void dbClientWorks(LocalCluster c, String caName, String issuer) throws Exception {
        c.await("the db client got the new CA", MOVE, () -> caName == null
                || c.dbClientData("app.json").getOrDefault("client_ca", "").length() > 0
                && names(c.dbClientData("app.json").get("client_ca")).stream().anyMatch(n -> n.contains(caName)));
        c.await("the db client's certificate is issued by " + issuer, MOVE, () -> {
            String cert = c.dbClientData("app.json").getOrDefault("client_cert", "");
            return !cert.isEmpty() && issuer.equals(((java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                    .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(cert.getBytes(
                            java.nio.charset.StandardCharsets.UTF_8)))).getIssuerX500Principal().getName());
        });
        Map<String, String> db = c.dbClientData("app.json");
        LocalCluster.Result put = c.etcdctlWith(db, "put", "db-key", "db-value");
        assertEquals(0, put.code(), put.output());
    }

    private static List<String> names(String pem) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (var cert : java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
            out.add(((java.security.cert.X509Certificate) cert).getSubjectX500Principal().getName());
        }
        return out;
    }

    /** How the test provider names a key: the SHA-256 (hex) of its public key's PEM, as openssl prints it. */
    private static String keyId(java.security.PublicKey key) throws Exception {
        String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(pem.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The application-owned secrets of etcd in the model: the cluster CA's key. */
    private static List<String> caSecrets(LocalCluster c) {
        return c.controller().model().secrets().stream().filter(s -> "etcd".equals(s.ownerApplication())
                && s.ownerUnit().isEmpty()).map(s -> s.id()).toList();
    }

    /** The certificate {@code unit}'s member serves (the first in its server.crt). */
    private static java.security.cert.X509Certificate served(LocalCluster c, String unit) {
        try (var in = Files.newInputStream(c.controller().hostPath(unit, "/etc/etcd/pki/server.crt"))) {
            return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
        } catch (IOException | java.security.cert.CertificateException e) {
            throw new IllegalStateException("cannot read " + unit + "'s server.crt: " + e.getMessage(), e);
        }
    }

    private static List<String> trusts(LocalCluster c, String unit) {
        try {
            return c.certificateNames(unit, "/etc/etcd/pki/ca.crt", false);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Map<String, String> issuers(LocalCluster c) throws IOException {
        Map<String, String> out = new java.util.HashMap<>();
        for (String u : c.units()) {
            out.put(u, c.certificateNames(u, "/etc/etcd/pki/server.crt", true).get(0));
        }
        return out;
    }

    private static void deployProvider(LocalCluster c, String answer) throws IOException {
        deployProvider(c, "tls-provider", "tls-provider", answer);
    }

    private static void deployProvider(LocalCluster c, String charmDir, String app, String answer) throws IOException {
        Path charm = c.work().resolve(charmDir);
        Path src = Path.of("cluster-tests/src/test/resources/charms/" + charmDir);
        Files.createDirectories(charm);
        for (String f : List.of("metadata.yaml", "config.yaml", "dispatch")) {
            Files.copy(src.resolve(f), charm.resolve(f));
        }
        charm.resolve("dispatch").toFile().setExecutable(true, false);
        c.controller().deploy(charm, app, 1, Map.of("answer", answer), Map.of());
    }
}
