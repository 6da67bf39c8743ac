package dev.charms.runner.tools;

/** Output printed exactly as is, bypassing --format: stdout (resource-get) and/or a stderr warning. */
record RawOutput(String stdout, String stderr) {
    static RawOutput stdout(String text) {
        return new RawOutput(text, "");
    }

    /** Juju's notice for the deprecated --format flag of tools without output (no trailing newline). */
    static RawOutput formatDeprecated(ToolCall call) {
        return new RawOutput("", call.value("format") == null ? ""
                : "--format flag deprecated for command " + ToolCall.goQuote(call.tool()));
    }
}
