package dev.charms.etcd.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.charmfiles.CharmFiles;
import dev.charms.etcd.EtcdCharm;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.fakes.InMemoryEtcd;
import dev.charms.etcd.fakes.InMemoryHost;
import dev.charms.ops.testing.Context;
import dev.charms.ops.testing.JujuEvent;
import dev.charms.ops.testing.NetworkInfo;
import dev.charms.ops.testing.Output;
import dev.charms.ops.testing.PeerRelation;
import dev.charms.ops.testing.State;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * upgrade-charm installs etcd only when it can run in the cluster the peers describe: a peer's published
 * etcd version of a newer minor version refuses the installed one (the in-memory host's 3.5.17) before
 * anything is installed, and a unit publishes the version it runs.
 */
class PeerVersionsTest {
    private static final CharmFiles FILES = CharmFiles.load(Path.of("."));

    private static Output upgradeWithPeerOn(Path root, String peerVersion) {
        InMemoryHost host = new InMemoryHost(new InMemoryEtcd(), "10.0.0.10", root);
        Context ctx = new Context(EtcdCharm.SPEC, fw -> new EtcdCharm(fw, host), FILES);
        PeerRelation peer = PeerRelation.of(PeerData.PEER, 0)
                .withPeer("etcd/1", Map.of(PeerData.ADDRESS, "10.0.0.11", PeerData.ETCD_VERSION, peerVersion));
        State state = State.builder().unitName("etcd/0").relation(peer)
                .network(PeerData.PEER, NetworkInfo.of("10.0.0.10")).network(PeerData.DB, NetworkInfo.of("10.0.0.10"))
                .build();
        return ctx.run(JujuEvent.upgradeCharm(), state);
    }

    @Test
    void aPeerOnANewerMinorVersionRefusesTheInstall(@TempDir Path root) {
        Output out = upgradeWithPeerOn(root, "3.6.0");
        assertEquals(1, out.exitCode(), out.stderr());
        assertTrue(out.stderr().contains("etcd 3.5.17 cannot run the data of etcd 3.6.0 that a member of this cluster holds"),
                out.stderr());
    }

    @Test
    void aPeerOnTheSameMinorVersionLetsItInstallAndTheUnitPublishesItsVersion(@TempDir Path root) {
        Output out = upgradeWithPeerOn(root, "3.5.30");
        assertEquals(0, out.exitCode(), out.stderr());
        assertEquals("3.5.17", out.state().relation(0).orElseThrow().localUnitData().get(PeerData.ETCD_VERSION));
    }
}
