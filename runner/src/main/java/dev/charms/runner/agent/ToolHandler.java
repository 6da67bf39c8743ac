package dev.charms.runner.agent;

/** Answers tool calls arriving on a unit's agent socket. Must be thread-safe. */
@FunctionalInterface
public interface ToolHandler {
    ToolResponse handle(ToolRequest request);
}
