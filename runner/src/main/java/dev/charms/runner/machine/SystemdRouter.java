package dev.charms.runner.machine;

import dev.charms.runner.agent.ToolHandler;
import dev.charms.runner.agent.ToolRequest;
import dev.charms.runner.agent.ToolResponse;

/** Sends {@code systemctl} and {@code journalctl} calls to a machine's systemd and all other tools to the hook tools. */
final class SystemdRouter implements ToolHandler {
    private final Systemd systemd;
    private final ToolHandler hookTools;

    SystemdRouter(Systemd systemd, ToolHandler hookTools) {
        this.systemd = systemd;
        this.hookTools = hookTools;
    }

    @Override
    public ToolResponse handle(ToolRequest request) {
        return switch (request.tool()) {
            case "systemctl", "journalctl" -> systemd.handle(request);
            default -> hookTools.handle(request);
        };
    }
}
