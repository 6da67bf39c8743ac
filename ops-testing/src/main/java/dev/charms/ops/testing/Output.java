package dev.charms.ops.testing;

import dev.charms.ops.Status;
import java.util.List;
import java.util.Map;

/**
 * What one run produced. {@code state} is what Juju holds afterwards: on a failed hook (exit code not 0)
 * it keeps the input's relation data, ports, secrets and stored state, because Juju commits those only on
 * success, but shows status, workload version, logs and action output, which take effect at once.
 */
public record Output(State state, int exitCode, String stderr, List<LogLine> logs, Map<String, Object> actionResults,
                     String actionFailure, List<String> actionLogs, List<StatusChange> statusHistory,
                     List<ToolCall> toolCalls, Map<String, String> env) {

    /** A {@code juju-log} line. */
    public record LogLine(String level, String message) {
    }

    /** A {@code status-set} call, for the unit or (with {@code --application}) the application. */
    public record StatusChange(boolean application, Status status) {
    }

    public Output {
        logs = List.copyOf(logs);
        actionResults = Copies.frozen(actionResults);
        actionLogs = List.copyOf(actionLogs);
        statusHistory = List.copyOf(statusHistory);
        toolCalls = List.copyOf(toolCalls);
        env = Map.copyOf(env);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** True when the action called {@code action-fail} (or failed with an exception). */
    public boolean actionFailed() {
        return actionFailure != null;
    }

    /** The calls made to one tool, in order. */
    public List<ToolCall> calls(String tool) {
        return toolCalls.stream().filter(c -> c.tool().equals(tool)).toList();
    }

    /** True when the charm ran this tool at least once. */
    public boolean called(String tool) {
        return toolCalls.stream().anyMatch(c -> c.tool().equals(tool));
    }

    /** The juju-log messages, in order. */
    public List<String> logMessages() {
        return logs.stream().map(LogLine::message).toList();
    }
}
