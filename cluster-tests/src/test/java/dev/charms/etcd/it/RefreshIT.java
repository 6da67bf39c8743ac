package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.controller.CharmUnpacker;
import dev.charms.runner.controller.ExecResult;
import dev.charms.runner.model.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code juju refresh} of a running 3-unit cluster through the runner, with real etcd: each unit runs
 * upgrade-charm, config-changed and start on the new revision. A revision that renders the same
 * configuration restarts no member; one whose configuration template changed restarts every member in
 * rolling turns, and the data stays. A different charm, or one without the peer endpoint the cluster
 * relies on, is refused before anything changes.
 */
class RefreshIT {
    @Test
    void refreshKeepsTheClusterAndRestartsOnlyForAChangedConfiguration() throws Exception {
        try (LocalCluster c = new LocalCluster("refresh")) {
            c.deploy(3, Map.of());
            c.settle();
            c.assertMembershipMatchesUnits();
            c.put("before", "kept");
            Map<String, String> pids = pids(c);

            c.controller().refresh("etcd", LocalCluster.CHARM);
            c.settle();
            assertEquals(pids, pids(c), "a revision that renders the same configuration restarted a member");
            assertEquals(1, revision(c));
            for (String unit : c.units()) {
                assertTrue(logHas(c, "unit-" + unit.replace('/', '-') + ": ", "upgraded charm to revision 1"), unit);
                assertTrue(logHas(c, "unit-" + unit.replace('/', '-') + ": ", "ran \"upgrade-charm\" hook"), unit);
            }
            c.assertMembershipMatchesUnits();

            Path changed = unpacked(c, "changed");
            Path template = changed.resolve("templates/etcd.conf.yml");
            Files.writeString(template, Files.readString(template).replace("max-wals: 5", "max-wals: 6"));
            c.controller().refresh("etcd", changed);
            c.settle();
            Map<String, String> after = pids(c);
            for (String unit : c.units()) {
                assertNotEquals(pids.get(unit), after.get(unit), unit + " was not restarted on the new configuration");
                assertTrue(Files.readString(c.controller().hostPath(unit, "/etc/etcd/etcd.conf.yml")).contains("max-wals: 6"), unit);
            }
            assertEquals(3, Files.readAllLines(c.controller().debugLogFile()).stream()
                    .filter(l -> l.contains("restarted etcd with the new configuration")).count(), "one restart per unit");
            c.assertMembershipMatchesUnits();
            assertEquals("kept", c.get("before"));

            Path other = unpacked(c, "other");
            Files.writeString(other.resolve("metadata.yaml"),
                    Files.readString(other.resolve("metadata.yaml")).replaceFirst("(?m)^name: etcd$", "name: not-etcd"));
            ModelException e = assertThrows(ModelException.class, () -> c.controller().refresh("etcd", other));
            assertEquals("cannot refresh \"etcd\" (charm \"etcd\") to a different charm (\"not-etcd\")", e.getMessage());
            Path noPeers = unpacked(c, "no-peers");
            Files.writeString(noPeers.resolve("metadata.yaml"), Files.readString(noPeers.resolve("metadata.yaml"))
                    .replace("peers:\n  cluster:\n    interface: etcd-peer\n", ""));
            e = assertThrows(ModelException.class, () -> c.controller().refresh("etcd", noPeers));
            assertTrue(e.getMessage().startsWith("cannot refresh \"etcd\": the new charm has no endpoint \"cluster\""),
                    e.getMessage());
            assertEquals(2, revision(c), "a refused refresh changed the revision");
            c.settle();
            assertEquals(after, pids(c), "a refused refresh touched a member");
        }
    }

    private static Path unpacked(LocalCluster c, String name) throws Exception {
        Path dir = c.work().resolve("charm-" + name);
        CharmUnpacker.unpack(LocalCluster.CHARM, dir);
        return dir;
    }

    private static int revision(LocalCluster c) {
        return c.status().applications().stream().filter(a -> a.name().equals("etcd")).findFirst().orElseThrow().revision();
    }

    private static boolean logHas(LocalCluster c, String prefix, String text) throws Exception {
        return Files.readAllLines(c.controller().debugLogFile()).stream().anyMatch(l -> l.startsWith(prefix) && l.contains(text));
    }

    /** Each unit's etcd main process id. */
    private static Map<String, String> pids(LocalCluster c) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (String unit : c.units()) {
            ExecResult r = c.controller().exec(unit, "systemctl show -p MainPID --value etcd", Duration.ofSeconds(20));
            assertEquals(0, r.exitCode(), r.stderr());
            assertNotEquals("0", r.stdout().strip(), unit + ": etcd is not running");
            out.put(unit, r.stdout().strip());
        }
        return out;
    }
}
