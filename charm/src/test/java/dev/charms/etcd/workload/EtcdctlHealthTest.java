package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EtcdctlHealthTest {
    @Test
    void parsesEtcdctlJsonPerEndpoint() {
        Map<String, Health> h = EtcdctlHealth.parse("[{\"endpoint\":\"https://10.0.0.1:2379\",\"health\":true,\"took\":\"2ms\"},"
                + "{\"endpoint\":\"https://10.0.0.2:2379\",\"health\":false,\"took\":\"2s\",\"error\":\"context deadline exceeded\"}]");
        assertTrue(h.get("https://10.0.0.1:2379").healthy());
        assertFalse(h.get("https://10.0.0.2:2379").healthy());
        assertEquals("context deadline exceeded", h.get("https://10.0.0.2:2379").reason());
        assertTrue(EtcdctlHealth.parse("Error: unhealthy cluster").isEmpty());
        assertTrue(EtcdctlHealth.parse("").isEmpty());
    }

    @Test
    void aFailedMemberThatAcceptsConnectionsIsUnhealthyOtherwiseUnreachable() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            URI up = URI.create("https://127.0.0.1:" + listening.getLocalPort());
            Health answered = EtcdctlHealth.classify(new Health(up, false, "context deadline exceeded", Duration.ZERO));
            assertEquals("unhealthy: context deadline exceeded", answered.reason());
        }
        int closed = ChildProcess.freePort();
        URI down = URI.create("https://127.0.0.1:" + closed);
        Health refused = EtcdctlHealth.classify(new Health(down, false, "context deadline exceeded", Duration.ZERO));
        assertEquals("unreachable: context deadline exceeded", refused.reason());
        assertFalse(refused.healthy());
    }
}
