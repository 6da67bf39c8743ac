package dev.charms.runner.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one machine's namespaces, step by step, from the host: the veth pair and network namespace,
 * the hostname files, then a persistent mount + UTS namespace (held by bind-mounted namespace files)
 * in which a shell script mounts the overlays, tmpfs and bind mounts.
 */
final class MachineSetup {
    private static final String STAGE = "/run/.jlr-stage";

    private MachineSetup() {
    }

    static void network(ModelNetwork network, int machine, String address) throws IOException {
        String ns = network.netns(machine);
        String host = network.hostVeth(machine);
        String peer = network.peerVeth(machine);
        HostCommand.run("ip", "netns", "add", ns);
        HostCommand.run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
        HostCommand.run("ip", "link", "set", peer, "netns", ns);
        HostCommand.run("ip", "link", "set", host, "master", network.bridge(), "up");
        HostCommand.run("ip", "-n", ns, "link", "set", "lo", "up");
        HostCommand.run("ip", "-n", ns, "link", "set", peer, "name", "eth0");
        HostCommand.run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        HostCommand.run("ip", "-n", ns, "link", "set", "eth0", "up");
    }

    /**
     * Writes /etc/hostname and /etc/hosts into the /etc overlay's upper directory (before it is mounted),
     * and makes /home/ubuntu (0755) in the /home overlay when the host has none: every Juju machine has
     * the ubuntu user's home, where charms leave files for {@code juju scp}.
     */
    static void hostFiles(UnitLayout layout, String hostname, String address) throws IOException {
        if (!Files.isDirectory(Path.of("/home/ubuntu"))) {
            Files.createDirectories(layout.upper("/home").resolve("ubuntu"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        Path etc = layout.upper("/etc");
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("hostname"), hostname + "\n");
        String hosts = "127.0.0.1\tlocalhost\n" + address + "\t" + hostname + "\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";
        Files.writeString(etc.resolve("hosts"), hosts);
    }

    /**
     * Makes {@code <usr-local upper>/bin/systemctl} and {@code journalctl} point at the unit's tools, with
     * the {@code .agent.socket} link beside them, so an operator's plain {@code systemctl} in the machine
     * reaches the emulated systemd.
     */
    static void systemctlOnPath(UnitLayout layout) throws IOException {
        Path bin = Files.createDirectories(layout.upper("/usr/local").resolve("bin"));
        for (String tool : List.of("systemctl", "journalctl")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(layout.toolsDirInMachine(), tool));
        }
        Files.createSymbolicLink(bin.resolve(".agent.socket"), Path.of(layout.socketInMachine()));
    }

    /** Creates the persistent mount + UTS namespace and mounts the machine's filesystem view in it. */
    static void mounts(UnitLayout layout, String hostname, boolean hideHostJava) throws IOException {
        Path nsDir = layout.nsDir();
        Files.createDirectories(nsDir);
        HostCommand.run("mount", "--bind", nsDir.toString(), nsDir.toString());
        HostCommand.run("mount", "--make-private", nsDir.toString());
        Files.createFile(layout.mountNs());
        Files.createFile(layout.utsNs());
        HostCommand.run("unshare", "--mount=" + layout.mountNs(), "--uts=" + layout.utsNs(),
                "--propagation", "private", "true");
        for (String dir : UnitLayout.OVERLAID) {
            Files.createDirectories(layout.upper(dir));
            Files.createDirectories(layout.work(dir));
        }
        HostCommand.run("nsenter", "--mount=" + layout.mountNs(), "--uts=" + layout.utsNs(), "--",
                "/bin/sh", "-ec", script(layout, hostname, hideHostJava));
    }

    /**
     * The script run inside the new namespaces. It drops the namespace-file mounts copied from the host
     * (they would keep other machines' namespaces alive), stages the unit's host directories under a
     * fresh /run before any overlay can hide them, mounts the overlays and bind mounts, then /tmp. With
     * {@code hideHostJava} an empty read-only tmpfs covers {@code /usr/lib/jvm} (where Debian and Ubuntu
     * packages and most tarball installs put Java) and every {@code java} on the standard PATH that lies in
     * an overlaid directory or resolves into a hidden one is removed from the machine's view (a whiteout in
     * the overlay: the host keeps it), so nothing in the machine finds a Java runtime.
     */
    static String script(UnitLayout layout, String hostname, boolean hideHostJava) {
        List<String> lines = new ArrayList<>();
        lines.add("hostname " + q(hostname));
        lines.add("findmnt -rn -t nsfs -o TARGET | while read -r t; do umount -l \"$t\"; done");
        lines.add("umount -l /run/netns 2>/dev/null || true");
        lines.add("mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run");
        lines.add("mkdir -p /run/lock " + STAGE + "/agent " + STAGE + "/tools " + STAGE + "/overlay");
        lines.add("chmod 1777 /run/lock");
        lines.add("mount --bind " + q(layout.agent().toString()) + " " + STAGE + "/agent");
        lines.add("mount --bind " + q(layout.tools().toString()) + " " + STAGE + "/tools");
        lines.add("mount --bind " + q(layout.overlayRoot().toString()) + " " + STAGE + "/overlay");
        for (String dir : UnitLayout.OVERLAID) {
            String name = UnitLayout.overlayName(dir);
            lines.add("mkdir -p " + dir);
            lines.add("mount -t overlay overlay -o lowerdir=" + dir + ",upperdir=" + STAGE + "/overlay/" + name
                    + "/upper,workdir=" + STAGE + "/overlay/" + name + "/work " + dir);
        }
        lines.add("mkdir -p " + q(layout.agentDirInMachine()) + " " + q(layout.toolsDirInMachine()));
        lines.add("mount --bind " + STAGE + "/agent " + q(layout.agentDirInMachine()));
        lines.add("mount --bind " + STAGE + "/tools " + q(layout.toolsDirInMachine()));
        lines.add("umount " + STAGE + "/agent " + STAGE + "/tools " + STAGE + "/overlay");
        lines.add("rmdir " + STAGE + "/agent " + STAGE + "/tools " + STAGE + "/overlay " + STAGE);
        lines.add("mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp");
        if (hideHostJava) {
            lines.add("for f in /etc/alternatives/* /usr/local/bin/* /usr/local/sbin/* /opt/*/bin/java; do");
            lines.add("  case \"$(readlink -f \"$f\" 2>/dev/null)\" in /usr/lib/jvm/*|*/bin/java) rm -f \"$f\" ;; esac");
            lines.add("done");
            lines.add("if [ -d /usr/lib/jvm ]; then mount -t tmpfs -o ro,mode=755,size=4k tmpfs /usr/lib/jvm; fi");
            lines.add("if command -v java >/dev/null 2>&1; then echo \"java is still on PATH: $(command -v java)\" >&2; exit 1; fi");
        }
        return String.join("\n", lines) + "\n";
    }

    /**
     * Replaces the machine's /tmp and /run with empty tmpfs, as after a reboot (what was in them lived in
     * memory). Nothing the runner needs is under them once the machine is set up.
     */
    static void freshTmpfs(UnitLayout layout) throws IOException {
        HostCommand.run("nsenter", "--mount=" + layout.mountNs(), "--uts=" + layout.utsNs(), "--",
                "/bin/sh", "-ec", String.join("\n",
                        "umount -l /tmp",
                        "mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp",
                        "umount -l /run",
                        "mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run",
                        "mkdir -p /run/lock",
                        "chmod 1777 /run/lock") + "\n");
    }

    /** Quotes a word for /bin/sh. */
    static String q(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    static void writeMachineId(UnitLayout layout, int machine) throws IOException {
        Files.writeString(layout.machineFile(), Integer.toString(machine), StandardCharsets.US_ASCII);
    }
}
