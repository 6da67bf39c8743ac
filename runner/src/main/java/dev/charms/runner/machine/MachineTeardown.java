package dev.charms.runner.machine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Removes machines without needing the objects that made them (so it also works after a crash): kills
 * every process in a unit's namespaces, releases the namespace files, deletes the network namespace,
 * veth and finally the unit's files; and for a whole model also its bridge.
 */
final class MachineTeardown {
    private MachineTeardown() {
    }

    static void removeUnit(UnitLayout layout, ModelNetwork network, int machine) throws IOException {
        List<String> problems = new ArrayList<>();
        killProcesses(layout, network.netns(machine));
        releaseNamespaceFiles(layout.root(), problems);
        deleteNetwork(network, machine, problems);
        deleteTree(layout.root(), problems);
        if (!problems.isEmpty()) {
            throw new IOException(String.join("; ", problems));
        }
    }

    /** Removes everything of {@code model} under {@code stateDir} and on the host, whatever state it is in. */
    static void removeModel(Path stateDir, ModelNetwork network) throws IOException {
        List<String> problems = new ArrayList<>();
        Path modelDir = UnitLayout.modelDir(stateDir, network.model());
        if (Files.isDirectory(modelDir)) {
            try (DirectoryStream<Path> units = Files.newDirectoryStream(modelDir)) {
                for (Path unitDir : units) {
                    if (!Files.isDirectory(unitDir)) {
                        continue;
                    }
                    UnitLayout layout = new UnitLayout(unitDir, unitDir.getFileName().toString());
                    killProcesses(layout, null);
                    releaseNamespaceFiles(unitDir, problems);
                }
            }
        }
        for (String ns : leftoverNetns(network)) {
            killNetnsProcesses(ns);
            deleteNetns(ns, problems);
        }
        for (String link : leftoverVeths(network)) {
            HostCommand.Result result = HostCommand.quietly("ip", "link", "del", link);
            if (!result.ok() && linkExists(link)) {
                problems.add("cannot delete veth " + link + ": " + HostCommand.oneLine(result.stderr()));
            }
        }
        network.deleteBridge();
        if (linkExists(network.bridge())) {
            problems.add("cannot delete bridge " + network.bridge());
        }
        deleteTree(modelDir, problems);
        if (!problems.isEmpty()) {
            throw new IOException("cleanup of model " + network.model() + " incomplete: " + String.join("; ", problems));
        }
    }

    /** SIGKILLs every process in the unit's mount, UTS and (when named) network namespaces. */
    static void killProcesses(UnitLayout layout, String netns) {
        List<String> types = new ArrayList<>();
        List<Long> inodes = new ArrayList<>();
        OptionalLong mnt = NamespaceProcesses.inodeOf(layout.mountNs());
        if (mnt.isPresent()) {
            types.add("mnt");
            inodes.add(mnt.getAsLong());
        }
        OptionalLong uts = NamespaceProcesses.inodeOf(layout.utsNs());
        if (uts.isPresent()) {
            types.add("uts");
            inodes.add(uts.getAsLong());
        }
        if (netns != null) {
            OptionalLong net = NamespaceProcesses.inodeOf(Path.of("/run/netns", netns));
            if (net.isPresent()) {
                types.add("net");
                inodes.add(net.getAsLong());
            }
        }
        NamespaceProcesses.killAll(types, inodes);
    }

    private static void killNetnsProcesses(String netns) {
        OptionalLong net = NamespaceProcesses.inodeOf(Path.of("/run/netns", netns));
        if (net.isPresent()) {
            NamespaceProcesses.killAll(List.of("net"), List.of(net.getAsLong()));
        }
    }

    private static void releaseNamespaceFiles(Path unitRoot, List<String> problems) throws IOException {
        for (Path mount : HostMounts.below(unitRoot)) {
            HostCommand.Result result = HostCommand.quietly("umount", mount.toString());
            if (!result.ok()) {
                result = HostCommand.quietly("umount", "-l", mount.toString());
                if (!result.ok()) {
                    problems.add("cannot unmount " + mount + ": " + HostCommand.oneLine(result.stderr()));
                }
            }
        }
    }

    private static void deleteNetwork(ModelNetwork network, int machine, List<String> problems) {
        deleteNetns(network.netns(machine), problems);
        String veth = network.hostVeth(machine);
        if (linkExists(veth)) {
            HostCommand.Result result = HostCommand.quietly("ip", "link", "del", veth);
            if (!result.ok() && linkExists(veth)) {
                problems.add("cannot delete veth " + veth + ": " + HostCommand.oneLine(result.stderr()));
            }
        }
    }

    private static void deleteNetns(String ns, List<String> problems) {
        if (Files.exists(Path.of("/run/netns", ns))) {
            HostCommand.Result result = HostCommand.quietly("ip", "netns", "del", ns);
            if (!result.ok()) {
                problems.add("cannot delete network namespace " + ns + ": " + HostCommand.oneLine(result.stderr()));
            }
        }
    }

    private static List<String> leftoverNetns(ModelNetwork network) throws IOException {
        List<String> found = new ArrayList<>();
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return found;
        }
        String prefix = network.netns(0).substring(0, network.netns(0).length() - 1);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path entry : entries) {
                found.add(entry.getFileName().toString());
            }
        }
        return found;
    }

    private static List<String> leftoverVeths(ModelNetwork network) throws IOException {
        List<String> found = new ArrayList<>();
        String prefix = network.hostVeth(0).substring(0, network.hostVeth(0).length() - 1);
        try (DirectoryStream<Path> links = Files.newDirectoryStream(Path.of("/sys/class/net"), prefix + "*")) {
            for (Path link : links) {
                found.add(link.getFileName().toString());
            }
        }
        return found;
    }

    static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    /** Deletes {@code root} without following symlinks and refusing to descend into anything still mounted. */
    private static void deleteTree(Path root, List<String> problems) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> stillMounted = HostMounts.below(root);
        if (!stillMounted.isEmpty()) {
            problems.add("not deleting " + root + ": still mounted at " + stillMounted);
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
