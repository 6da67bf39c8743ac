package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Renders a status snapshot as {@code juju status}' tables: Model, App, Unit and Integration. */
final class StatusTable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private StatusTable() {
    }

    static String render(JsonNode s) {
        StringBuilder out = new StringBuilder();
        Table model = new Table("Model", "Controller", "Cloud/Region", "Version", "SLA", "Timestamp");
        model.row(s.get("model").asText(), "local-juju", "localhost/localhost", "3.6.0", "unsupported",
            TIME.format(Instant.parse(s.get("time").asText())));
        out.append(model.render()).append('\n');

        Table apps = new Table("App", "Version", "Status", "Scale", "Charm", "Channel", "Rev", "Exposed", "Message");
        for (JsonNode a : s.get("applications")) {
            apps.row(a.get("name").asText(), a.path("version").asText(""), a.get("status").asText(),
                a.get("scale").asText(), a.get("charm").asText(), "", a.get("revision").asText(),
                a.get("exposed").asBoolean() ? "yes" : "no", a.path("message").asText(""));
        }
        out.append(apps.render()).append('\n');

        Table units = new Table("Unit", "Workload", "Agent", "Machine", "Public address", "Ports", "Message");
        for (JsonNode u : s.get("units")) {
            List<String> ports = new ArrayList<>();
            u.get("ports").forEach(p -> ports.add(p.asText()));
            String message = u.path("agent").asText().equals("error") ? u.path("agentMessage").asText("")
                : u.path("workloadMessage").asText("");
            boolean failed = u.path("agent").asText().equals("error");
            units.row(u.get("name").asText() + (u.get("leader").asBoolean() ? "*" : ""),
                failed ? "error" : u.get("workload").asText(), failed ? "idle" : u.get("agent").asText(), u.get("machine").asText(), u.path("address").asText(""),
                String.join(",", ports), message);
        }
        out.append(units.render());

        if (s.get("relations").size() > 0) {
            Table rels = new Table("Integration provider", "Requirer", "Interface", "Type", "Message");
            for (JsonNode r : s.get("relations")) {
                rels.row(r.get("provider").asText(), r.get("requirer").asText(), r.get("interfaceName").asText(),
                    r.get("type").asText(), "");
            }
            out.append('\n').append(rels.render());
        }
        return out.toString();
    }

    /** Left-aligned columns separated by two spaces; trailing blanks trimmed. */
    private static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        String render() {
            int cols = rows.get(0).length;
            int[] width = new int[cols];
            for (String[] r : rows) {
                for (int i = 0; i < cols; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < cols; i++) {
                    line.append(i == cols - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
                }
                sb.append(line.toString().stripTrailing()).append('\n');
            }
            return sb.toString();
        }
    }
}
