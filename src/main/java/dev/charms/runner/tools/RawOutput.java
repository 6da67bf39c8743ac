package dev.charms.runner.tools;

/** Output printed exactly as is, bypassing --format (resource-get). */
record RawOutput(String text) {
}
