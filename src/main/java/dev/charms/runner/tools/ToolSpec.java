package dev.charms.runner.tools;

/**
 * A hook tool's definition: name, flags, whether it takes {@code --format}/{@code -o} (and its default
 * format), whether it only works in actions, and its behaviour.
 */
record ToolSpec(String name, Flags flags, boolean formatted, String defaultFormat, boolean actionOnly, HookTool tool) {
    static ToolSpec of(String name, Flags flags, HookTool tool) {
        return new ToolSpec(name, flags, false, "smart", false, tool);
    }

    static ToolSpec formatted(String name, Flags flags, HookTool tool) {
        return new ToolSpec(name, flags.value("format").value("o", "output"), true, "smart", false, tool);
    }

    ToolSpec onlyInActions() {
        return new ToolSpec(name, flags, formatted, defaultFormat, true, tool);
    }

    ToolSpec withDefaultFormat(String format) {
        return new ToolSpec(name, flags, formatted, format, actionOnly, tool);
    }
}
