package dev.charms.runner.controller;

import dev.charms.runner.machine.Machine;

import java.nio.file.Path;

/**
 * Where a unit lives: its machine (which also serves the unit's agent socket), plus the paths Juju uses
 * inside the machine ({@code /var/lib/juju/agents/unit-etcd-0/charm} ...).
 */
final class UnitHost implements AutoCloseable {
    private final Machine machine;
    private final String tag;

    UnitHost(Machine machine) {
        this.machine = machine;
        this.tag = DebugLog.unitTag(machine.unitName());
    }

    Machine machine() {
        return machine;
    }

    static String agentDirInMachine(String unitName) {
        return "/var/lib/juju/agents/" + DebugLog.unitTag(unitName);
    }

    static String toolsDirInMachine(String unitName) {
        return "/var/lib/juju/tools/" + DebugLog.unitTag(unitName);
    }

    String agentDirInMachine() {
        return "/var/lib/juju/agents/" + tag;
    }

    String charmDirInMachine() {
        return agentDirInMachine() + "/charm";
    }

    String toolsDirInMachine() {
        return "/var/lib/juju/tools/" + tag;
    }

    String socketInMachine() {
        return agentDirInMachine() + "/agent.socket";
    }

    /** The unit's charm dir as seen from the host. */
    Path charmDir() {
        return machine.agentDir().resolve("charm");
    }

    @Override
    public void close() {
        machine.close();
    }
}
