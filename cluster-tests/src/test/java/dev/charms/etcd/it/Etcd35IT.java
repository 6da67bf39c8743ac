package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.runner.model.ActionTask;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A cluster on real etcd 3.5.30, given as the {@code etcd} resource at deploy: three units form it, a
 * fourth joins (as a learner, then promoted) and one leaves; every member runs 3.5.30 and the cluster
 * version is 3.5; the {@code health} action and a consumer on the {@code db} relation see it.
 */
class Etcd35IT {
    private static final String VERSION = "3.5.30";

    @Test
    void aClusterOnEtcd35FormsGrowsShrinksAndServesItsConsumers() throws Exception {
        Path release = LocalCluster.etcdRelease(VERSION);
        try (LocalCluster c = new LocalCluster("etcd35")) {
            c.controller().deploy(LocalCluster.CHARM, "etcd", 3, Map.of(), Map.of("etcd", release));
            c.settle();
            c.assertMembershipMatchesUnits();
            c.assertEveryMemberRuns(VERSION);
            c.put("on-35", "yes");

            c.controller().addUnit("etcd", 1);
            c.settle();
            c.assertMembershipMatchesUnits();
            c.assertEveryMemberRuns(VERSION);
            String leaving = c.units().stream().filter(u -> !u.equals(c.leaderUnit())).findFirst().orElseThrow();
            c.controller().removeUnit(leaving);
            c.settle();
            c.awaitMembershipMatchesUnits(LocalCluster.SETTLE);
            assertEquals(3, c.units().size());
            assertEquals("yes", c.get("on-35"));

            String unit = c.units().get(0);
            ActionTask health = c.runOk(unit, "health", Map.of());
            assertEquals("healthy", LocalCluster.result(health, "cluster.status"), String.valueOf(health.results()));
            for (String u : c.units()) {
                assertEquals(VERSION, LocalCluster.result(health, "members." + u.replace('/', '-') + ".version"), u);
            }
            assertEquals("3.5.0", c.clusterVersion(unit));

            c.deployDbClient();
            c.settle();
            Map<String, String> db = c.dbClientData("app.json");
            assertEquals(VERSION, db.get("version"));
            assertEquals(3, db.get("connection_string").split(",").length, db.get("connection_string"));
            LocalCluster.Result read = c.etcdctlWith(db, "get", "on-35", "--print-value-only");
            assertEquals(0, read.code(), read.output());
            assertEquals("yes", read.output().strip());
        }
    }
}
