package dev.charms.runner.agent;

import java.util.List;
import java.util.Map;

/**
 * One invocation of a hook tool (or of the emulated systemctl/journalctl) that a process inside a
 * unit made, as received on that unit's agent socket.
 *
 * @param unit  the unit whose socket received the call, e.g. {@code etcd/0}
 * @param tool  the tool name: the basename of the client's argv[0], e.g. {@code relation-get}
 * @param args  the arguments after argv[0]
 * @param env   the caller's JUJU_CONTEXT_ID, JUJU_* variables and PATH (only variables whose name starts
 *              with JUJU_ or equals CHARM_DIR, PATH, HOME)
 * @param cwd   the caller's working directory (inside the unit's filesystem view)
 * @param stdin the caller's standard input, or {@code null} when not sent (see {@link ToolResponse#needsStdin()})
 */
public record ToolRequest(String unit, String tool, List<String> args, Map<String, String> env, String cwd,
                          byte[] stdin) {
    public ToolRequest {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    /** The same request with standard input attached. */
    public ToolRequest withStdin(byte[] data) {
        return new ToolRequest(unit, tool, args, env, cwd, data);
    }
}
