package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthProbeIT {
    @Test
    void healthyThenUnreachableWhenKilled(@TempDir Path dir) throws Exception {
        TlsMaterial tls = TestPki.create(dir.resolve("pki"));
        try (LocalMember m = new LocalMember(dir, "m0", tls)) {
            m.start(m.config(m.selfCluster(), InitialClusterState.NEW).build());
            HealthProbe probe = new HealthProbe(TlsPaths.client(m.paths));
            m.awaitHealthy(probe, Duration.ofSeconds(20));

            HealthProbe fresh = new HealthProbe(TlsPaths.client(m.paths));
            long t0 = System.nanoTime();
            Health first = fresh.check(m.clientUrl);
            long firstMs = (System.nanoTime() - t0) / 1_000_000;
            t0 = System.nanoTime();
            Health second = fresh.check(m.clientUrl);
            long secondMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("TIMING HealthProbe first call (TLS context + handshake) %d ms, second %d ms%n", firstMs, secondMs);
            assertTrue(first.healthy(), first.toString());
            assertTrue(second.healthy(), second.toString());
            assertEquals("", first.reason());

            ServerVersion v = fresh.version(m.clientUrl);
            assertEquals("3.4.23", v.server());
            assertEquals("3.4.0", v.cluster());

            m.kill();
            Health dead = fresh.check(m.clientUrl);
            assertFalse(dead.healthy());
            assertTrue(dead.reason().startsWith("unreachable: ConnectException"), dead.reason());
            assertThrows(IOException.class, () -> fresh.version(m.clientUrl));
        }
    }

    @Test
    void refusesAServerWithoutTheClientCertificateChain(@TempDir Path dir) throws Exception {
        TlsMaterial tls = TestPki.create(dir.resolve("pki"));
        TlsMaterial other = TestPki.create(dir.resolve("other-pki"));
        try (LocalMember m = new LocalMember(dir, "m0", tls)) {
            m.start(m.config(m.selfCluster(), InitialClusterState.NEW).build());
            m.awaitHealthy(new HealthProbe(TlsPaths.client(m.paths)), Duration.ofSeconds(20));
            EtcdPaths foreign = EtcdPaths.under(dir.resolve("foreign"));
            new EtcdFiles(foreign, new EtcdTemplates(LocalMember.CHARM_DIR)).writeTls(other);
            Health h = new HealthProbe(TlsPaths.client(foreign)).check(m.clientUrl);
            assertFalse(h.healthy());
            assertTrue(h.reason().startsWith("unreachable: SSL"), h.reason());
        }
    }
}
