package dev.charms.runner.machine;

import dev.charms.runner.agent.AgentSocketServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A unit's machine made of Linux namespaces (see {@link MachineFactory} for how it is built): a named
 * network namespace with one veth on the model's bridge, and a persistent mount + UTS namespace with
 * overlays over the host's /etc, /var, /home, /root, /opt, /srv and /usr/local, fresh /tmp and /run,
 * and the unit's agent and tools directories bind-mounted where Juju puts them.
 */
public final class NamespaceMachine implements Machine {
    private final UnitLayout layout;
    private final ModelNetwork network;
    private final int machineId;
    private final String address;
    private final String hostname;
    private final OverlayFiles files;
    private AgentSocketServer agentSocket;
    private EmulatedSystemd systemd;
    private boolean closed;
    private final List<Path> ownFileSystems = new java.util.concurrent.CopyOnWriteArrayList<>();

    NamespaceMachine(UnitLayout layout, ModelNetwork network, int machineId, String address, String hostname) {
        this.layout = layout;
        this.network = network;
        this.machineId = machineId;
        this.address = address;
        this.hostname = hostname;
        this.files = new OverlayFiles(layout);
    }

    MachineFiles files() {
        return files;
    }

    void attach(AgentSocketServer agentSocket, EmulatedSystemd systemd) {
        this.agentSocket = agentSocket;
        this.systemd = systemd;
    }

    @Override
    public String unitName() {
        return layout.unitName();
    }

    /** The Juju machine number (JUJU_MACHINE_ID); also the last part of the hostname. */
    public int machineId() {
        return machineId;
    }

    /** The model id this machine belongs to. */
    public String model() {
        return network.model();
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public String hostname() {
        return hostname;
    }

    /** The agent socket path as processes inside the machine see it (JUJU_AGENT_SOCKET_ADDRESS). */
    public String agentSocketInMachine() {
        return layout.socketInMachine();
    }

    /** The agent directory as processes inside the machine see it (its charm/ is CHARM_DIR). */
    public String agentDirInMachine() {
        return layout.agentDirInMachine();
    }

    /** The tools directory as processes inside the machine see it (first on PATH in hooks). */
    public String toolsDirInMachine() {
        return layout.toolsDirInMachine();
    }

    @Override
    public Process exec(List<String> argv, Map<String, String> env, String cwd) throws IOException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("exec needs a command");
        }
        ProcessBuilder builder = new ProcessBuilder(enter(argv, cwd));
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * The command line that runs {@code argv} inside this machine with working directory {@code cwd}:
     * nsenter, then coreutils' {@code env -C} for the directory (nsenter's own --wd would resolve it on
     * the host); both exec, so the process started is {@code argv}'s with an unchanged environment.
     */
    List<String> enter(List<String> argv, String cwd) {
        List<String> command = new ArrayList<>(List.of("nsenter",
                "--net=/run/netns/" + network.netns(machineId),
                "--mount=" + layout.mountNs(), "--uts=" + layout.utsNs(), "--",
                "/usr/bin/env", "-C", cwd == null || cwd.isEmpty() ? "/" : cwd, "--"));
        command.addAll(argv);
        return command;
    }

    /**
     * Mounts a tmpfs of {@code sizeMb} MiB at {@code location} in this machine's mount namespace (a unit's
     * filesystem storage of that size: writes beyond it fail with "no space left on device"). Files there
     * are reached from the host through a process running in the machine, as /tmp's are.
     */
    public void mountTmpfs(String location, long sizeMb) throws IOException {
        Path at = Path.of(location).normalize();
        if (!at.isAbsolute() || sizeMb <= 0) {
            throw new IllegalArgumentException("a tmpfs needs an absolute location and a size: " + location + ", " + sizeMb + " MiB");
        }
        Process p = exec(List.of("/bin/mount", "-t", "tmpfs", "-o", "size=" + sizeMb + "m,mode=0755", "tmpfs", at.toString()),
                Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "/");
        try {
            if (p.waitFor() != 0) {
                throw new IOException("cannot mount a " + sizeMb + " MiB tmpfs at " + at + " in " + unitName() + ": "
                        + new String(p.getErrorStream().readAllBytes()).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while mounting " + at, e);
        }
        ownFileSystems.add(at);
    }

    @Override
    public Path agentDir() {
        return layout.agent();
    }

    @Override
    public Path toolsDir() {
        return layout.tools();
    }

    /**
     * For overlaid directories the file's copy in the overlay's upper directory when the unit wrote it,
     * else the host's file underneath; the agent and tools directories map to their host directories;
     * /tmp, /run and storage file systems (the machine's own tmpfs) are reached through a process running
     * in the machine.
     */
    @Override
    public Path hostPathOf(String pathInMachine) {
        Path path = Path.of(pathInMachine).normalize();
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("not an absolute path in the machine: " + pathInMachine);
        }
        Path agent = Path.of(layout.agentDirInMachine());
        Path tools = Path.of(layout.toolsDirInMachine());
        if (path.startsWith(agent)) {
            return layout.agent().resolve(agent.relativize(path).toString());
        }
        if (path.startsWith(tools)) {
            return layout.tools().resolve(tools.relativize(path).toString());
        }
        if (ownFileSystems.stream().anyMatch(path::startsWith)) {
            return viaRunningProcess(path);
        }
        for (String dir : UnitLayout.OVERLAID) {
            Path top = Path.of(dir);
            if (path.startsWith(top)) {
                String rest = top.relativize(path).toString();
                Path upper = layout.upper(dir).resolve(rest);
                return Files.exists(upper, LinkOption.NOFOLLOW_LINKS) ? upper : path;
            }
        }
        if (path.startsWith("/tmp") || path.startsWith("/run")) {
            return viaRunningProcess(path);
        }
        return path;
    }

    private Path viaRunningProcess(Path path) {
        long inode = NamespaceProcesses.inodeOf(layout.mountNs()).orElseThrow(
                () -> new IllegalStateException("machine " + unitName() + " is gone"));
        List<Long> pids = NamespaceProcesses.pidsIn("mnt", inode);
        if (pids.isEmpty()) {
            throw new IllegalArgumentException(path + " is on " + unitName()
                    + "'s own tmpfs and no process runs there to reach it through");
        }
        return Path.of("/proc", pids.get(0).toString(), "root").resolve(path.toString().substring(1));
    }

    @Override
    public Systemd systemd() {
        return systemd;
    }

    @Override
    public void cutNetwork() throws IOException {
        HostCommand.run("ip", "link", "set", network.hostVeth(machineId), "down");
    }

    @Override
    public void healNetwork() throws IOException {
        HostCommand.run("ip", "link", "set", network.hostVeth(machineId), "up");
    }

    @Override
    public synchronized void powerOff() throws IOException {
        if (closed) {
            throw new IllegalStateException("machine " + unitName() + " is gone");
        }
        if (systemd != null) {
            systemd.powerLoss();
        }
        MachineTeardown.killProcesses(layout, network.netns(machineId));
        MachineSetup.freshTmpfs(layout);
    }

    @Override
    public synchronized List<String> boot() {
        if (closed) {
            throw new IllegalStateException("machine " + unitName() + " is gone");
        }
        return systemd == null ? List.of() : systemd.boot();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (systemd != null) {
            systemd.stopAll();
        }
        if (agentSocket != null) {
            agentSocket.close();
        }
        try {
            MachineTeardown.removeUnit(layout, network, machineId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fully remove machine " + unitName(), e);
        }
    }

    @Override
    public String toString() {
        return "machine " + machineId + " (" + unitName() + ", " + address + ", " + hostname + ")";
    }
}
