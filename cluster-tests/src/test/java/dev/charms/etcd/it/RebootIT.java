package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Machine reboots of a 3-unit cluster under a continuous writer, on one deployment: one unit's machine
 * (the other two keep serving), the Juju leader's machine off past its lease (leadership moves to a unit
 * that is up), then every machine at once (a power loss of the whole cluster). Each
 * time etcd comes back by itself (the unit is enabled at boot), the unit agents run {@code start} again,
 * every unit ends active with the membership unchanged, every acknowledged write is readable, no hook of
 * the charm fails, and no unit claims active while its own member does not serve.
 */
class RebootIT {
    @Test
    void oneMachineAndThenEveryMachineRebootWithEveryAcknowledgedWriteKept() throws Exception {
        try (LocalCluster c = new LocalCluster("reboot")) {
            c.deploy(3, Map.of());
            c.settle();
            c.assertMembershipMatchesUnits();
            c.put("before-reboots", "kept");

            String one = c.units().get(1);
            long from = Files.readAllLines(c.controller().debugLogFile()).size();
            FaultFigures single = RebootScenario.run(c, "reboot-one", List.of(one), false, Duration.ofSeconds(2));
            RebootScenario.assertClean(single);
            bootedWithEtcdAndRanStart(c, from, List.of(one));
            c.assertMembershipMatchesUnits();

            // The Juju leader off longer than its lease: leadership moves to a unit that is up meanwhile.
            String leader = c.leaderUnit();
            from = Files.readAllLines(c.controller().debugLogFile()).size();
            FaultFigures leaderDown = RebootScenario.run(c, "reboot Juju leader past its lease", List.of(leader), false,
                    Duration.ofSeconds(35));
            RebootScenario.assertClean(leaderDown);
            bootedWithEtcdAndRanStart(c, from, List.of(leader));
            assertNotEquals(leader, c.leaderUnit(), "leadership stayed with a unit off longer than its lease");
            // The new leader's status came from its leader-elected hook, while the old leader was off; the
            // next update-status shows the member back.
            c.awaitMembershipMatchesUnits(Duration.ofSeconds(45));

            from = Files.readAllLines(c.controller().debugLogFile()).size();
            // Off for 15 s: the status watch samples every unit in turn, and an etcdctl check of each unit
            // still shown active can wait out its dial timeout on a machine that is off, so one look at all
            // three can take several seconds; a shorter loss can fall between two of its looks.
            FaultFigures all = RebootScenario.run(c, "power-loss", List.of(), true, Duration.ofSeconds(15));
            RebootScenario.assertClean(all);
            bootedWithEtcdAndRanStart(c, from, c.units());
            assertTrue(all.statusesSeen().stream().anyMatch(s -> s.startsWith("unknown: agent lost")),
                    "the units were never seen down: " + all.statusesSeen());
            c.assertMembershipMatchesUnits();
            assertEquals("kept", c.get("before-reboots"));
        }
    }

    /** Each rebooted machine started etcd at boot, and its unit ran start after the reboot. */
    private static void bootedWithEtcdAndRanStart(LocalCluster c, long from, List<String> units) throws Exception {
        List<String> log = Files.readAllLines(c.controller().debugLogFile()).stream().skip(from).toList();
        for (String unit : units) {
            String tag = "unit-" + unit.replace('/', '-') + ": ";
            assertTrue(log.stream().anyMatch(l -> l.startsWith(tag) && l.contains("booted; services started: etcd.service")),
                    unit + " did not start etcd at boot");
            assertTrue(log.stream().anyMatch(l -> l.startsWith(tag) && l.contains("ran \"start\" hook")),
                    unit + " did not run start after the reboot");
        }
    }
}
