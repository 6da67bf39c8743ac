package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.fakes.InMemoryEtcd;
import dev.charms.etcd.fakes.InMemoryHost;
import dev.charms.ops.testing.Context;
import dev.charms.ops.testing.JujuEvent;
import dev.charms.ops.testing.Output;
import dev.charms.ops.testing.Relation;
import dev.charms.ops.testing.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduled-backup timer follows leadership, backup-schedule and the s3 relation (docs/backups.md). */
class BackupTimerTest {
    private static final String SECRET = "very-secret-key-value";

    @TempDir
    Path tmp;

    private InMemoryHost host() {
        return new InMemoryHost(new InMemoryEtcd(), "10.0.0.10", tmp);
    }

    private static Relation s3(Map<String, String> data) {
        return Relation.of("s3-parameters", 7, "s3-integrator").withRemoteAppData(data);
    }

    private static Map<String, String> provider() {
        return Map.of("bucket", "backups", "access-key", "AK", "secret-key", SECRET, "endpoint", "http://10.0.0.1:9000");
    }

    private static State state(boolean leader, String schedule, Relation... relations) {
        State.Builder b = State.builder().unitName("etcd/0").leader(leader).config("backup-schedule", schedule)
                .config("backup-retention-count", 3).config("backup-retention-days", 14);
        for (Relation r : relations) {
            b.relation(r);
        }
        return b.build();
    }

    @Test
    void theLeaderInstallsTheTimerWithTheProvidersSettingsOthersRemoveIt() {
        InMemoryHost host = host();
        Context ctx = Context.fromCharmDir(EtcdCharm.SPEC, fw -> new EtcdCharm(fw, host), Path.of("."));
        Output out = ctx.run(JujuEvent.configChanged(), state(true, "6h", s3(provider())));
        assertEquals(Optional.of(Duration.ofHours(6)), host.backupTimer);
        String settings = new String(host.backupSettings, StandardCharsets.UTF_8);
        assertTrue(settings.contains("\"interval-seconds\":21600"), settings);
        assertTrue(settings.contains("\"retention\":3"), settings);
        assertTrue(settings.contains("\"retention-days\":14"), settings);
        assertTrue(settings.contains("\"app\":\"etcd\""), settings);
        assertFalse(out.logMessages().toString().contains(SECRET), "the secret key was logged");
        assertFalse(out.stderr().contains(SECRET), "the secret key reached the hook's output");

        // Leadership gone: the next hook removes it.
        ctx.run(JujuEvent.leaderSettingsChanged(), state(false, "6h", s3(provider())));
        assertEquals(Optional.empty(), host.backupTimer);
    }

    @Test
    void noTimerWithoutScheduleRelationOrUsableSettings() {
        InMemoryHost host = host();
        Context ctx = Context.fromCharmDir(EtcdCharm.SPEC, fw -> new EtcdCharm(fw, host), Path.of("."));
        ctx.run(JujuEvent.configChanged(), state(true, "6h", s3(provider())));
        assertTrue(host.backupTimer.isPresent());
        ctx.run(JujuEvent.configChanged(), state(true, "", s3(provider())));
        assertEquals(Optional.empty(), host.backupTimer, "schedule off");
        ctx.run(JujuEvent.configChanged(), state(true, "6h"));
        assertEquals(Optional.empty(), host.backupTimer, "no relation");
        ctx.run(JujuEvent.configChanged(), state(true, "6h", s3(Map.of("bucket", "backups"))));
        assertEquals(Optional.empty(), host.backupTimer, "provider not ready");
        ctx.run(JujuEvent.configChanged(), state(true, "6h", s3(provider())));
        assertTrue(host.backupTimer.isPresent());
        Relation rel = s3(provider());
        ctx.run(JujuEvent.relationBroken(rel), state(true, "6h", rel));
        assertEquals(Optional.empty(), host.backupTimer, "relation broken");
    }

    @Test
    void aBadScheduleBlocksTheUnitNamingIt() {
        InMemoryHost host = host();
        Context ctx = Context.fromCharmDir(EtcdCharm.SPEC, fw -> new EtcdCharm(fw, host), Path.of("."));
        Output out = ctx.run(JujuEvent.configChanged(), state(true, "every day", s3(provider())));
        assertEquals("blocked", out.state().unitStatus().name());
        assertTrue(out.state().unitStatus().message().contains("backup-schedule"), out.state().unitStatus().message());
        assertEquals(Optional.empty(), host.backupTimer);
    }

    @Test
    void healthShowsTheLastScheduledResult() {
        InMemoryHost host = host();
        assertEquals(Map.of("result", "none"), BackupTimer.lastForHealth(host, true, Optional.empty()));
        host.lastBackup = Optional.of("{\"time\":\"2026-12-07T21:00:00Z\",\"result\":\"failed\",\"message\":\"bucket 'x' does not exist\"}");
        Map<String, Object> last = BackupTimer.lastForHealth(host, true, Optional.empty());
        assertEquals("failed", last.get("result"));
        assertEquals("bucket 'x' does not exist", last.get("message"));
        assertEquals("; last scheduled backup failed (see health)", BackupTimer.failedNote(host));

        // A former leader's own record is stale: a unit that is not leader shows what the leader published.
        Optional<String> published = Optional.of(
                "{\"time\":\"2026-12-07T21:00:20Z\",\"result\":\"ok\",\"backup\":\"m/etcd/20261207T210020Z-r5\"}");
        assertEquals("ok", BackupTimer.lastForHealth(host, false, true, published).get("result"));
        assertEquals("failed", BackupTimer.lastForHealth(host, true, true, published).get("result"));
    }
}
