package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the real systemctl/shell: errors must name the command and carry stderr on one line. */
class EtcdServiceTest {
    private final CommandRunner runner = new CommandRunner();

    @Test
    void failedSystemctlNamesCommandAndStderr() {
        EtcdService service = new EtcdService(runner, "etcd-charm-test-no-such-unit", Duration.ofSeconds(20));
        CommandException e = assertThrows(CommandException.class, () -> service.start(true));
        assertEquals(List.of("systemctl", "--no-block", "start", "etcd-charm-test-no-such-unit"), e.command());
        assertTrue(e.getMessage().startsWith("systemctl --no-block start etcd-charm-test-no-such-unit: exit code "), e.getMessage());
        assertFalse(e.stderr().isEmpty());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(service.isRunning());
    }

    /**
     * A Type=notify etcd waiting for quorum is "activating (start)": it runs. One waiting to be restarted
     * after a crash ("activating (auto-restart)"), failed or inactive does not. No systemd runs here, so
     * a stand-in systemctl answers as systemd does for each state.
     */
    @Test
    void aMemberWaitingForQuorumInItsStartJobRuns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path systemctl = dir.resolve("systemctl");
        java.nio.file.Path state = dir.resolve("state");
        java.nio.file.Files.writeString(systemctl, """
                #!/bin/sh
                read -r active sub < "%s"
                case "$1" in
                  is-active) echo "$active"; [ "$active" = active ] ;;
                  show) echo "$sub" ;;
                  *) exit 1 ;;
                esac
                """.formatted(state));
        systemctl.toFile().setExecutable(true);
        EtcdService service = new EtcdService(runner, systemctl.toString(), "etcd", Duration.ofSeconds(5));
        for (String[] c : new String[][] {{"active running", "true"}, {"activating start", "true"},
                {"activating auto-restart", "false"}, {"failed failed", "false"}, {"inactive dead", "false"}}) {
            java.nio.file.Files.writeString(state, c[0] + "\n");
            assertEquals(Boolean.parseBoolean(c[1]), service.isRunning(), c[0]);
        }
    }

    @Test
    void commandsTimeOutAndStderrIsFoldedToOneLine() {
        CommandException slow = assertThrows(CommandException.class,
                () -> runner.check(List.of("sleep", "10"), Duration.ofMillis(300)));
        assertTrue(slow.getMessage().contains("timed out"), slow.getMessage());
        CommandException failed = assertThrows(CommandException.class,
                () -> runner.check(List.of("sh", "-c", "echo line1 >&2; echo line2 >&2; exit 3"), Duration.ofSeconds(5)));
        assertEquals(3, failed.exitCode());
        assertEquals("line1 | line2", failed.stderr());
        CommandException missing = assertThrows(CommandException.class,
                () -> runner.check(List.of("/nonexistent/tool"), Duration.ofSeconds(5)));
        assertTrue(missing.getMessage().contains("cannot start"), missing.getMessage());
        assertEquals("hi\n", runner.check(List.of("sh", "-c", "echo $X"), Map.of("X", "hi"), Duration.ofSeconds(5)));
    }

    @Test
    void detectsTheDistributionEtcd() {
        EtcdInstallation inst = new EtcdInstaller(EtcdPaths.system(), runner).detect().orElseThrow();
        assertEquals(EtcdInstallation.Source.PACKAGE, inst.source());
        assertEquals(new EtcdVersion(3, 4, 23), inst.version());
        assertTrue(inst.etcdutl().isEmpty());
    }
}
