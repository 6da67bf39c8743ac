package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.ops.Config;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EtcdSettingsTest {
    static Map<String, Object> defaults() {
        return EtcdSettings.defaultConfig();
    }

    private static EtcdSettings.Parsed parse(Object... kv) {
        Map<String, Object> m = defaults();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return EtcdSettings.parse(new Config(m));
    }

    private static String problem(Object... kv) {
        EtcdSettings.Parsed p = parse(kv);
        assertFalse(p.valid(), "expected a problem for " + List.of(kv));
        return p.problems().get(0);
    }

    @Test
    void defaultsAreValid() {
        EtcdSettings s = parse().settings();
        assertEquals(2379, s.clientPort());
        assertEquals(2380, s.peerPort());
        assertEquals(EtcdSettings.AUTO_SNAPSHOT_COUNT, s.snapshotCount());
        assertEquals(dev.charms.etcd.workload.CipherSuites.SECURE_DEFAULT, s.cipherSuites());
        assertTrue(s.extraSans().isEmpty());
    }

    @Test
    void portsAreCheckedAndMustDiffer() {
        assertEquals("port must be between 1024 and 65535, got 80", problem("port", 80L));
        assertEquals("port and management_port must differ (both are 2379)", problem("management_port", 2379L));
    }

    @Test
    void metricsPortIsOnByDefaultOffAtZeroAndApartFromTheOtherPorts() {
        assertEquals(2381, parse().settings().metricsPort());
        assertTrue(parse().settings().metricsEnabled());
        assertFalse(parse("metrics-port", 0L).settings().metricsEnabled());
        assertEquals(9100, parse("metrics-port", 9100L).settings().metricsPort());
        assertEquals("metrics-port must be 0 (off) or between 1024 and 65535, got 80", problem("metrics-port", 80L));
        assertEquals("metrics-port must be 0 (off) or between 1024 and 65535, got 70000", problem("metrics-port", 70000L));
        assertEquals("metrics-port must differ from port and management_port (all three are TCP ports of etcd), got 2380",
                problem("metrics-port", 2380L));
        assertEquals("metrics-port must be a whole number", problem("metrics-port", "lots"));
    }

    @Test
    void electionTimeoutMustBeFiveHeartbeats() {
        assertEquals("election_timeout must be at least 5 times heartbeat_interval (1000 ms), got 900",
                problem("heartbeat_interval", 200L, "election_timeout", 900L));
        assertEquals("heartbeat_interval must be between 10 and 5000, got 5", problem("heartbeat_interval", 5L));
    }

    @Test
    void snapshotCount() {
        assertEquals(20000, parse("snapshot_count", "20000").settings().snapshotCount());
        assertTrue(problem("snapshot_count", "lots").startsWith("snapshot_count must be auto or a whole number"));
        assertTrue(problem("snapshot_count", "10").contains("got '10'"));
    }

    @Test
    void cipherSuitesAllowOnlySecureNames() {
        assertEquals(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
                parse("tls_cipher_suites", " tls_ecdhe_ecdsa_with_aes_128_gcm_sha256 ,").settings().cipherSuites());
        assertTrue(problem("tls_cipher_suites", "TLS_RSA_WITH_RC4_128_SHA").startsWith(
                "tls_cipher_suites: 'TLS_RSA_WITH_RC4_128_SHA' is not an allowed suite"));
        assertEquals("tls_cipher_suites names no cipher suite", problem("tls_cipher_suites", " , "));
    }

    @Test
    void quotaRange() {
        assertEquals(104857600L, parse("quota-backend-bytes", 104857600L).settings().quotaBackendBytes());
        assertTrue(problem("quota-backend-bytes", 1024L).startsWith("quota-backend-bytes must be 0 or between"));
    }

    @Test
    void compactionModeAndRetention() {
        assertEquals("auto-compaction-mode must be periodic or revision, got 'daily'", problem("auto-compaction-mode", "daily"));
        assertEquals("30m", parse("auto-compaction-retention", "30m").settings().autoCompactionRetention());
        assertTrue(problem("backup-retention-days", -1L).contains("backup-retention-days"), problem("backup-retention-days", -1L));
        assertTrue(problem("backup-retention-days", 3651L).contains("3650"), problem("backup-retention-days", 3651L));
        assertEquals("0", parse("auto-compaction-retention", "0").settings().autoCompactionRetention());
        assertTrue(problem("auto-compaction-retention", "soon").contains("with mode periodic, got 'soon'"));
        assertEquals("1000", parse("auto-compaction-mode", "revision", "auto-compaction-retention", "1000")
                .settings().autoCompactionRetention());
        assertTrue(problem("auto-compaction-mode", "revision", "auto-compaction-retention", "1h")
                .contains("whole number of revisions"));
    }

    @Test
    void extraSans() {
        assertEquals(Set.of("10.0.0.9", "etcd.example.com"),
                parse("certificate-extra-sans", "10.0.0.9, ETCD.example.com").settings().extraSans());
        assertEquals("certificate-extra-sans: '*.example.com' is neither an IP address nor a DNS name (wildcards are not allowed)",
                problem("certificate-extra-sans", "*.example.com"));
    }

    @Test
    void wrongTypesAreReportedNotThrown() {
        assertEquals("port must be a whole number", problem("port", "2379"));
        assertEquals("bind_to_all_interfaces must be true or false", problem("bind_to_all_interfaces", "yes"));
    }

    @Test
    void summaryCountsTheRest() {
        EtcdSettings.Parsed p = parse("port", 1L, "heartbeat_interval", 1L);
        assertEquals("invalid config: port must be between 1024 and 65535, got 1 (and 1 more)",
                EtcdSettings.summary(p.problems()));
    }

    @Test
    void ipLiterals() {
        assertTrue(EtcdSettings.isIpLiteral("127.0.0.1"));
        assertTrue(EtcdSettings.isIpLiteral("fe80::1"));
        assertFalse(EtcdSettings.isIpLiteral("300.1.1.1"));
        assertFalse(EtcdSettings.isIpLiteral("etcd-0"));
    }
}
