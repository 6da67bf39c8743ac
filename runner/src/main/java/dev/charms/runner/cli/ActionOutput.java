package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints an action task (as sent by the daemon) the way {@code juju run} / {@code juju show-task} (3.x)
 * and {@code juju run-action --wait} (2.9) do.
 */
final class ActionOutput {
    private static final DateTimeFormatter GO_TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOG_TIME =
        DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final List<String> HIDDEN = List.of("return-code", "stdout", "stderr", "stdout-encoding",
        "stderr-encoding");

    private ActionOutput() {
    }

    /** {@code HH:MM:SS msg} for one action-log entry. */
    static String logLine(JsonNode entry) {
        return LOG_TIME.format(Instant.parse(entry.get("timestamp").asText())) + " " + entry.get("message").asText();
    }

    static String goTime(JsonNode iso) {
        return iso == null || iso.isNull() ? "" : GO_TIME.format(Instant.parse(iso.asText()));
    }

    /** The 3.x yaml/json document: {@code {unit: {id, status, message?, results, log, timing, unit}}}. */
    static Map<String, Object> juju3(JsonNode task) {
        Map<String, Object> body = new TreeMap<>();
        body.put("id", task.get("id").asText());
        body.put("status", task.get("status").asText());
        String message = task.path("message").asText("");
        if (!message.isEmpty()) {
            body.put("message", message);
        }
        body.put("results", DaemonProtocol.JSON.convertValue(task.get("results"), Map.class));
        List<String> log = new java.util.ArrayList<>();
        task.path("log").forEach(e -> log.add(goTime(e.get("timestamp")) + " " + e.get("message").asText()));
        if (!log.isEmpty()) {
            body.put("log", log);
        }
        body.put("timing", timing(task));
        body.put("unit", task.get("unit").asText());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put(task.get("unit").asText(), body);
        return doc;
    }

    /** The 2.9 {@code run-action --wait} document: {@code {unit-etcd-0: {UnitId, id, results{Code,...}, status, timing, unit}}}. */
    static Map<String, Object> juju29(JsonNode task) {
        Map<String, Object> body = new TreeMap<>();
        String unit = task.get("unit").asText();
        body.put("UnitId", unit);
        body.put("id", task.get("id").asText());
        body.put("status", task.get("status").asText());
        String message = task.path("message").asText("");
        if (!message.isEmpty()) {
            body.put("message", message);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> results = new TreeMap<>(DaemonProtocol.JSON.convertValue(task.get("results"), Map.class));
        Object code = results.remove("return-code");
        if (code != null) {
            results.put("Code", String.valueOf(code));
        }
        moveKey(results, "stdout", "Stdout");
        moveKey(results, "stderr", "Stderr");
        body.put("results", results);
        body.put("timing", timing(task));
        body.put("unit", unit);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("unit-" + unit.replace('/', '-'), body);
        return doc;
    }

    private static void moveKey(Map<String, Object> m, String from, String to) {
        Object v = m.remove(from);
        if (v != null) {
            m.put(to, v);
        }
    }

    private static Map<String, Object> timing(JsonNode task) {
        Map<String, Object> t = new TreeMap<>();
        for (String k : List.of("enqueued", "started", "completed")) {
            String v = goTime(task.get(k));
            if (!v.isEmpty()) {
                t.put(k, v);
            }
        }
        return t;
    }

    /** Plain output: results YAML without return-code/stdout/stderr, then stdout, then stderr (on err). */
    static void plain(JsonNode task, PrintWriter out, PrintWriter err) {
        if ("failed".equals(task.path("status").asText())) {
            err.println("Action id " + task.get("id").asText() + " failed: " + task.path("message").asText());
        }
        JsonNode results = task.path("results");
        ObjectNode shown = DaemonProtocol.JSON.createObjectNode();
        results.properties().forEach(e -> {
            if (!HIDDEN.contains(e.getKey())) {
                shown.set(e.getKey(), e.getValue());
            }
        });
        if (shown.size() > 0) {
            out.print(YamlText.dump(shown));
        }
        String stdout = results.path("stdout").asText("");
        if (!stdout.isEmpty()) {
            out.println(stdout.replaceAll("^\n+|\n+$", ""));
        }
        String stderr = results.path("stderr").asText("");
        if (!stderr.isEmpty()) {
            err.println(stderr.replaceAll("^\n+|\n+$", ""));
        }
    }

    /** Prints {@code task} in {@code format} (plain, yaml or json). */
    static void print(JsonNode task, String format, PrintWriter out, PrintWriter err) {
        switch (format) {
            case "plain" -> plain(task, out, err);
            case "yaml" -> out.print(YamlText.dump(juju3(task)));
            case "json" -> {
                try {
                    out.println(DaemonProtocol.JSON.writeValueAsString(juju3(task)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new CliException("cannot format task as JSON: " + e.getMessage());
                }
            }
            default -> throw new CliException("invalid value \"" + format + "\" for option --format: expected one of"
                + " [plain yaml json]", 2);
        }
    }

    /** Juju's exit rule: non-zero only when the action process exited with return code >= 1. */
    static void failOnReturnCode(JsonNode task) {
        int code = task.path("results").path("return-code").asInt(0);
        if (code >= 1) {
            throw new CliException("the following task failed:\n - id \"" + task.get("id").asText()
                + "\" with return code " + code + "\n\nuse 'juju show-task' to inspect the failure");
        }
    }
}
