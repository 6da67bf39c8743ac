package dev.charms.runner.machine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One unit's machine in the local runner: its own network namespace and address, hostname, and a
 * persistent mount namespace in which /etc, /var, /home, /root, /opt, /srv and /usr/local are overlays
 * over the host's, so the charm writes the same absolute paths and binds the same ports as on a real
 * Juju machine.
 */
public interface Machine extends AutoCloseable {
    /** Juju unit name, e.g. {@code etcd/0}. */
    String unitName();

    /** The machine's IPv4 address on the runner's bridge. */
    String address();

    /** The machine's hostname (its own UTS namespace). */
    String hostname();

    /**
     * Starts a process inside the machine's namespaces with exactly {@code env} (nothing inherited) and
     * working directory {@code cwd} (a path inside the machine).
     */
    Process exec(List<String> argv, Map<String, String> env, String cwd) throws IOException;

    /** Host path of the machine's {@code /var/lib/juju/agents/unit-<app>-<n>} (holds charm/ and agent.socket). */
    Path agentDir();

    /** Host path of the machine's {@code /var/lib/juju/tools/unit-<app>-<n>} (the hook tools, first on PATH). */
    Path toolsDir();

    /** Host path under which a file the machine sees at {@code pathInMachine} can be read (e.g. for scp). */
    Path hostPathOf(String pathInMachine);

    /** The machine's emulated systemd. */
    Systemd systemd();

    /** Drops all traffic to and from the machine (a network partition) until {@link #healNetwork()}. */
    void cutNetwork() throws IOException;

    void healNetwork() throws IOException;

    /**
     * The machine loses power: every process in it ends at once (SIGKILL: services, hooks, commands; no
     * stop jobs, no Restart=) and what does not survive a reboot is lost (the tmpfs /run and /tmp). The
     * disks (the overlays, the agent directory) keep what was written. The machine stays off until
     * {@link #boot()}.
     */
    void powerOff() throws IOException;

    /** The machine boots after {@link #powerOff()}: the services enabled at boot start; returns them. */
    List<String> boot();

    /** Stops every service and process, unmounts, deletes the namespaces and the machine's files. */
    @Override
    void close();
}
