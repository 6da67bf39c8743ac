package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The CLI-to-daemon protocol: JSON lines over the model's unix socket. The client sends one request line
 * {@code {"op": "status", "args": {...}}}; the daemon answers with any number of
 * {@code {"progress": ...}} lines (e.g. action-log messages) and then exactly one
 * {@code {"result": ...}} or {@code {"error": "one-line message"}} line, and closes the connection.
 */
final class DaemonProtocol {
    static final ObjectMapper JSON = new ObjectMapper()
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private DaemonProtocol() {
    }

    static ObjectNode request(String op, ObjectNode args) {
        ObjectNode req = JSON.createObjectNode();
        req.put("op", op);
        req.set("args", args);
        return req;
    }

    static ObjectNode progress(JsonNode value) {
        ObjectNode n = JSON.createObjectNode();
        n.set("progress", value);
        return n;
    }

    static ObjectNode result(JsonNode value) {
        ObjectNode n = JSON.createObjectNode();
        n.set("result", value);
        return n;
    }

    static ObjectNode error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        return n;
    }
}
