package dev.charms.runner.machine;

import java.nio.file.Path;
import java.util.List;

/**
 * Where one unit's machine keeps its state on the host:
 * {@code <stateDir>/models/<model>/<app>-<n>/} with {@code agent/} and {@code tools/} (bind-mounted into
 * the machine at /var/lib/juju/agents|tools/unit-<app>-<n>), {@code ns/} (the persistent mount and UTS
 * namespace files), {@code overlay/<dir>/{upper,work}} for every overlaid directory, {@code journal/}
 * (service output) and the file {@code machine} holding the machine number.
 */
record UnitLayout(Path root, String unitName) {
    /** Directories of the machine that are overlays over the host's. */
    static final List<String> OVERLAID = List.of("/etc", "/var", "/home", "/root", "/opt", "/srv", "/usr/local");

    static Path modelDir(Path stateDir, String model) {
        return stateDir.resolve("models").resolve(model);
    }

    static UnitLayout of(Path stateDir, String model, String unitName) {
        return new UnitLayout(modelDir(stateDir, model).resolve(unitTag(unitName)), unitName);
    }

    /** {@code etcd/0} becomes {@code etcd-0}. */
    static String unitTag(String unitName) {
        return unitName.replace('/', '-');
    }

    Path agent() {
        return root.resolve("agent");
    }

    Path tools() {
        return root.resolve("tools");
    }

    Path nsDir() {
        return root.resolve("ns");
    }

    Path mountNs() {
        return nsDir().resolve("mnt");
    }

    Path utsNs() {
        return nsDir().resolve("uts");
    }

    Path overlayRoot() {
        return root.resolve("overlay");
    }

    /** {@code /usr/local} becomes {@code overlay/usr-local}. */
    static String overlayName(String dirInMachine) {
        return dirInMachine.substring(1).replace('/', '-');
    }

    Path upper(String dirInMachine) {
        return overlayRoot().resolve(overlayName(dirInMachine)).resolve("upper");
    }

    Path work(String dirInMachine) {
        return overlayRoot().resolve(overlayName(dirInMachine)).resolve("work");
    }

    Path journal() {
        return root.resolve("journal");
    }

    Path machineFile() {
        return root.resolve("machine");
    }

    String agentDirInMachine() {
        return "/var/lib/juju/agents/unit-" + unitTag(unitName);
    }

    String toolsDirInMachine() {
        return "/var/lib/juju/tools/unit-" + unitTag(unitName);
    }

    String socketInMachine() {
        return agentDirInMachine() + "/agent.socket";
    }
}
