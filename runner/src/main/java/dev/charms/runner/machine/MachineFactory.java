package dev.charms.runner.machine;

import dev.charms.runner.agent.AgentSocketServer;
import dev.charms.runner.agent.ToolClientBinary;
import dev.charms.runner.agent.ToolHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes the machines of one model of the local runner: each unit gets a {@link NamespaceMachine} with
 * address 10.213.X.(11+machine) on the model's bridge, hostname {@code juju-<model>-<machine>}, its
 * tools directory filled with the jujuc client, an agent socket serving the unit's tool calls, and an
 * {@link EmulatedSystemd}. Needs root; {@link #forModel} fails fast otherwise.
 */
public final class MachineFactory {
    /** What a non-root user is told. */
    public static final String NEEDS_ROOT = "the local runner needs root for network and mount namespaces; "
            + "run it with sudo or in a VM/LXD container";
    private static final Pattern UNIT_NAME = Pattern.compile("[a-z][a-z0-9-]*/[0-9]+");
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9_./+@=-]+");

    private final Path stateDir;
    private final ModelNetwork network;
    private final ToolClientBinary client;

    private MachineFactory(Path stateDir, ModelNetwork network, ToolClientBinary client) {
        this.stateDir = stateDir;
        this.network = network;
        this.client = client;
    }

    /**
     * A factory for {@code model}'s machines, keeping their files under {@code stateDir} (an absolute path
     * of plain characters, short enough for unix socket paths). Checks root and the host commands first.
     */
    public static MachineFactory forModel(Path stateDir, String model) throws IOException {
        requireRoot();
        ModelNetwork network = new ModelNetwork(model);
        Path dir = stateDir.toAbsolutePath().normalize();
        if (!SAFE_PATH.matcher(dir.toString()).matches()) {
            throw new IllegalArgumentException("state directory " + dir
                    + " must consist of letters, digits and _ . / + @ = - only (it ends up in mount options)");
        }
        for (String command : List.of("ip", "unshare", "nsenter", "mount", "umount", "setpriv", "findmnt")) {
            if (!onPath(command)) {
                throw new IOException("the local runner needs the host command `" + command + "` (util-linux/iproute2)");
            }
        }
        Files.createDirectories(dir);
        return new MachineFactory(dir, network, ToolClientBinary.extract(dir));
    }

    /** Fails with {@link #NEEDS_ROOT} unless this process runs as root. */
    public static void requireRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("Uid:")) {
                String[] ids = line.substring(4).trim().split("\\s+");
                if (!"0".equals(ids[1])) {
                    throw new IOException(NEEDS_ROOT);
                }
                return;
            }
        }
        throw new IOException(NEEDS_ROOT);
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    public String model() {
        return network.model();
    }

    public Path stateDir() {
        return stateDir;
    }

    /**
     * Creates the machine for {@code unitName} (e.g. {@code etcd/0}). Its agent socket answers
     * {@code systemctl}/{@code journalctl} with the machine's emulated systemd and every other tool with
     * {@code hookTools}. On failure everything made so far is removed.
     */
    public NamespaceMachine create(String unitName, ToolHandler hookTools) throws IOException {
        return create(unitName, hookTools, false);
    }

    /**
     * As {@link #create(String, ToolHandler)}; with {@code hideHostJava} the machine sees no Java of the host
     * (see {@link MachineSetup#script}), as a machine with no Java installed.
     */
    public synchronized NamespaceMachine create(String unitName, ToolHandler hookTools, boolean hideHostJava)
        throws IOException {
        if (unitName == null || !UNIT_NAME.matcher(unitName).matches()) {
            throw new IllegalArgumentException("invalid unit name \"" + unitName + "\" (expected e.g. etcd/0)");
        }
        UnitLayout layout = UnitLayout.of(stateDir, network.model(), unitName);
        if (Files.exists(layout.root())) {
            throw new IOException("a machine for " + unitName + " already exists in model " + network.model()
                    + " (" + layout.root() + "); destroy the model first");
        }
        int subnet = network.ensureBridge();
        int machine = nextMachineId();
        String address = ModelNetwork.address(subnet, machine);
        String hostname = "juju-" + network.model() + "-" + machine;
        NamespaceMachine result = new NamespaceMachine(layout, network, machine, address, hostname);
        try {
            Files.createDirectories(layout.root());
            MachineSetup.writeMachineId(layout, machine);
            Files.createDirectories(layout.agent());
            Files.createDirectories(layout.journal());
            client.installInto(layout.tools(), layout.socketInMachine());
            MachineSetup.hostFiles(layout, hostname, address);
            MachineSetup.systemctlOnPath(layout);
            MachineSetup.network(network, machine, address);
            MachineSetup.mounts(layout, hostname, hideHostJava);
            EmulatedSystemd systemd = new EmulatedSystemd(result, layout.journal());
            AgentSocketServer socket = new AgentSocketServer(layout.agent().resolve("agent.socket"), unitName,
                    new SystemdRouter(systemd, hookTools));
            result.attach(socket, systemd);
            return result;
        } catch (IOException | RuntimeException e) {
            try {
                result.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private int nextMachineId() throws IOException {
        Set<Integer> used = new HashSet<>();
        Path modelDir = UnitLayout.modelDir(stateDir, network.model());
        if (Files.isDirectory(modelDir)) {
            try (DirectoryStream<Path> units = Files.newDirectoryStream(modelDir)) {
                for (Path unit : units) {
                    Path file = unit.resolve("machine");
                    if (Files.isRegularFile(file)) {
                        used.add(Integer.parseInt(Files.readString(file).trim()));
                    }
                }
            }
        }
        for (int id = 0; id <= ModelNetwork.maxMachine(); id++) {
            if (!used.contains(id)) {
                return id;
            }
        }
        throw new IOException("model " + network.model() + " has no free machine address left");
    }

    /**
     * Removes every machine, namespace, veth, mount, process and file of {@code model} under {@code stateDir},
     * and the model's bridge -- also after a crash, with no machine objects around. Used by destroy and by
     * test teardown; harmless when nothing is left.
     */
    public static void cleanupModel(Path stateDir, String model) throws IOException {
        requireRoot();
        MachineTeardown.removeModel(stateDir.toAbsolutePath().normalize(), new ModelNetwork(model));
    }
}
