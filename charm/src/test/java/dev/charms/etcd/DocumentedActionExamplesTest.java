package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.charms.charmfiles.ActionArgs;
import dev.charms.charmfiles.ActionsSpec;
import dev.charms.charmfiles.CharmFileException;
import dev.charms.etcd.actions.ActionParams;
import dev.charms.etcd.actions.ClientCredentials;
import dev.charms.etcd.actions.Compaction;
import dev.charms.etcd.actions.SnapshotTarget;
import dev.charms.ops.ActionFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code juju run} and {@code juju run-action} example in README.md and docs/*.md is parsed as
 * Juju parses it (values typed as YAML, docs/juju-contract.md, section 7) and validated against
 * actions.yaml as Juju validates it, both typed and with {@code --string-args}: an example Juju would
 * refuse fails the build. The charm's own parameter parsing must then accept what Juju passes on.
 */
class DocumentedActionExamplesTest {
    private static final Pattern COMMAND = Pattern.compile("^(?:\\$ )?(?:juju run(?:-action)?|bin/local-juju run(?:-action)?) .*");
    private static final Pattern UNIT = Pattern.compile("^[a-z][a-z0-9-]*/(?:[0-9]+|leader)$");
    private static final Pattern DURATION = Pattern.compile("^[0-9]+[smh]$");
    /** What the placeholders in the examples stand for. */
    private static final Map<String, String> PLACEHOLDERS = Map.of(
            "<sha256>", "a8001d14689aed5dd6478785c4b09ee29f5bf60cddb33509b4fa4943f9f06ed5",
            "<file>", "etcd-snapshot-etcd-20261125T083417Z",
            "<time>", "20261125T083417Z");
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\((sha256sum [^)]*)\\)");

    record Example(String where, String text) {
    }

    @Test
    void everyDocumentedExampleIsAcceptedAsJujuParsesIt() throws IOException {
        ActionsSpec spec = ActionsSpec.parse(Files.readString(Path.of("actions.yaml")));
        List<Example> examples = examples();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        boolean compactWithRevision = false;
        for (Example e : examples) {
            List<String> tokens = tokens(e);
            if (tokens.stream().anyMatch(t -> t.contains("[") || t.contains("...") || t.equals("<unit>"))) {
                continue; // a syntax line, not an example
            }
            if (tokens.stream().anyMatch(t -> t.contains("$(") || t.matches(".*<[a-z-]+>.*"))) {
                problems.add(e.where() + ": an unknown placeholder or substitution in " + e.text()
                        + " (add what it stands for to PLACEHOLDERS)");
                continue;
            }
            String unit = tokens.get(0);
            if (!UNIT.matcher(unit).matches() || tokens.size() < 2 || spec.action(tokens.get(1)).isEmpty()) {
                problems.add(e.where() + ": not a unit and an action of this charm: " + e.text());
                continue;
            }
            String action = tokens.get(1);
            List<String> args = new ArrayList<>();
            for (int i = 2; i < tokens.size(); i++) {
                String t = tokens.get(i);
                if (t.startsWith("--")) {
                    boolean takesValue = List.of("--format", "--params", "--model").contains(t)
                            || t.equals("--wait") && i + 1 < tokens.size() && DURATION.matcher(tokens.get(i + 1)).matches();
                    i += takesValue ? 1 : 0;
                } else {
                    args.add(t);
                }
            }
            for (boolean stringArgs : new boolean[] {false, true}) {
                try {
                    Map<String, Object> params = spec.validate(action, ActionArgs.parse(args, stringArgs));
                    charmParses(action, params);
                } catch (CharmFileException | ActionArgs.InvalidArgumentException | ActionFailedException x) {
                    problems.add(e.where() + (stringArgs ? " (with --string-args)" : "") + ": " + e.text() + " -> "
                            + x.getMessage());
                }
            }
            checked++;
            compactWithRevision |= action.equals("compact") && args.stream().anyMatch(a -> a.matches("revision=[0-9]+"));
        }
        if (!problems.isEmpty()) {
            fail("documented action examples Juju would refuse:\n" + String.join("\n", problems));
        }
        assertTrue(checked >= 30, "only " + checked + " examples found in " + examples);
        assertTrue(compactWithRevision, "no compact example with a revision number");
    }

    /** The charm's reading of the parameters that have more than one form. */
    private static void charmParses(String action, Map<String, Object> params) {
        switch (action) {
            case "compact" -> {
                Compaction.parseRevision(params.get("revision"));
                ActionParams.flag("physical", params.get("physical"), false);
            }
            case "generate-client-certificates" -> ClientCredentials.Request.of(params);
            case "snapshot" -> SnapshotTarget.checkKeysVersion(params.get("keys-version"));
            case "restore" -> {
                ActionParams.flag("skip-backup", params.get("skip-backup"), false);
                ActionParams.flag("dry-run", params.get("dry-run"), false);
            }
            case "rebuild-cluster" -> {
                ActionParams.flag("force", params.get("force"), false);
                ActionParams.flag("dry-run", params.get("dry-run"), false);
            }
            default -> params.forEach((k, v) -> {
                if (!(v instanceof String)) {
                    throw new ActionFailedException(k + " must be text, got " + v);
                }
            });
        }
    }

    /** The command lines of fenced blocks and the inline code spans that are action invocations. */
    static List<Example> examples() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Example> out = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            boolean fenced = false;
            StringBuilder prose = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().startsWith("```")) {
                    fenced = !fenced;
                    prose.append('\n');
                    continue;
                }
                if (fenced) {
                    String command = line.strip();
                    if (COMMAND.matcher(command).matches()) {
                        out.add(new Example(file + ":" + (i + 1), command));
                    }
                    prose.append('\n');
                } else {
                    prose.append(line).append('\n');
                }
            }
            Matcher span = Pattern.compile("`([^`]+)`").matcher(prose);
            while (span.find()) {
                String text = span.group(1).replaceAll("\\s+", " ").strip();
                if (COMMAND.matcher(text).matches()) {
                    int line = (int) prose.substring(0, span.start()).chars().filter(c -> c == '\n').count() + 1;
                    out.add(new Example(file + ":" + line, text));
                }
            }
        }
        return out;
    }

    /** The arguments after {@code juju run}/{@code run-action}, split and unquoted as a POSIX shell does. */
    static List<String> tokens(Example e) {
        String text = e.text().replaceFirst("^\\$ ", "");
        text = SUBSTITUTION.matcher(text).replaceAll(m -> PLACEHOLDERS.get("<sha256>"));
        for (Map.Entry<String, String> p : PLACEHOLDERS.entrySet()) {
            text = text.replace(p.getKey(), p.getValue());
        }
        List<String> tokens = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inToken = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inToken = true;
            } else if (c == '#' && !inToken) {
                break;
            } else if (Character.isWhitespace(c)) {
                if (inToken) {
                    tokens.add(cur.toString());
                    cur.setLength(0);
                    inToken = false;
                }
            } else {
                cur.append(c);
                inToken = true;
            }
        }
        if (inToken) {
            tokens.add(cur.toString());
        }
        return new ArrayList<>(tokens.subList(2, tokens.size())); // after "juju run" or "bin/local-juju run"
    }
}
