package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.charms.runner.controller.Controller;
import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.Application;
import dev.charms.charmfiles.ConfigOption;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** The daemon's operations: each request op mapped onto the {@link Controller}, results as JSON. */
final class DaemonOps {
    private final Controller controller;

    DaemonOps(Controller controller) {
        this.controller = controller;
    }

    JsonNode handle(String op, JsonNode a, Consumer<JsonNode> progress) throws Exception {
        ObjectNode r = DaemonProtocol.JSON.createObjectNode();
        switch (op) {
            case "deploy" -> {
                Map<String, Path> resources = new LinkedHashMap<>();
                a.path("resources").properties().forEach(e -> resources.put(e.getKey(), Path.of(e.getValue().asText())));
                String app = controller.deploy(Path.of(a.get("charm").asText()),
                    a.hasNonNull("application") ? a.get("application").asText() : null, a.path("units").asInt(1),
                    strings(a.path("config")), resources, strings(a.path("storage")));
                r.put("application", app);
                r.put("charm", controller.model().requireApplication(app).meta().name());
            }
            case "add-unit" -> {
                ArrayNode units = r.putArray("units");
                controller.addUnit(a.get("application").asText(), a.path("units").asInt(1), strings(a.path("storage")))
                    .forEach(units::add);
            }
            case "remove-unit" -> {
                List<String> units = DaemonProtocol.JSON.convertValue(a.get("units"),
                    DaemonProtocol.JSON.getTypeFactory().constructCollectionType(List.class, String.class));
                if (a.path("force").asBoolean(false)) {
                    controller.forceRemoveUnit(units.toArray(String[]::new));
                } else {
                    controller.removeUnit(units.toArray(String[]::new));
                }
            }
            case "get-config" -> {
                return configDocument(a.get("application").asText());
            }
            case "set-config" -> controller.config(a.get("application").asText(), strings(a.path("values")));
            case "integrate" -> r.put("id", controller.integrate(a.get("first").asText(), a.get("second").asText()));
            case "remove-relation" -> controller.removeRelation(a.get("first").asText(), a.get("second").asText());
            case "refresh" -> r.put("revision", controller.refresh(a.get("application").asText(),
                Path.of(a.get("charm").asText())));
            case "attach-resource" -> controller.attachResource(a.get("application").asText(), a.get("name").asText(),
                Path.of(a.get("path").asText()));
            case "run-action" -> {
                return runAction(a, progress);
            }
            case "show-task" -> {
                return task(controller.task(a.get("id").asText()));
            }
            case "status" -> {
                return DaemonProtocol.JSON.valueToTree(controller.status());
            }
            case "wait" -> controller.waitIdle(Duration.ofMillis(a.path("timeoutMillis").asLong(600_000)));
            case "exec" -> {
                var result = controller.exec(a.get("unit").asText(), a.get("command").asText(),
                    Duration.ofMillis(a.path("timeoutMillis").asLong(300_000)));
                r.put("code", result.exitCode());
                r.put("stdout", result.stdout());
                r.put("stderr", result.stderr());
            }
            case "host-path" -> r.put("hostPath",
                controller.hostPath(a.get("unit").asText(), a.get("path").asText()).toString());
            case "cut" -> controller.cut(a.get("unit").asText());
            case "heal" -> controller.heal(a.get("unit").asText());
            case "crash" -> controller.crash(a.get("unit").asText(), a.get("service").asText());
            case "reboot" -> {
                List<String> targets = DaemonProtocol.JSON.convertValue(a.path("targets"),
                    DaemonProtocol.JSON.getTypeFactory().constructCollectionType(List.class, String.class));
                ArrayNode units = r.putArray("units");
                controller.reboot(targets == null ? List.of() : targets, a.path("all").asBoolean(false),
                    Duration.ofMillis(a.path("downMillis").asLong(0))).forEach(units::add);
            }
            case "elect" -> controller.elect(a.get("unit").asText());
            case "model-config" -> {
                controller.setModelConfig(strings(a.path("values")));
                return DaemonProtocol.JSON.valueToTree(controller.modelConfig());
            }
            case "destroy" -> controller.close();
            default -> throw new IllegalArgumentException("unknown request \"" + op + "\"");
        }
        return r;
    }

    private JsonNode runAction(JsonNode a, Consumer<JsonNode> progress) throws InterruptedException {
        Map<String, Object> params = DaemonProtocol.JSON.convertValue(a.path("params"),
            DaemonProtocol.JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
        ActionTask task = controller.runAction(a.get("target").asText(), a.get("action").asText(), params);
        ObjectNode enqueued = DaemonProtocol.JSON.createObjectNode();
        ObjectNode t = enqueued.putObject("enqueued");
        t.put("id", task.id());
        t.put("operation", task.operationId());
        t.put("unit", task.unitName());
        progress.accept(enqueued);
        long waitMillis = a.path("waitMillis").asLong(0);
        if (waitMillis <= 0) {
            return task(task);
        }
        long deadline = System.currentTimeMillis() + waitMillis;
        int sent = 0;
        while (true) {
            try {
                controller.awaitTask(task.id(), Duration.ofMillis(Math.min(100, Math.max(1,
                    deadline - System.currentTimeMillis()))));
                sent = streamLog(task, sent, progress);
                return task(task);
            } catch (TimeoutException e) {
                sent = streamLog(task, sent, progress);
                if (System.currentTimeMillis() >= deadline) {
                    throw new IllegalStateException("timed out waiting for results from: unit " + task.unitName());
                }
            }
        }
    }

    private static int streamLog(ActionTask task, int sent, Consumer<JsonNode> progress) {
        List<ActionTask.LogLine> log = task.log();
        for (int i = sent; i < log.size(); i++) {
            ObjectNode n = DaemonProtocol.JSON.createObjectNode();
            ObjectNode line = n.putObject("log");
            line.put("timestamp", log.get(i).timestamp().toString());
            line.put("message", log.get(i).message());
            progress.accept(n);
        }
        return log.size();
    }

    /** A task as the CLI formats it. */
    static ObjectNode task(ActionTask task) {
        ObjectNode n = DaemonProtocol.JSON.createObjectNode();
        n.put("id", task.id());
        n.put("operation", task.operationId());
        n.put("unit", task.unitName());
        n.put("action", task.name());
        n.put("status", task.state().word());
        n.put("message", task.message());
        n.set("results", DaemonProtocol.JSON.valueToTree(task.results()));
        ArrayNode log = n.putArray("log");
        for (ActionTask.LogLine l : task.log()) {
            ObjectNode e = log.addObject();
            e.put("timestamp", l.timestamp().toString());
            e.put("message", l.message());
        }
        putTime(n, "enqueued", task.enqueued());
        putTime(n, "started", task.started());
        putTime(n, "completed", task.completed());
        return n;
    }

    private static void putTime(ObjectNode n, String key, Instant t) {
        if (t != null) {
            n.put(key, t.toString());
        }
    }

    /** {@code juju config app}'s document: application, charm and settings with default/description/source/type/value. */
    private JsonNode configDocument(String appName) {
        Application app = controller.model().requireApplication(appName);
        Map<String, Object> values = app.config();
        Map<String, Object> explicit = app.configValues();
        Map<String, Object> settings = new TreeMap<>();
        for (ConfigOption o : app.configSchema().options().values()) {
            Map<String, Object> s = new TreeMap<>();
            if (o.defaultValue() != null) {
                s.put("default", o.defaultValue());
            }
            s.put("description", o.description() == null ? "" : o.description());
            s.put("source", explicit.containsKey(o.name()) ? "user" : o.defaultValue() != null ? "default" : "unset");
            s.put("type", o.type());
            if (values.containsKey(o.name())) {
                s.put("value", values.get(o.name()));
            }
            settings.put(o.name(), s);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("application", appName);
        doc.put("charm", app.meta().name());
        doc.put("settings", settings);
        return DaemonProtocol.JSON.valueToTree(doc);
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText()
            : e.getValue().toString()));
        return out;
    }
}
