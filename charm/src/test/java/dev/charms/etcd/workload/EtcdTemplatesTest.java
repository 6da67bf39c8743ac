package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdTemplatesTest {
    private static final EtcdTemplates TEMPLATES = new EtcdTemplates(Path.of("").toAbsolutePath());
    private static final EtcdPaths PATHS = EtcdPaths.system();
    private static final EtcdVersion V35 = new EtcdVersion(3, 5, 30);

    static EtcdConfig.Builder threeMembers() {
        return EtcdConfig.builder()
                .name("etcd-1")
                .dataDir(PATHS.dataDir())
                .listenClientUrls(List.of(URI.create("https://0.0.0.0:2379")))
                .advertiseClientUrls(List.of(URI.create("https://10.0.0.2:2379")))
                .listenPeerUrls(List.of(URI.create("https://0.0.0.0:2380")))
                .initialAdvertisePeerUrls(List.of(URI.create("https://10.0.0.2:2380")))
                .initialCluster("etcd-0=https://10.0.0.1:2380,etcd-1=https://10.0.0.2:2380,etcd-2=https://10.0.0.3:2380")
                .initialClusterState(InitialClusterState.EXISTING)
                .initialClusterToken("etcd-cluster-4f2a")
                .heartbeatIntervalMs(150)
                .electionTimeoutMs(1500)
                .snapshotCount(50_000)
                .quotaBackendBytes(4L * 1024 * 1024 * 1024)
                .autoCompaction(CompactionMode.PERIODIC, "1h")
                .tls(TlsPaths.server(PATHS))
                .cipherSuites(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
                .listenMetricsUrls(List.of(URI.create("http://10.0.0.2:2381"), URI.create("http://127.0.0.1:2381")));
    }

    @Test
    void rendersGoldenThreeMemberConfig() throws IOException {
        String golden = Files.readString(Path.of("charm/src/test/resources/golden/etcd.conf.3member.yml"));
        assertEquals(golden, TEMPLATES.config(threeMembers().build(), V35));
    }

    @Test
    void omitsQuotaAndCipherSuitesWhenUnset() {
        String text = TEMPLATES.config(threeMembers().quotaBackendBytes(0).cipherSuites(List.of())
                .listenMetricsUrls(List.of()).build(), V35);
        assertFalse(text.contains("quota-backend-bytes"), text);
        assertFalse(text.contains("listen-metrics-urls"), text);
        assertFalse(text.contains("cipher-suites"), text);
        assertFalse(text.contains("enable-v2"), text);
        assertTrue(text.contains("\nlogger: zap\n"), text);
    }

    @Test
    void rendersUnitAndProfile() {
        String unit = TEMPLATES.unit(Path.of("/opt/etcd/bin/etcd"), PATHS.configFile(), "etcd");
        assertTrue(unit.contains("\nExecStart=/opt/etcd/bin/etcd --config-file /etc/etcd/etcd.conf.yml\n"), unit);
        for (String line : List.of("Type=notify", "User=etcd", "Restart=on-failure", "RestartSec=5s", "LimitNOFILE=65536")) {
            assertTrue(unit.contains("\n" + line + "\n"), line);
        }
        assertThrows(IllegalArgumentException.class, () -> TEMPLATES.unit(Path.of("/opt/my etcd"), PATHS.configFile(), "etcd"));
        String profile = TEMPLATES.profile(List.of(URI.create("https://10.0.0.2:2379")), TlsPaths.client(PATHS));
        assertTrue(profile.contains("export ETCDCTL_API=3\n"), profile);
        assertTrue(profile.contains("export ETCDCTL_ENDPOINTS='https://10.0.0.2:2379'\n"), profile);
        assertTrue(profile.contains("export ETCDCTL_KEY='/etc/etcd/pki/client.key'\n"), profile);
    }

    @Test
    void configRefusesWhatEtcdWouldRefuse() {
        IllegalArgumentException missingSelf = assertThrows(IllegalArgumentException.class,
                () -> threeMembers().initialCluster("etcd-0=https://10.0.0.1:2380").build());
        assertTrue(missingSelf.getMessage().contains("must list member 'etcd-1'"), missingSelf.getMessage());
        assertThrows(IllegalArgumentException.class, () -> threeMembers().electionTimeoutMs(400).build());
        assertThrows(IllegalArgumentException.class,
                () -> threeMembers().listenClientUrls(List.of(URI.create("http://0.0.0.0:2379"))).build());
        assertThrows(IllegalArgumentException.class, () -> threeMembers().name("etcd/1").build());
        assertThrows(IllegalArgumentException.class, () -> threeMembers().autoCompaction(CompactionMode.REVISION, "1h").build());
        assertThrows(IllegalArgumentException.class, () -> threeMembers().cipherSuites(List.of("TLS_RSA_WITH_RC4_128_SHA")).build());
        IllegalArgumentException httpsMetrics = assertThrows(IllegalArgumentException.class,
                () -> threeMembers().listenMetricsUrls(List.of(URI.create("https://10.0.0.2:2381"))).build());
        assertEquals("listen-metrics-urls entry 'https://10.0.0.2:2381' must be http://host:port", httpsMetrics.getMessage());
    }

    @Test
    void writesOnlyWhenChangedWithModeAndGroup(@TempDir Path root) throws IOException {
        EtcdPaths paths = EtcdPaths.under(root);
        EtcdFiles files = new EtcdFiles(paths, TEMPLATES);
        EtcdConfig config = threeMembers().dataDir(paths.dataDir()).tls(TlsPaths.server(paths)).build();
        assertTrue(files.writeConfig(config, V35));
        assertFalse(files.writeConfig(config, V35));
        PosixFileAttributes attrs = Files.readAttributes(paths.configFile(), PosixFileAttributes.class);
        assertEquals("rw-r-----", PosixFilePermissions.toString(attrs.permissions()));
        assertEquals(EtcdPaths.SERVICE_USER, attrs.group().getName());
        assertTrue(files.writeConfig(threeMembers().dataDir(paths.dataDir()).tls(TlsPaths.server(paths)).snapshotCount(1000).build(), V35));
        assertTrue(Files.readString(paths.configFile(), StandardCharsets.UTF_8).contains("snapshot-count: 1000\n"));
        try (var list = Files.list(paths.configDir())) {
            assertEquals(List.of(paths.configFile()), list.toList(), "no temp files left behind");
        }
        EtcdInstallation inst = new EtcdInstallation(Path.of("/usr/bin/etcd"), Path.of("/usr/bin/etcdctl"),
                Optional.empty(), new EtcdVersion(3, 4, 23), EtcdInstallation.Source.PACKAGE);
        assertTrue(files.writeUnit(inst));
        assertFalse(files.writeUnit(inst));
        assertEquals(paths.dataDir(), files.ensureDataDir());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.dataDir())));
    }

    @Test
    void joinerInitialClusterNamesEveryMember() {
        Member a = new Member(0xa, "etcd-0", List.of(URI.create("https://10.0.0.1:2380")), List.of(), false);
        Member ghost = new Member(0xb, "", List.of(URI.create("https://10.0.0.9:2380")), List.of(), false);
        Member added = new Member(0xc, "", List.of(URI.create("https://10.0.0.2:2380")), List.of(), true);
        AddLearnerResult r = new AddLearnerResult(added, List.of(a, ghost, added));
        assertEquals("etcd-0=https://10.0.0.1:2380,unstarted-b=https://10.0.0.9:2380,etcd-1=https://10.0.0.2:2380",
                r.initialCluster("etcd-1"));
    }
}
