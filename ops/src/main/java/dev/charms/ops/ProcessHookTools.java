package dev.charms.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real Juju hook tools found on PATH, exactly as docs/juju-contract.md, section 4 describes them:
 * {@code --format=json} wherever a tool prints something, {@code -r} with the numeric relation id, data
 * and secret content passed on stdin or in a 0600 temporary file (never as arguments, so it cannot leak
 * into process listings or error messages). A tool's exit code 1 or 2 and its {@code ERROR ...} line
 * become a {@link HookToolException}.
 */
public final class ProcessHookTools implements HookTools {
    private static final long DEFAULT_TIMEOUT_MILLIS = 120_000;
    private final Path toolDir;
    private final long timeoutMillis;

    /** Output of one finished tool process. */
    record Result(int code, String stdout, String stderr) {
    }

    /** Runs the tools found on PATH, as Juju provides them to a hook. */
    public ProcessHookTools() {
        this(null, DEFAULT_TIMEOUT_MILLIS);
    }

    /**
     * Runs the tools in {@code toolDir} (null: on PATH) and gives each at most {@code timeoutMillis}. The
     * JVM resolves a bare command name against its own PATH, not a child environment's, so a directory
     * is the way to point the tools somewhere else (tests).
     */
    ProcessHookTools(Path toolDir, long timeoutMillis) {
        this.toolDir = toolDir;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Map<String, Object> configGet() {
        return asMap(json("config-get", "--format=json"), "config-get");
    }

    @Override
    public boolean isLeader() {
        Object value = json("is-leader", "--format=json");
        if (value instanceof Boolean b) {
            return b;
        }
        throw malformed("is-leader", "expected true or false");
    }

    @Override
    public List<String> relationIds(String endpoint) {
        return asStringList(json("relation-ids", "--format=json", endpoint), "relation-ids");
    }

    @Override
    public List<String> relationList(int relationId) {
        return asStringList(json("relation-list", "--format=json", "-r", Integer.toString(relationId)),
                "relation-list");
    }

    @Override
    public String relationRemoteApp(int relationId) {
        Object value = json("relation-list", "--app", "--format=json", "-r", Integer.toString(relationId));
        if (value instanceof String s) {
            return s;
        }
        throw malformed("relation-list", "expected an application name");
    }

    @Override
    public Map<String, String> relationGet(int relationId, String unitOrApp, boolean app) {
        List<String> args = new ArrayList<>(List.of("--format=json", "-r", Integer.toString(relationId)));
        if (app) {
            args.add("--app");
        }
        args.add("-");
        args.add(unitOrApp);
        return asStringMap(json("relation-get", args.toArray(String[]::new)), "relation-get");
    }

    @Override
    public void relationSet(int relationId, Map<String, String> data, boolean app) {
        List<String> args = new ArrayList<>(List.of("-r", Integer.toString(relationId)));
        if (app) {
            args.add("--app");
        }
        args.add("--file");
        args.add("-");
        Map<String, Object> yaml = new LinkedHashMap<>(data);
        check("relation-set", run("relation-set", args, Json.write(yaml)));
    }

    @Override
    public void statusSet(String status, String message, boolean application) {
        List<String> args = new ArrayList<>();
        if (application) {
            args.add("--application");
        }
        args.add(status);
        args.add(message);
        check("status-set", run("status-set", args, null));
    }

    @Override
    public void applicationVersionSet(String version) {
        check("application-version-set", run("application-version-set", List.of(version), null));
    }

    @Override
    public void openPort(int port, String protocol) {
        check("open-port", run("open-port", List.of(port + "/" + protocol), null));
    }

    @Override
    public void closePort(int port, String protocol) {
        check("close-port", run("close-port", List.of(port + "/" + protocol), null));
    }

    @Override
    public List<String> openedPorts() {
        return asStringList(json("opened-ports", "--format=json"), "opened-ports");
    }

    @Override
    public Map<String, Object> goalState() {
        return asMap(json("goal-state", "--format=json"), "goal-state");
    }

    @Override
    public Map<String, Object> networkGet(String binding) {
        return asMap(json("network-get", "--format=json", binding), "network-get");
    }

    @Override
    public void jujuLog(String level, String message) {
        check("juju-log", run("juju-log", List.of("--log-level", level, "--", message), null));
    }

    @Override
    public Map<String, Object> actionGet() {
        return asMap(json("action-get", "--format=json"), "action-get");
    }

    @Override
    public void actionSet(Map<String, String> flatResults) {
        if (flatResults.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>();
        flatResults.forEach((k, v) -> args.add(k + "=" + v));
        check("action-set", run("action-set", args, null));
    }

    @Override
    public void actionFail(String message) {
        check("action-fail", run("action-fail", List.of(message), null));
    }

    @Override
    public void actionLog(String message) {
        check("action-log", run("action-log", List.of(message), null));
    }

    @Override
    public String secretAdd(Map<String, String> content, String label, String description, String owner) {
        return withContentFile(content, file -> {
            List<String> args = new ArrayList<>(List.of("--file", file.toString()));
            if (label != null) {
                args.add("--label");
                args.add(label);
            }
            if (description != null) {
                args.add("--description");
                args.add(description);
            }
            if (owner != null) {
                args.add("--owner");
                args.add(owner);
            }
            Result r = check("secret-add", run("secret-add", args, null));
            return r.stdout().strip();
        });
    }

    @Override
    public Map<String, String> secretGet(String uri, String label, boolean refresh) {
        List<String> args = new ArrayList<>(List.of("--format=json"));
        if (uri != null) {
            args.add(uri);
        }
        if (label != null) {
            args.add("--label");
            args.add(label);
        }
        if (refresh) {
            args.add("--refresh");
        }
        Result r = check("secret-get", run("secret-get", args, null));
        return asStringMap(parse("secret-get", r.stdout()), "secret-get");
    }

    @Override
    public void secretSet(String uri, Map<String, String> content) {
        withContentFile(content, file -> check("secret-set",
                run("secret-set", List.of(uri, "--file", file.toString()), null)));
    }

    @Override
    public void secretRemove(String uri) {
        check("secret-remove", run("secret-remove", List.of(uri), null));
    }

    @Override
    public List<String> secretIds() {
        return asStringList(json("secret-ids", "--format=json"), "secret-ids");
    }

    @Override
    public String resourceGet(String name) {
        return check("resource-get", run("resource-get", List.of(name), null)).stdout().strip();
    }

    private interface FileAction<T> {
        T apply(Path file) throws HookToolException;
    }

    /** Secret content goes through a 0600 file that is deleted at once: never through argv. */
    private static <T> T withContentFile(Map<String, String> content, FileAction<T> action) {
        Path file = null;
        try {
            file = Files.createTempFile("secret-", ".yaml",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Json.write(content));
            return action.apply(file);
        } catch (IOException e) {
            throw new HookToolException("secret", 1, "cannot write a temporary file: " + e.getMessage());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the file is 0600 in the temp dir; nothing more can be done
                }
            }
        }
    }

    private Object json(String tool, String... args) {
        Result r = check(tool, run(tool, List.of(args), null));
        return parse(tool, r.stdout());
    }

    private static Object parse(String tool, String stdout) {
        String text = stdout.strip();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw malformed(tool, e.getMessage());
        }
    }

    /**
     * Runs a tool; stdin is sent when given, otherwise closed at once. Output, error output and stdin are
     * pumped by their own threads so a tool that hangs (or never reads its input) is stopped after the
     * timeout instead of blocking the hook for ever.
     */
    Result run(String tool, List<String> args, String stdin) {
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(toolDir == null ? tool : toolDir.resolve(tool).toString());
        command.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new HookToolException(tool, 127, "cannot run " + tool + ": not found on PATH or not executable");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outReader = daemon(tool + "-stdout", () -> drain(p.getInputStream(), out));
        Thread errReader = daemon(tool + "-stderr", () -> drain(p.getErrorStream(), err));
        daemon(tool + "-stdin", () -> feed(p.getOutputStream(), stdin));
        try {
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new HookToolException(tool, 124, "no answer within " + timeoutMillis / 1000.0 + " s");
            }
            outReader.join(5000);
            errReader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new HookToolException(tool, 130, "interrupted");
        }
        Trace.mark("tool " + tool + " done");
        synchronized (out) {
            synchronized (err) {
                return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8),
                        err.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void feed(OutputStream in, String stdin) {
        try (in) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException ignored) {
            // the tool did not read its stdin; its exit code tells the rest
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream sink) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (sink) {
                    sink.write(buf, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process went away; what was read is kept
        }
    }

    /** Maps a failed run to the matching exception type; returns successful results unchanged. */
    static Result check(String tool, Result r) {
        if (r.code() == 0) {
            return r;
        }
        throw HookToolException.of(tool, r.code(), errorMessage(r.stderr()));
    }

    /** The first non-empty stderr line without Juju's {@code ERROR } prefix. */
    static String errorMessage(String stderr) {
        for (String line : stderr.split("\n")) {
            String s = line.strip();
            if (!s.isEmpty()) {
                return s.startsWith("ERROR ") ? s.substring(6) : s;
            }
        }
        return "no error message";
    }

    private static HookToolException malformed(String tool, String why) {
        return new HookToolException(tool, 0, "malformed output: " + why);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String tool) {
        if (value == null) {
            return Collections.emptyMap();
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw malformed(tool, "expected a JSON object");
    }

    private static Map<String, String> asStringMap(Object value, String tool) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : asMap(value, tool).entrySet()) {
            Object v = e.getValue();
            out.put(e.getKey(), v == null ? "" : v instanceof String s ? s : Json.write(v));
        }
        return out;
    }

    private static List<String> asStringList(Object value, String tool) {
        if (value == null) {
            return Collections.emptyList();
        }
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw malformed(tool, "expected a list of strings");
                }
                out.add(s);
            }
            return out;
        }
        throw malformed(tool, "expected a JSON list");
    }
}
