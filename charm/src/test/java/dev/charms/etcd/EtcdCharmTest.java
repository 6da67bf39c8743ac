package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.ops.Status;
import dev.charms.ops.testing.Context;
import dev.charms.ops.testing.JujuEvent;
import dev.charms.ops.testing.NetworkInfo;
import dev.charms.ops.testing.Output;
import dev.charms.ops.testing.PeerRelation;
import dev.charms.ops.testing.State;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The charm's handlers on the in-memory harness (no processes): what every hook does with a bad
 * configuration, and the removal paths that must not touch etcd again.
 */
class EtcdCharmTest {
    private final Context ctx = Context.fromCharmDir(EtcdCharm.SPEC, EtcdCharm::new, Path.of("."));
    private final PeerRelation peer = PeerRelation.of("cluster", 0)
            .withPeer("etcd/1", State.defaultUnitData("10.0.0.2"));

    private State badConfig(boolean leader) {
        return State.builder().unitName("etcd/0").leader(leader).config("election_timeout", 300)
                .relation(peer).network("cluster", NetworkInfo.of("10.0.0.1")).network("db", NetworkInfo.of("10.0.0.1"))
                .build();
    }

    @Test
    void aBadConfigBlocksEveryHookNamingTheOptionAndChangesNothingElse() {
        List<JujuEvent> events = List.of(JujuEvent.configChanged(), JujuEvent.start(), JujuEvent.updateStatus(),
                JujuEvent.upgradeCharm(), JujuEvent.relationChanged(peer, "etcd/1"), JujuEvent.relationJoined(peer, "etcd/1"));
        for (boolean leader : new boolean[] {true, false}) {
            for (JujuEvent event : events) {
                Output out = ctx.run(event, badConfig(leader));
                assertEquals(0, out.exitCode(), out.stderr());
                assertEquals(Status.blocked("invalid config: election_timeout must be at least 5 times heartbeat_interval"
                        + " (500 ms), got 300"), out.state().unitStatus(), event + " leader=" + leader);
                for (String tool : List.of("relation-set", "secret-add", "open-port", "application-version-set")) {
                    assertFalse(out.called(tool), event + " called " + tool);
                }
            }
        }
        Output leaderElected = ctx.run(JujuEvent.leaderElected(), badConfig(true));
        assertEquals("blocked", leaderElected.state().unitStatus().name());
    }

    @Test
    void theStatusIsSetOnceAndNotRepeatedWhileUnchanged() {
        Output first = ctx.run(JujuEvent.configChanged(), badConfig(false));
        assertEquals(1, first.calls("status-set").size());
        Output second = ctx.run(JujuEvent.updateStatus(), first.state());
        assertEquals(0, second.calls("status-set").size());
    }

    @Test
    void aUnitThatLeftTheClusterDoesNothingMoreOnStopOrAnyHook() {
        State left = badConfig(false).toBuilder().stored(dev.charms.etcd.state.UnitState.LEFT, true).build();
        Output stop = ctx.run(JujuEvent.stop(), left);
        assertEquals(0, stop.exitCode(), stop.stderr());
        assertTrue(stop.toolCalls().isEmpty(), "stop after leaving called " + stop.toolCalls());
        Output update = ctx.run(JujuEvent.updateStatus(), left);
        assertEquals(Status.maintenance("this unit has left the cluster and is being removed"), update.state().unitStatus());
    }
}
