package dev.charms.etcd.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Controls our etcd systemd unit through {@code systemctl} (whatever is on PATH: real systemd, or
 * the local runner's). Failures throw {@link CommandException} naming the command and its stderr.
 * Note: the unit is Type=notify, so a blocking start/restart returns only once etcd serves, which
 * needs quorum; use the {@code noBlock} variants when quorum may be missing.
 */
public final class EtcdService {
    private final CommandRunner runner;
    private final String systemctl;
    private final String unit;
    private final Duration timeout;

    /** The {@code etcd} unit, each systemctl call limited to {@code timeout}. */
    public EtcdService(CommandRunner runner, Duration timeout) {
        this(runner, EtcdPaths.SERVICE_NAME, timeout);
    }

    /** A named unit (for tests), each systemctl call limited to {@code timeout}. */
    public EtcdService(CommandRunner runner, String unit, Duration timeout) {
        this(runner, "systemctl", unit, timeout);
    }

    /** As above with another {@code systemctl} (a test's stand-in where no systemd runs). */
    EtcdService(CommandRunner runner, String systemctl, String unit, Duration timeout) {
        this.runner = runner;
        this.systemctl = systemctl;
        this.unit = unit;
        this.timeout = timeout;
    }

    /** {@code systemctl daemon-reload} (after the unit file changed). */
    public void daemonReload() {
        systemctl(List.of("daemon-reload"));
    }

    /** {@code systemctl enable --now etcd}. */
    public void enableNow(boolean noBlock) {
        systemctl(command(noBlock, "enable", "--now", unit));
    }

    /** {@code systemctl start etcd}. */
    public void start(boolean noBlock) {
        systemctl(command(noBlock, "start", unit));
    }

    /** {@code systemctl stop etcd}. */
    public void stop() {
        systemctl(List.of("stop", unit));
    }

    /** {@code systemctl restart etcd}. */
    public void restart(boolean noBlock) {
        systemctl(command(noBlock, "restart", unit));
    }

    /** {@code systemctl disable etcd} (keeps it stopped across reboots). */
    public void disable() {
        systemctl(List.of("disable", unit));
    }

    /**
     * Whether etcd's process runs: the unit is active, or activating in its start job. The unit is
     * Type=notify and etcd tells systemd it is ready only once it serves, which needs quorum: a member
     * that came back before a quorum of others (the machines of a whole cluster booting) runs and waits
     * in "activating (start)". A unit waiting to be restarted after a crash ("activating (auto-restart)")
     * runs nothing.
     */
    public boolean isRunning() {
        CommandResult r = runner.run(List.of(systemctl, "is-active", unit), Map.of(), timeout);
        String state = r.stdout().strip();
        if (state.equals("active")) {
            return true;
        }
        if (!state.equals("activating")) {
            return false;
        }
        CommandResult sub = runner.run(List.of(systemctl, "show", "-p", "SubState", "--value", unit), Map.of(), timeout);
        return sub.ok() && sub.stdout().strip().equals("start");
    }

    private static List<String> command(boolean noBlock, String... args) {
        List<String> out = new ArrayList<>();
        if (noBlock) {
            out.add("--no-block");
        }
        out.addAll(List.of(args));
        return out;
    }

    private void systemctl(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(systemctl);
        cmd.addAll(args);
        runner.check(cmd, timeout);
    }
}
