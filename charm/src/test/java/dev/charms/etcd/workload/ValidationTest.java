package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {
    @Test
    void acceptsSecureSuitesInOrderWithoutDuplicates() {
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
                CipherSuites.parse(" TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 ,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"
                        + "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        assertEquals(List.of(), CipherSuites.parse("  "));
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"),
                CipherSuites.parse("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_RSA_WITH_RC4_128_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"})
    void rejectsInsecureSuitesNamingThem(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CipherSuites.parse("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256," + bad));
        assertTrue(e.getMessage().contains("'" + bad + "' is insecure"), e.getMessage());
    }

    @Test
    void rejectsUnknownAndEmptyEntries() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CipherSuites.parse("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,ECDHE-RSA-AES128-GCM-SHA256"));
        assertTrue(e.getMessage().contains("'ECDHE-RSA-AES128-GCM-SHA256' is not a cipher suite etcd knows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CipherSuites.parse("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,,"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "24", "30m", "1h", "1h30m", "90s", "1.5h"})
    void periodicRetentionAcceptsDurationsAndHours(String ok) {
        assertEquals(ok, CompactionMode.PERIODIC.checkRetention(" " + ok + " "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "1d", "h", "1 h", "abc", "1h-5m"})
    void periodicRetentionRejectsGarbage(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompactionMode.PERIODIC.checkRetention(bad));
        assertTrue(e.getMessage().startsWith("auto-compaction-retention '" + bad.strip() + "' is invalid for mode periodic"),
                e.getMessage());
    }

    @Test
    void revisionRetentionIsAWholeNumber() {
        assertEquals("1000", CompactionMode.REVISION.checkRetention("1000"));
        assertThrows(IllegalArgumentException.class, () -> CompactionMode.REVISION.checkRetention("1h"));
        assertThrows(IllegalArgumentException.class, () -> CompactionMode.REVISION.checkRetention("-5"));
        assertEquals(CompactionMode.REVISION, CompactionMode.parse("revision"));
        assertThrows(IllegalArgumentException.class, () -> CompactionMode.parse("Periodic"));
    }

    @Test
    void versionsParse() {
        assertEquals(new EtcdVersion(3, 4, 23), EtcdVersion.fromBanner("etcd Version: 3.4.23\nGit SHA: Not provided\n"));
        assertEquals(new EtcdVersion(3, 6, 0), EtcdVersion.parse("v3.6.0-rc.1"));
        assertTrue(EtcdVersion.parse("3.5.0").hasEtcdutl());
        assertTrue(!EtcdVersion.parse("3.4.99").hasEtcdutl());
        assertThrows(IllegalArgumentException.class, () -> EtcdVersion.fromBanner("bash: etcd: not found"));
    }
}
