package dev.charms.ops.testing;

import java.util.List;

/**
 * One hook-tool call the charm made, with arguments as the process implementation would pass them.
 * Secret content is never recorded: it appears as {@code <secret content: key, ...>}.
 */
public record ToolCall(String tool, List<String> args) {
    public ToolCall {
        args = List.copyOf(args);
    }

    @Override
    public String toString() {
        return args.isEmpty() ? tool : tool + " " + String.join(" ", args);
    }
}
