package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.ops.testing.Context;
import dev.charms.ops.testing.JujuEvent;
import dev.charms.ops.testing.Output;
import dev.charms.ops.testing.PeerRelation;
import dev.charms.ops.testing.State;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where this unit's member is reached while a {@code port} change waits for its rolling-restart turn:
 * on the port it was last started on, while the rendered configuration already carries the new one.
 */
class NodeTest {
    private final List<String> seen = new ArrayList<>();
    private final Context ctx = Context.fromCharmDir(EtcdCharm.SPEC, fw -> {
        Node node = Node.of(fw.model(), EtcdSettings.parse(fw.model().config()).settings(), fw.stored());
        seen.clear();
        seen.add(node.clientUrl().getPort() + " " + node.localClientUrl());
        seen.add(node.configuredClientUrl().getPort() + " " + node.configuredLocalClientUrl());
        seen.add(String.valueOf(Node.of(fw.model(), EtcdSettings.parse(fw.model().config()).settings(),
                dev.charms.ops.StoredState.inMemory(java.util.Map.of())).clientUrl().getPort()));
        return null;
    }, Path.of("."));

    private List<String> run(int configured, Object serving) {
        State.Builder b = State.builder().unitName("etcd/1").relation(PeerRelation.of("cluster", 0)).config("port", configured);
        if (serving != null) {
            b.stored(dev.charms.etcd.state.UnitState.SERVING_CLIENT_PORT, serving);
        }
        Output out = ctx.run(JujuEvent.configChanged(), b.build());
        assertEquals(0, out.exitCode(), out.stderr());
        return List.copyOf(seen);
    }

    @Test
    void aMemberIsReachedOnThePortItServesOnUntilItRestartsOnTheNewOne() {
        assertEquals(List.of("2379 https://127.0.0.1:2379", "2391 https://127.0.0.1:2391", "2391"), run(2391, 2379L),
                "port changed to 2391, member still serving on 2379");
        assertEquals(List.of("2391 https://127.0.0.1:2391", "2391 https://127.0.0.1:2391", "2391"), run(2391, 2391L));
        assertEquals(List.of("2391 https://127.0.0.1:2391", "2391 https://127.0.0.1:2391", "2391"), run(2391, null),
                "no member started yet: the configured port");
        assertEquals(List.of("2391 https://127.0.0.1:2391", "2391 https://127.0.0.1:2391", "2391"), run(2391, 99999L),
                "an unreadable stored port is ignored");
    }

    @Test
    void theBackendQuotaIsLoweredOnlyWhenTheDataFileSystemCouldNotHoldIt() {
        long mib = 1024 * 1024;
        assertEquals(0, Node.effectiveQuota(0, 0), "unknown size: etcd's default");
        assertEquals(0, Node.effectiveQuota(0, 100L * 1024 * mib), "a large disk keeps etcd's default");
        assertEquals(200 * mib, Node.effectiveQuota(200 * mib, 1024 * mib), "a quota that fits is kept");
        assertEquals(384 * mib, Node.effectiveQuota(0, 1024 * mib), "1 GiB: (1024 - 256) / 2 MiB");
        assertEquals(384 * mib, Node.effectiveQuota(4096 * mib, 1024 * mib), "a configured quota too large is lowered");
        assertEquals(16 * mib, Node.effectiveQuota(0, 64 * mib), "never below 16 MiB");
    }
}
