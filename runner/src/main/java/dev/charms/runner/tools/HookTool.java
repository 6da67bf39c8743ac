package dev.charms.runner.tools;

/** The behaviour of one hook tool: returns the value to print (formatted per --format), or null. */
@FunctionalInterface
interface HookTool {
    Object run(ToolCall call) throws ToolException;
}
