package dev.charms.runner.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulated systemd driving a real /usr/bin/etcd inside a real machine, through the real systemctl client. */
class EmulatedSystemdIT {
    private MachineFixture fixture;
    private NamespaceMachine m;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new MachineFixture();
        m = fixture.machine("etcd/0");
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private MachineFixture.Run sh(String script) throws Exception {
        return MachineFixture.run(m, Map.of("PATH", m.toolsDirInMachine() + ":" + Service.DEFAULT_PATH), "/",
                "/bin/sh", "-c", script);
    }

    private void writeUnit(String name, String restart) throws Exception {
        String unit = """
                [Unit]
                Description=etcd under test
                [Service]
                User=etcd
                Environment="ETCD_NAME=%H" DATA=/var/lib/etcd-it/data
                EnvironmentFile=-/etc/default/etcd-it
                ExecStartPre=+/bin/sh -c 'mkdir -p /var/lib/etcd-it && chown etcd /var/lib/etcd-it'
                ExecStart=/usr/bin/etcd --data-dir ${DATA} --listen-client-urls http://${ADDR}:2379 \\
                    --advertise-client-urls http://${ADDR}:2379 --listen-peer-urls http://${ADDR}:2380
                Restart=RESTART
                RestartSec=200ms
                LimitNOFILE=4096
                [Install]
                WantedBy=multi-user.target
                """.replace("RESTART", restart);
        assertEquals(0, sh("cat > /etc/systemd/system/" + name + ".service <<'EOF'\n" + unit + "EOF\n"
                + "echo ADDR=" + m.address() + " > /etc/default/etcd-it").code());
    }

    private boolean healthy() {
        String body = MachineFixture.httpGet("http://" + m.address() + ":2379/health", Duration.ofSeconds(1));
        return body != null && body.contains("\"health\":\"true\"");
    }

    private String show(String unit, String property) throws Exception {
        return sh("systemctl show -p " + property + " --value " + unit).out().strip();
    }

    /**
     * A power loss kills every process of the machine at once (the enabled etcd without its Restart= and
     * a stray process alike) and empties /tmp and /run, keeping the disk; at boot the service enabled in
     * the machine starts again (restart counter reset), a disabled one does not, and the host's own
     * enabled services (seen through the /etc overlay) are not started in the machine.
     */
    @Test
    void aPowerLossKillsEverythingAndTheBootStartsTheServicesEnabledInTheMachine() throws Exception {
        writeUnit("etcd-it", "always");
        writeUnit("etcd-off", "always");
        assertEquals(0, sh("systemctl daemon-reload && systemctl enable --now etcd-it").code());
        assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), this::healthy), "etcd healthy");
        assertEquals(0, sh("echo kept > /var/lib/etcd-it/on-disk && echo gone > /tmp/in-memory"
                + " && echo gone > /run/in-memory").code());
        long stray = Long.parseLong(sh("sleep 600 >/dev/null 2>&1 & echo $!").out().strip());
        long pid = Long.parseLong(show("etcd-it", "MainPID"));

        m.powerOff();
        for (long p : new long[] {pid, stray}) {
            // Killed processes may stay zombies for a moment, until whoever started them reaps them.
            assertTrue(MachineFixture.eventually(Duration.ofSeconds(5),
                    () -> ProcessHandle.of(p).map(h -> !h.isAlive()).orElse(true)), "process " + p + " survived");
        }
        assertEquals(0, m.systemd() instanceof EmulatedSystemd e ? e.mainPid("etcd-it") : -1);
        assertTrue(!healthy(), "etcd answers on a machine that is off");

        java.util.List<String> started = m.boot();
        assertEquals(java.util.List.of("etcd-it.service"), started, "only the service enabled in the machine starts");
        assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), this::healthy), "etcd healthy after the boot");
        assertNotEquals(pid, Long.parseLong(show("etcd-it", "MainPID")));
        assertEquals("0", show("etcd-it", "NRestarts"), "a boot is no restart");
        assertEquals("inactive", show("etcd-off", "ActiveState"));
        MachineFixture.Run files = sh("cat /var/lib/etcd-it/on-disk; ls -A /tmp /run");
        assertEquals("kept", files.out().lines().findFirst().orElse(""), files.out());
        assertTrue(!files.out().contains("in-memory"), "tmpfs content survived: " + files.out());
    }

    @Test
    void etcdRunsAsItsUserIsRestartedAfterACrashAndStops() throws Exception {
        writeUnit("etcd-it", "on-failure");
        assertEquals(0, sh("systemctl daemon-reload").code());
        MachineFixture.Run enable = sh("systemctl enable --now etcd-it");
        assertEquals(0, enable.code(), enable.err());
        assertTrue(enable.err().contains("Created symlink /etc/systemd/system/multi-user.target.wants/etcd-it.service"),
                enable.err());
        assertTrue(Files.isSymbolicLink(m.hostPathOf("/etc/systemd/system/multi-user.target.wants/etcd-it.service")));
        assertEquals("enabled\n", sh("systemctl is-enabled etcd-it").out());
        assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), this::healthy), "etcd healthy");
        assertEquals(0, sh("systemctl is-active etcd-it").code());
        assertEquals("active", show("etcd-it.service", "ActiveState"));

        long pid = Long.parseLong(show("etcd-it", "MainPID"));
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        String etcdUid = Files.readAllLines(m.hostPathOf("/etc/passwd")).stream()
                .filter(l -> l.startsWith("etcd:")).findFirst().orElseThrow().split(":")[2];
        assertTrue(status.contains("\nUid:\t" + etcdUid + "\t"), status);
        assertTrue(Files.readString(Path.of("/proc/" + pid + "/limits")).matches("(?s).*Max open files\\s+4096\\s+4096.*"));
        String environ = Files.readString(Path.of("/proc/" + pid + "/environ")).replace('\0', '\n');
        assertTrue(environ.contains("ETCD_NAME=" + m.hostname() + "\n"), environ);
        assertTrue(environ.contains("USER=etcd\n"), environ);

        m.systemd().crash("etcd-it");
        assertTrue(MachineFixture.eventually(Duration.ofSeconds(10), () -> {
            try {
                return show("etcd-it", "NRestarts").equals("1") && show("etcd-it", "ActiveState").equals("active");
            } catch (Exception e) {
                return false;
            }
        }), "restarted after the crash");
        assertNotEquals(pid, Long.parseLong(show("etcd-it", "MainPID")));
        assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), this::healthy), "healthy again");

        MachineFixture.Run journal = sh("journalctl -u etcd-it --no-pager -n 200");
        assertTrue(journal.out().contains("etcd["), journal.out());
        assertTrue(journal.out().contains("Main process exited, code=killed, status=9/KILL"), journal.out());
        assertTrue(journal.out().contains("Scheduled restart job, restart counter is at 1."), journal.out());
        assertEquals(3, sh("journalctl -u etcd-it -n 3 -o cat").out().lines().count());

        MachineFixture.Run running = sh("systemctl status etcd-it");
        assertEquals(0, running.code());
        assertTrue(running.out().contains("Active: active (running)"), running.out());
        assertTrue(running.out().contains("Main PID: "), running.out());

        assertEquals(0, sh("systemctl stop etcd-it").code());
        assertEquals("inactive\n", sh("systemctl is-active etcd-it").out());
        assertEquals(3, sh("systemctl is-active --quiet etcd-it").code());
        assertEquals(3, sh("systemctl status etcd-it").code());
        assertTrue(MachineFixture.eventually(Duration.ofSeconds(5), () -> ProcessHandle.of(pid).isEmpty()));
        assertTrue(sh("journalctl -u etcd-it").out().contains("Stopped etcd-it.service - etcd under test."));

        assertEquals(0, sh("systemctl disable etcd-it").code());
        assertEquals("disabled\n", sh("systemctl is-enabled etcd-it").out());
    }

    @Test
    void aStartWhileTheServiceIsStoppingStartsItOnceTheStopHasFinished() throws Exception {
        // A service that takes about a second to stop (its SIGTERM handler finishes its work first).
        String unit = """
                [Unit]
                Description=slow to stop
                [Service]
                ExecStart=/bin/sh -c 'trap "sleep 1; exit 0" TERM; while :; do sleep 0.1; done'
                """;
        assertEquals(0, sh("cat > /etc/systemd/system/slowstop.service <<'EOF'\n" + unit + "EOF\nsystemctl daemon-reload").code());
        assertEquals(0, sh("systemctl start slowstop").code());
        String before = show("slowstop", "MainPID");
        // systemd queues the start job behind the running stop job: the unit stops, then starts again.
        MachineFixture.Run both = sh("systemctl stop slowstop & sleep 0.3; systemctl show -p ActiveState --value slowstop; "
                + "systemctl start slowstop; echo start=$?; wait");
        assertTrue(both.out().startsWith("deactivating\n") && both.out().contains("start=0"), both.out() + both.err());
        assertEquals("active", show("slowstop", "ActiveState"));
        String after = show("slowstop", "MainPID");
        assertTrue(!after.equals("0") && !after.equals(before), before + " -> " + after);
        assertEquals(0, sh("systemctl stop slowstop").code());
    }

    @Test
    void withoutRestartACrashLeavesTheServiceFailed() throws Exception {
        writeUnit("etcd-norestart", "no");
        assertEquals(0, sh("systemctl start etcd-norestart.service").code());
        assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), this::healthy));
        m.systemd().crash("etcd-norestart");
        assertTrue(MachineFixture.eventually(Duration.ofSeconds(5), () -> !m.systemd().isActive("etcd-norestart")));
        Thread.sleep(600);
        assertEquals("failed", show("etcd-norestart", "ActiveState"));
        assertEquals("0", show("etcd-norestart", "NRestarts"));
        assertEquals("signal", show("etcd-norestart", "Result"));
        assertEquals(0, sh("systemctl is-failed etcd-norestart").code());
        assertEquals(3, sh("systemctl is-active etcd-norestart").code());
        MachineFixture.Run status = sh("systemctl status etcd-norestart");
        assertEquals(3, status.code());
        assertTrue(status.out().contains("Active: failed (failed) (Result: signal)"), status.out());
    }

    @Test
    void systemdErrorsAndExitCodes() throws Exception {
        MachineFixture.Run start = sh("systemctl start nosuch");
        assertEquals(5, start.code());
        assertEquals("Failed to start nosuch.service: Unit nosuch.service not found.\n", start.err());
        assertEquals(5, sh("systemctl stop nosuch").code());
        assertEquals(4, sh("systemctl status nosuch").code());
        assertEquals(1, sh("systemctl enable nosuch").code());
        assertEquals(1, sh("systemctl bogus-verb x").code());

        writeUnit("etcd-mask", "no");
        MachineFixture.Run refused = sh("systemctl mask etcd-mask");
        assertEquals(1, refused.code(), "a real unit file in /etc cannot be masked");
        assertTrue(refused.err().contains("already exists"), refused.err());

        assertEquals("enabled\n", sh("systemctl is-enabled etcd").out(), "the host's packaged etcd.service shows through");
        assertEquals(0, sh("systemctl mask etcd").code());
        assertEquals("masked\n", sh("systemctl is-enabled etcd").out());
        MachineFixture.Run masked = sh("systemctl start etcd");
        assertEquals(1, masked.code());
        assertEquals("Failed to start etcd.service: Unit etcd.service is masked.\n", masked.err());
        assertTrue(Files.notExists(Path.of("/etc/systemd/system/etcd.service")), "the host's /etc is untouched");
        assertEquals(0, sh("systemctl unmask etcd").code());
        assertEquals("enabled\n", sh("systemctl is-enabled etcd").out());
    }

    @Test
    void aChangedUnitFileNeedsDaemonReload() throws Exception {
        assertEquals(0, sh("""
                cat > /etc/systemd/system/sleeper.service <<'EOF'
                [Service]
                ExecStart=/bin/sleep 300
                EOF
                systemctl start sleeper""").code());
        assertEquals(0, sh("sed -i 's/300/301/' /etc/systemd/system/sleeper.service").code());
        MachineFixture.Run restart = sh("systemctl restart sleeper");
        assertEquals(0, restart.code());
        assertTrue(restart.err().contains("changed on disk. Run 'systemctl daemon-reload'"), restart.err());
        long pid = Long.parseLong(show("sleeper", "MainPID"));
        assertTrue(ProcessHandle.of(pid).orElseThrow().info().arguments().map(a -> a[0]).orElse("").equals("300"),
                "still the old definition");
        MachineFixture.Run reloaded = sh("systemctl daemon-reload && systemctl restart sleeper");
        assertEquals("", reloaded.err());
        long newPid = Long.parseLong(show("sleeper", "MainPID"));
        assertEquals("301", ProcessHandle.of(newPid).orElseThrow().info().arguments().map(a -> a[0]).orElse(""));
        assertEquals("static\n", sh("systemctl is-enabled sleeper").out());
    }

    /**
     * A monotonic timer starts its service at each elapse (OnActiveSec= first, then every
     * OnUnitActiveSec=), is active while started, stops elapsing when stopped, starts again at boot when
     * enabled (timers.target), and a calendar timer is refused naming what is emulated.
     */
    @Test
    void aTimerStartsItsServiceEachPeriodAndAtBootWhenEnabled() throws Exception {
        assertEquals(0, sh("""
                cat > /etc/systemd/system/tick.service <<'EOF'
                [Service]
                ExecStart=/bin/sh -c 'echo tick >> /var/lib/ticks'
                EOF
                cat > /etc/systemd/system/tick.timer <<'EOF'
                [Timer]
                OnActiveSec=200ms
                OnUnitActiveSec=300ms
                [Install]
                WantedBy=timers.target
                EOF
                cat > /etc/systemd/system/cal.timer <<'EOF'
                [Timer]
                OnCalendar=daily
                EOF
                systemctl daemon-reload && systemctl enable --now tick.timer
                """).code());
        assertEquals("active", sh("systemctl is-active tick.timer").out().strip());
        assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), () -> ticks() >= 3), "the timer elapsed 3 times");

        assertEquals(0, sh("systemctl stop tick.timer").code());
        assertEquals("inactive", sh("systemctl is-active tick.timer").out().strip());
        long stopped = ticks();
        assertEquals(0, sh("sleep 1").code());
        assertTrue(ticks() <= stopped + 1, "a stopped timer kept elapsing");

        m.powerOff();
        assertTrue(m.boot().contains("tick.timer"), "the enabled timer did not start at boot");
        long booted = ticks();
        assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), () -> ticks() >= booted + 2), "elapses after boot");

        MachineFixture.Run cal = sh("systemctl start cal.timer");
        assertEquals(1, cal.code());
        assertTrue(cal.err().contains("OnCalendar= is not emulated"), cal.err());
    }

    private long ticks() {
        try {
            return Long.parseLong(sh("cat /var/lib/ticks 2>/dev/null | wc -l").out().strip());
        } catch (Exception e) {
            throw new IllegalStateException("cannot count the ticks: " + e.getMessage(), e);
        }
    }
}
