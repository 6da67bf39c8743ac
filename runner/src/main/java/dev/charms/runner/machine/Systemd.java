package dev.charms.runner.machine;

import dev.charms.runner.agent.ToolHandler;

/**
 * A machine's emulated systemd: answers {@code systemctl} and {@code journalctl} calls (as a
 * {@link ToolHandler}) and supervises the services it started (Restart=, RestartSec=).
 */
public interface Systemd extends ToolHandler {
    /** Sends SIGKILL to the main process of {@code service} (e.g. {@code etcd}), as a crash would. */
    void crash(String service);

    /** Whether the service is running now. */
    boolean isActive(String service);

    /** Stops every service (used when the machine goes away). */
    void stopAll();
}
