package dev.charms.runner.controller;

import dev.charms.runner.agent.ToolHandler;
import dev.charms.runner.machine.Machine;

import java.io.IOException;

/** Makes the machine for each new unit of one model, and removes what is left of the model's machines. */
public interface MachineProvider {
    /**
     * A fresh machine for {@code unitName} (e.g. {@code etcd/3}) with its hook tools installed and its agent
     * socket answering tool calls with {@code hookTools} (systemctl/journalctl by the machine's systemd).
     */
    Machine create(String unitName, ToolHandler hookTools) throws IOException;

    /**
     * As {@link #create(String, ToolHandler)}; with {@code hideHostJava} the machine sees none of the host's
     * Java runtimes (model config {@code host-java=hidden}, runner only: a machine with no Java installed).
     */
    default Machine create(String unitName, ToolHandler hookTools, boolean hideHostJava) throws IOException {
        if (hideHostJava) {
            throw new IOException("these machines cannot hide the host's Java (model config host-java=hidden)");
        }
        return create(unitName, hookTools);
    }

    /** Removes every machine, namespace, mount, bridge and file of the model, even after a crash. */
    void cleanup();
}
