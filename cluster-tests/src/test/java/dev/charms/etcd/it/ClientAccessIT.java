package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.ActionTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Least-privilege client access (docs/client-access.md) through the runner with real etcd, on one 3-unit
 * deployment: etcd's authentication is on and the charm's units talk to it as root; authentication
 * switched on again while a db relation client and a certificate of the action's default CN write keeps
 * both writing (nothing failed, nothing lost); a prefix client reads and writes its prefix only; a
 * read-only client cannot write; a removed db relation's user goes; list-clients shows every user;
 * revoke-client cuts a client off at once;
 * the charm's own name and the db relation's names are refused to the action; two etcd-client
 * applications get their own prefixes only ({@link EtcdClientPhase}).
 */
class ClientAccessIT {
    @Test
    void clientsGetExactlyTheAccessTheyWereGiven() throws Exception {
        try (LocalCluster c = new LocalCluster("access")) {
            c.deploy(3, Map.of());
            c.deployDbClient();
            c.settle();
            c.assertMembershipMatchesUnits();
            String unit = c.units().get(1);
            for (String u : c.units()) {
                String pem = Files.readString(c.controller().hostPath(u, "/etc/etcd/pki/client.crt"));
                assertTrue(subject(c, pem).contains("CN = root") || subject(c, pem).contains("CN=root"), u + ": " + subject(c, pem));
            }

            Map<String, String> db = c.dbClientData("app.json");
            Map<String, String> legacy = c.clientCredentials(c.runOk(unit, "generate-client-certificates", Map.of()));
            stranger(c, unit);
            switchedOnUnderWriters(c, db, legacy);
            prefixAndReadOnly(c, unit);
            listAndRevoke(c, unit);
            refusals(c, unit);
            EtcdClientPhase.run(c);
        }
    }

    /** A certificate of the cluster CA whose CN is no etcd user is refused (authentication is on). */
    private static void stranger(LocalCluster c, String unit) throws Exception {
        Map<String, String> stranger = c.clientCredentials(
                c.runOk(unit, "generate-client-certificates", Map.of("common-name", "stranger")));
        c.runOk(unit, "revoke-client", Map.of("common-name", "stranger"));
        LocalCluster.Result r = c.etcdctlWith(stranger, "get", "x");
        assertNotEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("permission denied"), r.output());
    }

    /**
     * Authentication off (as in a cluster of an earlier charm) with a db client and a default-CN client
     * writing; a second db application related makes the leader bring users up to date and turn
     * authentication on: both writers keep writing, and every acknowledged key is there.
     */
    private static void switchedOnUnderWriters(LocalCluster c, Map<String, String> db, Map<String, String> legacy)
            throws Exception {
        c.etcdctl("auth", "disable");
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        List<Integer> acked = Collections.synchronizedList(new ArrayList<>());
        Thread writer = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                Map<String, String> creds = i % 2 == 0 ? db : legacy;
                try {
                    LocalCluster.Result r = c.etcdctlWith(creds, "put", "w/" + i, String.valueOf(i));
                    if (r.code() == 0) {
                        acked.add(i);
                    } else {
                        failures.add(i + ": " + r.output());
                    }
                } catch (Exception e) {
                    failures.add(i + ": " + e);
                }
            }
        }, "access-writer");
        writer.start();
        try {
            Path charm = c.work().resolve("db-client");
            c.controller().deploy(charm, "db-client2", 1, Map.of(), Map.of());
            c.controller().integrate("etcd:db", "db-client2:db");
            c.settle();
            int seen = acked.size();
            c.await("writes after authentication is on", java.time.Duration.ofSeconds(30), () -> acked.size() > seen + 4);
        } finally {
            stop.set(true);
            writer.join();
        }
        assertEquals(List.of(), failures, "writes failed");
        for (int i : List.copyOf(acked)) {
            assertEquals(String.valueOf(i), c.get("w/" + i), "key w/" + i);
        }
        // authentication is on again: a db client's user exists, the stranger is refused
        LocalCluster.Result users = c.etcdctlRaw(true, "user", "list");
        assertTrue(users.output().contains("etcd-client-db-client2"), users.output());
        assertTrue(users.output().contains("etcd-client-db-client\n") || users.output().endsWith("etcd-client-db-client"),
                users.output());

        // the relation gone, its user and role go too
        c.controller().removeRelation("etcd:db", "db-client2:db");
        c.settle();
        c.await("db-client2's user is removed", java.time.Duration.ofSeconds(60), () ->
                !c.etcdctlRaw(true, "user", "list").output().contains("etcd-client-db-client2"));
        assertTrue(!c.etcdctlRaw(true, "role", "list").output().contains("db-etcd-client-db-client2"));
    }

    private static void prefixAndReadOnly(LocalCluster c, String unit) throws Exception {
        ActionTask app1 = c.runOk(unit, "generate-client-certificates", Map.of("common-name", "app1", "prefix", "/app1/"));
        assertEquals("read-write on keys under '/app1/'", LocalCluster.result(app1, "access"));
        Map<String, String> p = c.clientCredentials(app1);
        assertEquals(0, c.etcdctlWith(p, "put", "/app1/k", "v").code());
        assertEquals("v", c.etcdctlWith(p, "get", "/app1/k", "--print-value-only").output().strip());
        LocalCluster.Result outside = c.etcdctlWith(p, "put", "/app2/k", "v");
        assertNotEquals(0, outside.code(), outside.output());
        assertTrue(outside.output().contains("permission denied"), outside.output());
        LocalCluster.Result readOutside = c.etcdctlWith(p, "get", "w/0");
        assertTrue(readOutside.output().contains("permission denied"), readOutside.output());

        ActionTask reader = c.runOk(unit, "generate-client-certificates",
                Map.of("common-name", "reader1", "prefix", "/app1/", "read-only", true));
        assertEquals("read-only on keys under '/app1/'", LocalCluster.result(reader, "access"));
        Map<String, String> r = c.clientCredentials(reader);
        assertEquals("v", c.etcdctlWith(r, "get", "/app1/k", "--print-value-only").output().strip());
        LocalCluster.Result write = c.etcdctlWith(r, "put", "/app1/k", "w");
        assertTrue(write.code() != 0 && write.output().contains("permission denied"), write.output());
        assertEquals("v", c.get("/app1/k"));
    }

    private static void listAndRevoke(LocalCluster c, String unit) throws Exception {
        ActionTask list = c.runOk(c.units().get(2), "list-clients", Map.of());
        Map<String, String> byUser = new java.util.HashMap<>();
        int count = Integer.parseInt(LocalCluster.result(list, "count"));
        for (int i = 0; i < count; i++) {
            String key = String.format("client-%02d", i);
            byUser.put(LocalCluster.result(list, key + ".user"), LocalCluster.result(list, key + ".source") + " / "
                    + LocalCluster.result(list, key + ".access"));
        }
        assertEquals("the charm's own identity (role root) / root (every operation)", byUser.get("root"));
        assertEquals("the db relation / read-write on every key", byUser.get("etcd-client-db-client"));
        assertEquals("generate-client-certificates / read-write on every key", byUser.get("etcd-client"));
        assertEquals("generate-client-certificates / read-write on keys under '/app1/'", byUser.get("app1"));
        assertEquals("generate-client-certificates / read-only on keys under '/app1/'", byUser.get("reader1"));

        Map<String, String> app1 = c.clientCredentials(c.runOk(unit, "generate-client-certificates",
                Map.of("common-name", "app1", "prefix", "/app1/")));
        assertEquals(0, c.etcdctlWith(app1, "get", "/app1/k").code());
        ActionTask revoked = c.runOk(c.units().get(0), "revoke-client", Map.of("common-name", "app1"));
        assertEquals("read-write on keys under '/app1/'", LocalCluster.result(revoked, "revoked"));
        LocalCluster.Result after = c.etcdctlWith(app1, "get", "/app1/k");
        assertTrue(after.code() != 0 && after.output().contains("permission denied"), after.output());
    }

    private static void refusals(LocalCluster c, String unit) throws Exception {
        ActionTask root = c.run(unit, "generate-client-certificates", Map.of("common-name", "root"));
        assertEquals("failed", root.state().word());
        assertEquals("common-name 'root' is etcd's root user, which only the charm holds", root.message());
        ActionTask dbName = c.run(unit, "generate-client-certificates", Map.of("common-name", "etcd-client-x"));
        assertEquals("failed", dbName.state().word());
        ActionTask changed = c.run(unit, "generate-client-certificates", Map.of("common-name", "reader1"));
        assertEquals("failed", changed.state().word());
        assertTrue(changed.message().startsWith("common-name 'reader1' already has read-only on keys under '/app1/'"),
                changed.message());
        ActionTask badPrefix = c.run(unit, "generate-client-certificates", Map.of("common-name", "x", "prefix", "a b"));
        assertEquals("failed", badPrefix.state().word());
        ActionTask revokeDb = c.run(unit, "revoke-client", Map.of("common-name", "etcd-client-db-client"));
        assertEquals("failed", revokeDb.state().word());
        assertEquals(0, c.etcdctlWith(c.dbClientData("app.json"), "get", "w/0").code());
    }

    private static String subject(LocalCluster c, String pem) throws Exception {
        Path f = Files.createTempFile(c.work(), "cert", ".pem");
        Files.writeString(f, pem);
        return LocalCluster.run(List.of("openssl", "x509", "-noout", "-subject", "-in", f.toString())).output();
    }
}
