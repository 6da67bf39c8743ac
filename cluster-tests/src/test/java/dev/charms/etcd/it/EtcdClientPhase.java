package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The etcd-client endpoint (interface etcd_client, docs/client-access.md "Relating a modern client") on a
 * deployment that already runs with authentication on, against the test requirer charm
 * (cluster-tests/src/test/resources/charms/etcd-client-requirer): two applications with their own
 * self-signed certificates and prefixes each read and write their own prefix and are refused the other's
 * (real etcdctl with their certificates); an overlapping prefix asked for later is refused, named in the
 * leader's status, and changes nothing granted; a removed relation's user is gone at once.
 */
final class EtcdClientPhase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ANSWER = Duration.ofMinutes(3);
    private static final String STATE = "/var/lib/etcd-client-requirer/";

    private EtcdClientPhase() {
    }

    static void run(LocalCluster c) throws Exception {
        deployRequirer(c, "client-a", "/a/");
        deployRequirer(c, "client-b", "/b/");
        c.controller().integrate("etcd:etcd-client", "client-a:etcd-client");
        c.controller().integrate("etcd:etcd-client", "client-b:etcd-client");
        c.await("both requirers get their credentials", ANSWER,
                () -> answered(c, "client-a") && answered(c, "client-b"));

        JsonNode a = received(c, "client-a");
        assertEquals("client-a", a.path("user").path("username").asText());
        assertEquals("True", a.path("tls").path("tls").asText());
        assertTrue(a.path("tls").path("tls-ca").asText().contains("BEGIN CERTIFICATE"), a.toString());
        assertTrue(a.path("user").path("uris").asText().matches("https://[0-9.]+:2379(,https://[0-9.]+:2379){2}"), a.toString());
        assertTrue(a.path("bag").path("endpoints").asText().matches("[0-9.]+:2379(,[0-9.]+:2379){2}"), a.toString());
        assertTrue(a.path("bag").path("version").asText().matches("\\d+\\.\\d+\\.\\d+"), a.toString());

        Map<String, String> credsA = credentials(c, "client-a");
        Map<String, String> credsB = credentials(c, "client-b");
        assertEquals(0, c.etcdctlWith(credsA, "put", "/a/k", "from-a").code());
        assertEquals("from-a", c.etcdctlWith(credsA, "get", "/a/k", "--print-value-only").output().strip());
        assertEquals(0, c.etcdctlWith(credsB, "put", "/b/k", "from-b").code());
        denied(c.etcdctlWith(credsA, "get", "/b/k"));
        denied(c.etcdctlWith(credsA, "put", "/b/k", "x"));
        denied(c.etcdctlWith(credsB, "get", "/a/k"));
        denied(c.etcdctlWith(credsB, "put", "/a/k", "x"));
        denied(c.etcdctlWith(credsA, "get", "", "--prefix"));

        // An overlapping prefix is refused: the leader says why, client-b keeps /b/ and nothing else.
        c.controller().config("client-b", Map.of("prefix", "/a/x/"));
        c.await("the leader names the refused prefix", ANSWER, () -> c.unit(c.leaderUnit()).workloadMessage()
                .contains("(client-b): not changed (user 'client-b' keeps prefix '/b/'): prefix '/a/x/' overlaps prefix '/a/' of application 'client-a'"));
        assertEquals("blocked", c.unit(c.leaderUnit()).workload());
        assertEquals("from-b", c.etcdctlWith(credsB, "get", "/b/k", "--print-value-only").output().strip());
        denied(c.etcdctlWith(credsB, "put", "/a/x/k", "x"));

        // The relation removed: its user and role are gone at once, its certificate is refused every key.
        c.controller().removeRelation("etcd:etcd-client", "client-a:etcd-client");
        c.await("client-a's user is removed", ANSWER,
                () -> !c.etcdctlRaw(true, "user", "list").output().lines().toList().contains("client-a"));
        assertTrue(!c.etcdctlRaw(true, "role", "list").output().lines().toList().contains("relation-client-a"));
        LocalCluster.Result after = c.etcdctlWith(credsA, "get", "/a/k");
        assertNotEquals(0, after.code(), after.output());
        assertEquals("from-a", c.get("/a/k"));
    }

    private static void denied(LocalCluster.Result r) {
        assertNotEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("permission denied"), r.output());
    }

    private static void deployRequirer(LocalCluster c, String app, String prefix) throws IOException {
        Path charm = c.work().resolve("etcd-client-requirer");
        if (!Files.exists(charm)) {
            Path src = Path.of("cluster-tests/src/test/resources/charms/etcd-client-requirer");
            Files.createDirectories(charm);
            for (String f : List.of("metadata.yaml", "config.yaml", "dispatch")) {
                Files.copy(src.resolve(f), charm.resolve(f));
            }
            charm.resolve("dispatch").toFile().setExecutable(true, false);
        }
        c.controller().deploy(charm, app, 1, Map.of("prefix", prefix), Map.of());
    }

    private static Path file(LocalCluster c, String app, String name) {
        return c.controller().hostPath(app + "/0", STATE + name);
    }

    private static JsonNode received(LocalCluster c, String app) throws IOException {
        return JSON.readTree(Files.readString(file(c, app, "received.json")));
    }

    private static boolean answered(LocalCluster c, String app) {
        try {
            return Files.exists(file(c, app, "received.json")) && !received(c, app).path("user").path("username").asText().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** What the requirer has, in the form {@link LocalCluster#etcdctlWith} takes. */
    private static Map<String, String> credentials(LocalCluster c, String app) throws IOException {
        JsonNode r = received(c, app);
        String cert = Path.of(r.path("cert").asText()).getFileName().toString();
        String key = Path.of(r.path("key").asText()).getFileName().toString();
        return Map.of("client_ca", r.path("tls").path("tls-ca").asText(),
                "client_cert", Files.readString(file(c, app, cert)),
                "client_key", Files.readString(file(c, app, key)),
                "connection_string", r.path("user").path("uris").asText());
    }
}
