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
 * upgrade-charm installs the attached etcd release only when it can run in the cluster the peers describe:
 * a member's published etcd version of a newer minor version refuses it before anything is installed (the
 * hook succeeds, the unit is blocked naming what to attach), and a unit publishes the version it runs.
 */
class PeerVersionsTest {
    private static final CharmFiles FILES = CharmFiles.load(Path.of("."));

    private static Output upgradeWithPeerOn(Path root, String peerVersion) throws java.io.IOException {
        InMemoryHost host = new InMemoryHost(new InMemoryEtcd(), "10.0.0.10", root);
        Path release = java.nio.file.Files.writeString(root.resolve("etcd-v3.5.17-linux-amd64.tar.gz"), "release");
        Context ctx = new Context(EtcdCharm.SPEC, fw -> new EtcdCharm(fw, host), FILES);
        // etcd/1 is a member (in the roster), so its version is what the cluster holds.
        String roster = dev.charms.etcd.Roster.empty().with("etcd/1",
                MembershipPlanTest.voter("a", "etcd-1", "https://10.0.0.11:2380")).toJson();
        PeerRelation peer = PeerRelation.of(PeerData.PEER, 0)
                .withLocalAppData(Map.of(PeerData.MEMBERS, roster))
                .withPeer("etcd/1", Map.of(PeerData.ADDRESS, "10.0.0.11", PeerData.ETCD_VERSION, peerVersion));
        State state = State.builder().unitName("etcd/0").relation(peer)
                .network(PeerData.PEER, NetworkInfo.of("10.0.0.10")).network(PeerData.DB, NetworkInfo.of("10.0.0.10"))
                .resource("etcd", release).build();
        return ctx.run(JujuEvent.upgradeCharm(), state);
    }

    @Test
    void aPeerOnANewerMinorVersionRefusesTheInstall(@TempDir Path root) throws java.io.IOException {
        Output out = upgradeWithPeerOn(root, "3.6.0");
        assertEquals(0, out.exitCode(), out.stderr());
        assertEquals("blocked", out.state().unitStatus().name());
        assertEquals("etcd resource 3.5.17 refused: a member of this cluster holds data of etcd 3.6.0, which etcd 3.5 cannot"
                + " run (going back a minor version takes etcd's downgrade procedure or a snapshot restore); attach an etcd"
                + " 3.6 release", out.state().unitStatus().message());
        assertTrue(out.logMessages().stream().anyMatch(l -> l.contains("holds etcd 3.5.17, refused: ")), out.logMessages().toString());
        assertEquals(null, out.state().relation(0).orElseThrow().localUnitData().get(PeerData.ETCD_VERSION),
                "a unit that runs no etcd publishes no version");
    }

    /** A peer that is not in the roster holds none of the cluster's data: its version binds nothing. */
    @Test
    void aPeerOutsideTheRosterBindsNothing(@TempDir Path root) throws java.io.IOException {
        InMemoryHost host = new InMemoryHost(new InMemoryEtcd(), "10.0.0.10", root);
        Path release = java.nio.file.Files.writeString(root.resolve("etcd-v3.5.17-linux-amd64.tar.gz"), "release");
        Context ctx = new Context(EtcdCharm.SPEC, fw -> new EtcdCharm(fw, host), FILES);
        PeerRelation peer = PeerRelation.of(PeerData.PEER, 0)
                .withPeer("etcd/1", Map.of(PeerData.ADDRESS, "10.0.0.11", PeerData.ETCD_VERSION, "3.6.0"));
        State state = State.builder().unitName("etcd/0").relation(peer)
                .network(PeerData.PEER, NetworkInfo.of("10.0.0.10")).network(PeerData.DB, NetworkInfo.of("10.0.0.10"))
                .resource("etcd", release).build();
        Output out = ctx.run(JujuEvent.upgradeCharm(), state);
        assertEquals(0, out.exitCode(), out.stderr());
        assertEquals("3.5.17", out.state().relation(0).orElseThrow().localUnitData().get(PeerData.ETCD_VERSION));
    }

    @Test
    void aPeerOnTheSameMinorVersionLetsItInstallAndTheUnitPublishesItsVersion(@TempDir Path root) throws java.io.IOException {
        Output out = upgradeWithPeerOn(root, "3.5.30");
        assertEquals(0, out.exitCode(), out.stderr());
        assertEquals("3.5.17", out.state().relation(0).orElseThrow().localUnitData().get(PeerData.ETCD_VERSION));
    }
}
