package dev.charms.runner.controller;

import dev.charms.runner.machine.Machine;
import dev.charms.runner.machine.NamespaceMachine;
import dev.charms.runner.model.Application;
import dev.charms.charmfiles.Storage;
import dev.charms.runner.model.StorageDirective;
import dev.charms.runner.model.Unit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/** Gives units their machines and puts the application's charm, resources and storage dirs there. */
final class Provisioner {
    private final ControllerState state;

    Provisioner(ControllerState state) {
        this.state = state;
    }

    /** Gives a new unit its machine (with tools and agent socket), charm and resources. */
    UnitHost provision(Application app, Unit unit) throws IOException {
        return provision(app, unit, Map.of());
    }

    /**
     * Gives a new unit its machine (with tools and agent socket), charm, resources and storage: each
     * filesystem storage it gets (the charm's minimum count, or a directive's) is a directory at its
     * location, with a tmpfs of the directive's size mounted there when the directive's pool is tmpfs.
     */
    UnitHost provision(Application app, Unit unit, Map<String, StorageDirective> directives) throws IOException {
        Machine machine = state.machines().create(unit.name(), state.execution().toolHandler(),
            state.model().hostJavaHidden());
        try {
            if (machine instanceof NamespaceMachine nm) {
                unit.setMachineId(String.valueOf(nm.machineId()));
            }
            unit.setAddress(machine.address());
            unit.setHostname(machine.hostname());
            Path charmDir = machine.agentDir().resolve("charm");
            CharmUnpacker.unpack(app.charmDir(), charmDir);
            for (Map.Entry<String, Path> r : app.resources().entrySet()) {
                copyResource(machine, app, r.getKey(), r.getValue());
            }
            for (Storage s : app.meta().storage().values()) {
                StorageDirective directive = directives.get(s.name());
                int count = directive == null ? s.minCount() : directive.count();
                if (count > 0 && "filesystem".equals(s.type()) && s.location() != null) {
                    makeDirectory(machine, s.location());
                    if (directive != null && directive.mountsFileSystem() && machine instanceof NamespaceMachine nm) {
                        nm.mountTmpfs(s.location(), directive.sizeMb());
                    }
                }
            }
            return new UnitHost(machine);
        } catch (IOException | RuntimeException e) {
            machine.close();
            throw e;
        }
    }

    /** {@code mkdir -p dir} inside the machine (storage locations live in its overlays). */
    private static void makeDirectory(Machine machine, String dir) throws IOException {
        Process p = machine.exec(List.of("/bin/mkdir", "-p", dir), Map.of("PATH", "/usr/bin:/bin"), "/");
        try {
            if (p.waitFor() != 0) {
                throw new IOException("cannot create storage directory " + dir + " in " + machine.unitName() + ": "
                    + new String(p.getErrorStream().readAllBytes()).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating " + dir, e);
        }
    }

    /** Copies resource {@code name} into the machine's {@code resources/<name>/<filename>}. */
    static void copyResource(Machine machine, Application app, String name, Path file) throws IOException {
        String filename = app.meta().resources().get(name).filename();
        Path target = machine.agentDir().resolve("resources").resolve(name)
            .resolve(filename == null || filename.isBlank() ? file.getFileName().toString() : filename);
        Files.createDirectories(target.getParent());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    }
}
