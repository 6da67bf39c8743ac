package dev.charms.etcd.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupScheduleTest {
    @Test
    void intervals() {
        assertEquals(Optional.empty(), BackupSchedule.parse(""));
        assertEquals(Optional.of(Duration.ofMinutes(30)), BackupSchedule.parse("30m"));
        assertEquals(Optional.of(Duration.ofHours(6)), BackupSchedule.parse(" 6h "));
        assertEquals(Optional.of(Duration.ofDays(1)), BackupSchedule.parse("1d"));
        assertEquals(Optional.of(Duration.ofSeconds(20)), BackupSchedule.parse("20s"));
        for (String bad : new String[] {"10s", "31d", "1w", "6 h", "-1h", "h", "0h", "1.5h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackupSchedule.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("backup-schedule must be"), e.getMessage());
        }
    }

    @Test
    void periodsAreAlignedToTheEpochSoEveryUnitAgrees() {
        Duration h6 = Duration.ofHours(6);
        assertEquals(Instant.parse("2026-12-07T18:00:00Z"), BackupSchedule.periodStart(Instant.parse("2026-12-07T21:29:14Z"), h6));
        assertEquals(Instant.parse("2026-12-07T18:00:00Z"), BackupSchedule.periodStart(Instant.parse("2026-12-07T18:00:00Z"), h6));
    }

    @Test
    void timerUnitsRunTheCharmWithTheS3ClientOutsideHooks() {
        String service = ScheduleFiles.service("/usr/bin/java", "/var/lib/juju/agents/unit-etcd-0/charm");
        assertTrue(service.contains("ExecStart=/usr/bin/java -XX:+UseSerialGC -Xss512k -Dio.netty.transport.noNative=true"
                + " -Dio.netty.handler.ssl.noOpenSsl=true -cp /var/lib/juju/agents/unit-etcd-0/charm/lib/"
                + "etcd-charm.jar:/var/lib/juju/agents/unit-etcd-0/charm/lib/s3/* dev.charms.etcd.ScheduledBackup"), service);
        String timer = ScheduleFiles.timer(Duration.ofHours(6));
        assertTrue(timer.contains("OnActiveSec=21600s\nOnUnitActiveSec=21600s\nUnit=etcd-backup.service\n"), timer);
        assertTrue(timer.contains("WantedBy=timers.target"), timer);
    }
}
