package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Disk faults on one 3-unit deployment whose units each have a 1 GiB data file system
 * ({@code --storage data=1G}, a tmpfs in the runner), under a continuous writer: the file system filling
 * until etcd's NOSPACE alarm and the repair the status names; a follower's backend corrupted while its
 * etcd is stopped; another follower's member data deleted while stopped. See {@link DiskFaults}.
 */
class DiskFaultIT {
    /** etcd's backend quota the charm fits to a 1 GiB data file system: (1024 - 256) / 2 MiB. */
    private static final long QUOTA = 384L * 1024 * 1024;

    @Test
    void aFullDataFileSystemIsRepairedAndDamagedMembersAreReplaced() throws Exception {
        try (LocalCluster c = new LocalCluster("diskfault")) {
            c.controller().setModelConfig(Map.of("update-status-hook-interval", "10s"));
            c.deploy(3, Map.of(), Map.of("data", "1G"));
            c.settle();
            c.assertMembershipMatchesUnits();
            for (String unit : c.units()) {
                String fs = c.controller().exec(unit, "findmnt -n -o FSTYPE,SIZE /var/lib/etcd", Duration.ofSeconds(20)).stdout().strip();
                assertEquals("tmpfs 1G", fs.replaceAll("\\s+", " "), unit + "'s data file system");
                String conf = Files.readString(c.controller().hostPath(unit, "/etc/etcd/etcd.conf.yml"));
                assertTrue(conf.contains("quota-backend-bytes: " + QUOTA), unit + " config:\n" + conf);
            }

            ContinuousWriter writer = new ContinuousWriter(c, "disk/").start();
            List<DiskFaults.Figures> figures;
            try {
                // The replacements first: a member replaced right after the fill would catch up by
                // replaying the raft log of every 1 MiB write since the leader's last raft snapshot,
                // beside the damaged copy kept on the same 1 GiB file system (docs/operations.md).
                figures = List.of(
                        report(c, DiskFaults.replaceDamagedMember(c, writer, DiskFaults.Damage.CORRUPT_BACKEND)),
                        report(c, DiskFaults.replaceDamagedMember(c, writer, DiskFaults.Damage.DELETED_MEMBER)),
                        report(c, DiskFaults.fillUntilNoSpaceAndRecover(c, writer)));
            } finally {
                writer.stop();
            }
            for (DiskFaults.Figures f : figures) {
                assertEquals(Set.of(), f.lost(), f.toString());
                assertEquals(0, f.hookErrors(), f.toString());
                assertTrue(f.acknowledged() > 10, "the writer hardly wrote: " + f);
            }
            assertEquals(Set.of(), writer.lost(), "acknowledged writes lost");
            c.assertMembershipMatchesUnits();
        }
    }

    /** Prints the figures and adds them to the fault suite's results (benchmarks/faults.sh prints them). */
    private static DiskFaults.Figures report(LocalCluster c, DiskFaults.Figures f) throws Exception {
        System.out.println("DiskFaultIT: " + f);
        FaultSuite.record(f.scenario(), c.units().size(), f.acknowledged(), f.failed(), f.lost().size(),
                f.timeToAllActive(), f.hookErrors());
        return f;
    }
}
