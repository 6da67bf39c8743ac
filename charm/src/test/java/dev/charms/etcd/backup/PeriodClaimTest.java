package dev.charms.etcd.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.backup.BackupKeys.BackupId;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.etcd.workload.EtcdCluster;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision of a scheduled run (docs/backups.md, "One backup per period when leadership moves"), on
 * a 3-unit deployment of the real charm over the in-memory etcd: the timers of an old and a new leader
 * both elapsing in one period back up once, whatever their order; the next period is claimed again.
 */
class PeriodClaimTest {
    private static final Duration INTERVAL = Duration.ofSeconds(20);
    @TempDir
    Path root;
    private Deployment model;

    @BeforeEach
    void deploy() {
        model = new Deployment(root).deploy(3);
    }

    private EtcdCluster etcdOf(String unit) {
        URI own = URI.create("https://" + model.host(unit).address() + ":2379");
        return model.host(unit).cluster(List.of(own), Duration.ofSeconds(1));
    }

    @Test
    void oneRunPerPeriodWhicheverLeaderRunsFirst() {
        Instant t = Instant.parse("2026-12-08T01:00:05Z");
        Instant period = BackupSchedule.periodStart(t, INTERVAL);
        assertEquals(Optional.empty(), PeriodClaim.claim(etcdOf("etcd/0"), period, "etcd/0"));
        assertEquals(Optional.of("the period from " + period + " was claimed by etcd/0"),
                PeriodClaim.claim(etcdOf("etcd/1"), period, "etcd/1"));
        // the old leader's timer elapses again in the same period: skipped too
        assertTrue(PeriodClaim.claim(etcdOf("etcd/0"), period, "etcd/0").isPresent());

        Instant next = BackupSchedule.periodStart(t.plus(INTERVAL), INTERVAL);
        assertEquals(Optional.empty(), PeriodClaim.claim(etcdOf("etcd/1"), next, "etcd/1"));
        assertEquals(Optional.of("the period from " + next + " was claimed by etcd/1"),
                PeriodClaim.claim(etcdOf("etcd/0"), next, "etcd/0"));
        assertEquals(Optional.of(next + " etcd/1"), etcdOf("etcd/2").get(PeriodClaim.KEY));
    }

    @Test
    void aMachineWhoseClockIsBehindDoesNotClaimAnEarlierPeriod() {
        Instant period = Instant.parse("2026-12-08T01:00:20Z");
        assertEquals(Optional.empty(), PeriodClaim.claim(etcdOf("etcd/1"), period, "etcd/1"));
        Optional<String> late = PeriodClaim.claim(etcdOf("etcd/0"), period.minus(INTERVAL), "etcd/0");
        assertTrue(late.orElseThrow().contains("a later period (from " + period + ") was claimed by etcd/1"), late.get());
    }

    @Test
    void runsStartingTogetherOnEveryMachineClaimThePeriodOnce() throws Exception {
        Instant period = Instant.parse("2026-12-08T01:00:40Z");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Optional<String>>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String unit = "etcd/" + (i % 3);
                Callable<Optional<String>> run = () -> PeriodClaim.claim(etcdOf(unit), period, unit);
                runs.add(pool.submit(run));
            }
            int claimed = 0;
            for (Future<Optional<String>> f : runs) {
                Optional<String> skipped = f.get();
                if (skipped.isEmpty()) {
                    claimed++;
                } else {
                    assertTrue(skipped.get().startsWith("the period from " + period + " was claimed by etcd/"), skipped.get());
                }
            }
            assertEquals(1, claimed);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theTransactionFailsWhenTheValueChangedSinceItWasRead() {
        EtcdCluster etcd = etcdOf("etcd/0");
        assertTrue(etcd.putIf("k", Optional.empty(), "one"));
        assertFalse(etcd.putIf("k", Optional.empty(), "two"));
        assertFalse(etcd.putIf("k", Optional.of("zero"), "two"));
        assertTrue(etcd.putIf("k", Optional.of("one"), "two"));
        assertEquals(Optional.of("two"), etcd.get("k"));
    }

    @Test
    void withoutQuorumNobodyClaims() {
        model.host("etcd/1").crash();
        model.host("etcd/2").crash();
        assertThrows(EtcdAdminException.class,
                () -> PeriodClaim.claim(etcdOf("etcd/0"), Instant.parse("2026-12-08T01:01:00Z"), "etcd/0"));
    }

    @Test
    void aVerifiedBackupOfThisApplicationInThePeriodMakesTheRunUnnecessary() {
        Instant period = Instant.parse("2026-12-08T01:00:00Z");
        BackupId mine = BackupKeys.id("m", "etcd", period.plusSeconds(3), 7);
        BackupId before = BackupKeys.id("m", "etcd", period.minusSeconds(1), 6);
        BackupId other = BackupKeys.id("m", "etcd-new", period.plusSeconds(3), 7);
        List<Backups.Listed> listed = List.of(new Backups.Listed(before, 1, "", "3.5.30", true),
                new Backups.Listed(other, 1, "", "3.5.30", true), new Backups.Listed(mine, 1, "", "3.5.30", false));
        assertEquals(Optional.empty(), PeriodClaim.backedUp(listed, "m", "etcd", period));
        List<Backups.Listed> verified = List.of(new Backups.Listed(mine, 1, "", "3.5.30", true));
        assertEquals(Optional.of("backup " + mine.id() + " exists for the period from " + period),
                PeriodClaim.backedUp(verified, "m", "etcd", period));
    }
}
