package dev.charms.runner.tools;

import java.util.Set;

/**
 * A hook tool's definition: name, flags, whether it takes {@code --format}/{@code -o} (with its default
 * and accepted formats), whether it only works in actions, and its behaviour.
 */
record ToolSpec(String name, Flags flags, boolean formatted, String defaultFormat, Set<String> formats,
                boolean actionOnly, HookTool tool) {
    static ToolSpec of(String name, Flags flags, HookTool tool) {
        return new ToolSpec(name, flags, false, "smart", Set.of(), false, tool);
    }

    static ToolSpec formatted(String name, Flags flags, HookTool tool) {
        return new ToolSpec(name, flags.value("format").value("o", "output"), true, "smart", Formatter.FORMATS,
                false, tool);
    }

    ToolSpec onlyInActions() {
        return new ToolSpec(name, flags, formatted, defaultFormat, formats, true, tool);
    }

    /** Only YAML (the default) and JSON, as the secret tools that print content. */
    ToolSpec yamlOrJson() {
        return new ToolSpec(name, flags, formatted, "yaml", Set.of("yaml", "json"), actionOnly, tool);
    }
}
