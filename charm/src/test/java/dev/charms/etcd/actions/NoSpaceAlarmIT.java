package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.workload.CommandRunner;
import dev.charms.etcd.workload.EtcdAdminException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A real NOSPACE alarm: one member with a 1 MiB backend quota (etcd 3.4 has no lower bound) is
 * filled until etcd refuses writes; then the alarm and health actions report it, and the documented
 * recovery (delete, compact, defrag, alarm-disarm) clears it.
 */
class NoSpaceAlarmIT {
    private static final CommandRunner RUN = new CommandRunner();

    @Test
    void noSpaceAlarmIsReportedAndCleared() throws Exception {
        Path dir = Files.createTempDirectory("nospace-it-");
        try {
            fillRecoverAndCheck(dir);
        } finally {
            ActionsClusterIT.deleteTree(dir);
        }
    }

    private static void fillRecoverAndCheck(Path dir) throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        try (EtcdProcess etcd = new EtcdProcess(dir, "etcd-a", pki)
                .withFlags("--quota-backend-bytes", String.valueOf(1 << 20))) {
            etcd.start(etcd.selfCluster(), "new", "nospace-it");
            etcd.awaitLeader(Duration.ofSeconds(20));
            try (EtcdCluster admin = etcd.admin()) {
                String value = "x".repeat(64 * 1024);
                String refused = null;
                for (int i = 0; i < 200 && refused == null; i++) {
                    try {
                        admin.put("fill/" + i, value);
                    } catch (EtcdAdminException e) {
                        refused = e.getMessage();
                    }
                }
                assertTrue(refused != null && refused.contains("database space exceeded"), String.valueOf(refused));

                Map<String, Object> list = Samples.record("alarm-list", new Alarms(admin).list());
                assertEquals(1, list.get("count"));
                assertEquals("NOSPACE on etcd-a", list.get("active"));
                assertEquals(Map.of("etcd-a", "NOSPACE"), list.get("members"));
                ClusterHealth.Report health = new ClusterHealth(admin, MemberEndpoints.advertised()).check();
                Samples.record("health-nospace", health.toResults());
                assertEquals(ClusterHealth.DEGRADED, health.status());
                assertEquals("alarm NOSPACE on etcd-a", health.message());

                RUN.check(List.of("etcdctl", "--endpoints", etcd.clientUrl.toString(), "--cacert", pki.client.caFile().toString(),
                        "--cert", pki.client.certFile().toString(), "--key", pki.client.keyFile().toString(),
                        "del", "--prefix", "fill/"),
                        Map.of("ETCDCTL_API", "3"), Duration.ofSeconds(30));
                new Compaction(admin).compact(OptionalLong.empty(), true);
                Map<String, Object> defrag = new Defragmentation(admin, MemberEndpoints.advertised()).defrag("", "etcd-a");
                @SuppressWarnings("unchecked")
                Map<String, Object> sizes = (Map<String, Object>) ((Map<String, Object>) defrag.get("members")).get("etcd-a");
                assertTrue((Long) sizes.get("after-bytes") < (Long) sizes.get("before-bytes"), sizes.toString());
                Map<String, Object> disarm = Samples.record("alarm-disarm", new Alarms(admin).disarm());
                assertEquals("NOSPACE on etcd-a", disarm.get("disarmed"));
                assertEquals("none", disarm.get("remaining"));
                admin.put("after-recovery", "ok");
                assertEquals(ClusterHealth.HEALTHY, new ClusterHealth(admin, MemberEndpoints.advertised()).check().status());
            }
        }
    }
}
