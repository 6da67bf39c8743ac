package dev.charms.runner.machine;

import dev.charms.runner.agent.ToolResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code systemctl} invocation against an {@link EmulatedSystemd}: option parsing, the verbs the
 * charm and operators use, systemd's messages and exit codes (0 ok, 1 failure, 3 not running for
 * is-active/status, 4 no such unit for status, 5 unit not loaded for start/stop).
 */
final class Systemctl {
    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss z", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final List<String> DEFAULT_PROPERTIES = List.of("Id", "Names", "Description", "LoadState",
            "ActiveState", "SubState", "Result", "MainPID", "ExecMainPID", "ExecMainCode", "ExecMainStatus",
            "NRestarts", "UnitFileState", "FragmentPath", "Restart", "User");

    private static final String WANTS_ROOT = "/etc/systemd/system";

    private final EmulatedSystemd systemd;
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder err = new StringBuilder();
    private boolean quiet;
    private boolean noBlock;
    private boolean now;
    private boolean valueOnly;
    private int lines = 10;
    private int signal = Signals.SIGTERM;
    private final List<String> properties = new ArrayList<>();

    Systemctl(EmulatedSystemd systemd) {
        this.systemd = systemd;
    }

    ToolResponse run(List<String> args) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            try {
                switch (a) {
                    case "-q", "--quiet" -> quiet = true;
                    case "--no-block" -> noBlock = true;
                    case "--now" -> now = true;
                    case "--value" -> valueOnly = true;
                    case "--no-pager", "--no-legend", "--no-ask-password", "--system", "--full", "-l", "--all", "-a",
                         "--plain", "--force", "-f", "--runtime" -> {
                    }
                    case "-p", "--property" -> addProperties(args.get(++i));
                    case "-n", "--lines" -> lines = Integer.parseInt(args.get(++i));
                    case "-s", "--signal" -> signal = Signals.parse(args.get(++i));
                    default -> {
                        if (a.startsWith("--property=")) {
                            addProperties(a.substring("--property=".length()));
                        } else if (a.startsWith("-p") && a.length() > 2 && !a.startsWith("--")) {
                            addProperties(a.substring(2));
                        } else if (a.startsWith("--lines=")) {
                            lines = Integer.parseInt(a.substring("--lines=".length()));
                        } else if (a.startsWith("--signal=")) {
                            signal = Signals.parse(a.substring("--signal=".length()));
                        } else if (a.startsWith("--type=") || a.startsWith("--state=")) {
                            continue;
                        } else if (a.startsWith("-") && !a.equals("-")) {
                            return fail(1, "systemctl: unrecognized option '" + a + "'");
                        } else {
                            words.add(a);
                        }
                    }
                }
            } catch (IndexOutOfBoundsException e) {
                return fail(1, "systemctl: option '" + a + "' requires an argument");
            } catch (IllegalArgumentException e) {
                return fail(1, e.getMessage());
            }
        }
        String verb = words.isEmpty() ? "list-units" : words.get(0);
        List<String> units = new ArrayList<>();
        for (String w : words.subList(Math.min(1, words.size()), words.size())) {
            units.add(UnitDefinition.canonicalName(w));
        }
        try {
            int code = dispatch(verb, units);
            return new ToolResponse(code, out.toString().getBytes(StandardCharsets.UTF_8),
                    err.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail(1, "Failed to read unit files: " + e.getMessage());
        }
    }

    private void addProperties(String list) {
        for (String p : list.split(",")) {
            if (!p.isBlank()) {
                properties.add(p.strip());
            }
        }
    }

    private ToolResponse fail(int code, String message) {
        return new ToolResponse(code, new byte[0], (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private int dispatch(String verb, List<String> units) throws IOException {
        boolean needsUnits = !List.of("daemon-reload", "daemon-reexec", "list-units", "reset-failed").contains(verb);
        if (needsUnits && units.isEmpty()) {
            err.append("Too few arguments.\n");
            return 1;
        }
        return switch (verb) {
            case "daemon-reload", "daemon-reexec" -> {
                systemd.daemonReload();
                yield 0;
            }
            case "start" -> forEach(units, u -> start(u, "start"));
            case "stop" -> forEach(units, this::stop);
            case "restart", "reload-or-restart", "force-reload", "reload" -> forEach(units, u -> restart(u, verb));
            case "try-restart", "condrestart", "try-reload-or-restart" -> forEach(units, this::tryRestart);
            case "enable", "reenable" -> forEach(units, this::enable);
            case "disable" -> forEach(units, this::disable);
            case "mask" -> forEach(units, this::mask);
            case "unmask" -> forEach(units, this::unmask);
            case "is-active" -> isActive(units);
            case "is-failed" -> isFailed(units);
            case "is-enabled" -> isEnabled(units);
            case "status" -> forEach(units, this::status);
            case "show" -> show(units);
            case "cat" -> forEach(units, this::cat);
            case "kill" -> forEach(units, this::kill);
            case "reset-failed" -> resetFailed(units);
            case "list-units" -> listUnits();
            default -> {
                err.append("Unknown command verb '").append(verb).append("'.\n");
                yield 1;
            }
        };
    }

    /** A per-unit action returning an exit code. */
    private interface UnitAction {
        int apply(String unit) throws IOException;
    }

    private static int forEach(List<String> units, UnitAction action) throws IOException {
        int code = 0;
        for (String unit : units) {
            int c = action.apply(unit);
            if (code == 0) {
                code = c;
            }
        }
        return code;
    }

    private void warnIfChanged(String unit) throws IOException {
        if (systemd.changedOnDisk(unit)) {
            err.append("Warning: The unit file, source configuration file or drop-ins of ").append(unit)
                    .append(" changed on disk. Run 'systemctl daemon-reload' to reload units.\n");
        }
    }

    private static boolean isService(String unit) {
        return unit.endsWith(".service");
    }

    private int start(String unit, String verb) throws IOException {
        if (unit.endsWith(".timer")) {
            return startTimer(unit, verb);
        }
        if (!isService(unit)) {
            err.append("Failed to ").append(verb).append(' ').append(unit)
                    .append(": only .service and .timer units are emulated by the local runner.\n");
            return 1;
        }
        Optional<UnitDefinition> def = systemd.definition(unit);
        int refused = refusal(unit, verb, def);
        if (refused != 0) {
            return refused;
        }
        warnIfChanged(unit);
        Service service = systemd.service(def.get().id());
        return runJob(() -> {
            service.start(def.get());
            return 0;
        });
    }

    /** systemctl's exit status for starting a unit that is not found (5) or masked (1), with its message; 0 otherwise. */
    private int refusal(String unit, String verb, Optional<UnitDefinition> def) {
        if (def.isEmpty()) {
            err.append("Failed to ").append(verb).append(' ').append(unit).append(": Unit ").append(unit)
                    .append(" not found.\n");
            return 5;
        }
        if (def.get().masked()) {
            err.append("Failed to ").append(verb).append(' ').append(unit).append(": Unit ").append(unit)
                    .append(" is masked.\n");
            return 1;
        }
        return 0;
    }

    /** Starts (or, for restart, restarts) a timer unit (see {@link Timer}). */
    private int startTimer(String unit, String verb) throws IOException {
        Optional<UnitDefinition> def = systemd.definition(unit);
        int refused = refusal(unit, verb, def);
        if (refused != 0) {
            return refused;
        }
        warnIfChanged(unit);
        if (!verb.equals("start") || !systemd.timerActive(def.get().id())) {
            try {
                systemd.startTimer(def.get());
            } catch (IllegalArgumentException e) {
                err.append("Failed to ").append(verb).append(' ').append(unit).append(": ").append(e.getMessage()).append('\n');
                return 1;
            }
        }
        return 0;
    }

    /** A job that may fail like a systemd job. */
    private interface Job {
        int run() throws Service.StartFailure, IOException;
    }

    private int runJob(Job job) throws IOException {
        if (noBlock) {
            CompletableFuture.runAsync(() -> {
                try {
                    job.run();
                } catch (Service.StartFailure | IOException e) {
                    systemd.journal().append("systemctl", "systemctl", 0, e.getMessage());
                }
            });
            return 0;
        }
        try {
            return job.run();
        } catch (Service.StartFailure e) {
            err.append(e.getMessage()).append('\n');
            return 1;
        }
    }

    private int stop(String unit) throws IOException {
        if (unit.endsWith(".timer")) {
            if (!systemd.stopTimer(unit) && systemd.definition(unit).isEmpty()) {
                err.append("Failed to stop ").append(unit).append(": Unit ").append(unit).append(" not loaded.\n");
                return 5;
            }
            return 0;
        }
        Optional<Service> service = systemd.existingService(unit);
        if (service.isEmpty() && systemd.definition(unit).isEmpty()) {
            err.append("Failed to stop ").append(unit).append(": Unit ").append(unit).append(" not loaded.\n");
            return 5;
        }
        if (service.isPresent()) {
            return runJob(() -> {
                service.get().stop();
                return 0;
            });
        }
        return 0;
    }

    private int restart(String unit, String verb) throws IOException {
        if (unit.endsWith(".timer")) {
            return startTimer(unit, verb);
        }
        Optional<UnitDefinition> def = systemd.definition(unit);
        if (def.isEmpty() || def.get().masked() || !isService(unit)) {
            return start(unit, verb);
        }
        warnIfChanged(unit);
        Service service = systemd.service(def.get().id());
        return runJob(() -> {
            service.stop();
            service.start(def.get());
            return 0;
        });
    }

    private int tryRestart(String unit) throws IOException {
        Optional<Service> service = systemd.existingService(unit);
        if (service.isPresent() && service.get().isRunning()) {
            return restart(unit, "try-restart");
        }
        return 0;
    }

    private List<String> wantedBy(UnitDefinition def) {
        List<String> targets = new ArrayList<>();
        for (String value : def.all("Install", "WantedBy")) {
            for (String t : value.split("\\s+")) {
                targets.add(t + ".wants");
            }
        }
        for (String value : def.all("Install", "RequiredBy")) {
            for (String t : value.split("\\s+")) {
                targets.add(t + ".requires");
            }
        }
        return targets;
    }

    private int enable(String unit) throws IOException {
        Optional<UnitDefinition> def = systemd.definition(unit);
        if (def.isEmpty()) {
            err.append("Failed to enable unit: Unit file ").append(unit).append(" does not exist.\n");
            return 1;
        }
        if (def.get().masked()) {
            err.append("Failed to enable unit: Unit file ").append(WANTS_ROOT).append('/').append(unit)
                    .append(" is masked.\n");
            return 1;
        }
        List<String> targets = wantedBy(def.get());
        if (targets.isEmpty()) {
            err.append("The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
                    + "Alias= settings in the [Install] section, and DefaultInstance= for template\n"
                    + "units). This means they are not meant to be enabled or disabled using systemctl.\n");
        }
        for (String target : targets) {
            String dir = WANTS_ROOT + "/" + target;
            String link = dir + "/" + def.get().id();
            Optional<String> existing = systemd.files().readLink(link);
            if (existing.isPresent() && existing.get().equals(def.get().fragmentPath())) {
                continue;
            }
            int code = systemd.shell("mkdir -p " + MachineSetup.q(dir) + " && ln -sfn "
                    + MachineSetup.q(def.get().fragmentPath()) + " " + MachineSetup.q(link));
            if (code != 0) {
                err.append("Failed to enable unit: cannot create ").append(link).append('\n');
                return 1;
            }
            if (!quiet) {
                err.append("Created symlink ").append(link).append(" \u2192 ").append(def.get().fragmentPath()).append(".\n");
            }
        }
        return now ? start(unit, "start") : 0;
    }

    private List<String> enableLinks(String unit) {
        List<String> links = new ArrayList<>();
        for (String dir : systemd.files().list(WANTS_ROOT)) {
            if (dir.endsWith(".wants") || dir.endsWith(".requires")) {
                String link = WANTS_ROOT + "/" + dir + "/" + unit;
                if (systemd.files().find(link).isPresent()) {
                    links.add(link);
                }
            }
        }
        return links;
    }

    private int disable(String unit) throws IOException {
        if (systemd.definition(unit).isEmpty() && enableLinks(unit).isEmpty()) {
            err.append("Failed to disable unit: Unit file ").append(unit).append(" does not exist.\n");
            return 1;
        }
        for (String link : enableLinks(unit)) {
            systemd.shell("rm -f " + MachineSetup.q(link));
            if (!quiet) {
                err.append("Removed \"").append(link).append("\".\n");
            }
        }
        return now ? stop(unit) : 0;
    }

    private int mask(String unit) throws IOException {
        String path = WANTS_ROOT + "/" + unit;
        Optional<String> link = systemd.files().readLink(path);
        if (link.isPresent() && link.get().equals("/dev/null")) {
            return now ? stop(unit) : 0;
        }
        if (systemd.files().find(path).isPresent()) {
            err.append("Failed to mask unit: File ").append(path).append(" already exists.\n");
            return 1;
        }
        systemd.shell("mkdir -p " + WANTS_ROOT + " && ln -sfn /dev/null " + MachineSetup.q(path));
        systemd.daemonReload();
        if (!quiet) {
            err.append("Created symlink ").append(path).append(" \u2192 /dev/null.\n");
        }
        return now ? stop(unit) : 0;
    }

    private int unmask(String unit) throws IOException {
        String path = WANTS_ROOT + "/" + unit;
        Optional<String> link = systemd.files().readLink(path);
        if (link.isPresent() && link.get().equals("/dev/null")) {
            systemd.shell("rm -f " + MachineSetup.q(path));
            systemd.daemonReload();
            if (!quiet) {
                err.append("Removed \"").append(path).append("\".\n");
            }
        }
        return 0;
    }

    private String activeState(String unit) {
        if (unit.endsWith(".timer")) {
            return systemd.timerActive(unit) ? "active" : "inactive";
        }
        return systemd.existingService(unit).map(Service::activeState).orElse("inactive");
    }

    private int isActive(List<String> units) {
        boolean any = false;
        for (String unit : units) {
            String state = activeState(unit);
            any |= state.equals("active") || state.equals("reloading");
            if (!quiet) {
                out.append(state).append('\n');
            }
        }
        return any ? 0 : 3;
    }

    private int isFailed(List<String> units) {
        boolean any = false;
        for (String unit : units) {
            String state = activeState(unit);
            any |= state.equals("failed");
            if (!quiet) {
                out.append(state).append('\n');
            }
        }
        return any ? 0 : 1;
    }

    private String unitFileState(String unit, UnitDefinition def) {
        if (def.masked()) {
            return "masked";
        }
        if (!enableLinks(unit).isEmpty()) {
            return "enabled";
        }
        return def.hasInstallSection() ? "disabled" : "static";
    }

    private int isEnabled(List<String> units) throws IOException {
        boolean any = false;
        int code = 0;
        for (String unit : units) {
            Optional<UnitDefinition> def = systemd.definition(unit);
            if (def.isEmpty()) {
                err.append("Failed to get unit file state for ").append(unit).append(": No such file or directory\n");
                code = 1;
                continue;
            }
            String state = unitFileState(unit, def.get());
            any |= state.equals("enabled") || state.equals("static");
            if (!quiet) {
                out.append(state).append('\n');
            }
        }
        return any ? 0 : Math.max(code, 1);
    }

    private Map<String, String> properties(String unit) throws IOException {
        Optional<UnitDefinition> def = systemd.definition(unit);
        Optional<Service> service = systemd.existingService(unit);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Id", unit);
        p.put("Names", unit);
        p.put("Description", def.map(d -> d.get("Unit", "Description", unit)).orElse(unit));
        p.put("LoadState", def.isEmpty() ? "not-found" : def.get().masked() ? "masked" : "loaded");
        p.put("ActiveState", service.map(Service::activeState).orElse("inactive"));
        p.put("SubState", service.map(Service::subState).orElse("dead"));
        p.put("Result", service.map(Service::result).orElse("success"));
        p.put("MainPID", Long.toString(service.map(Service::mainPid).orElse(0L)));
        p.put("ExecMainPID", Long.toString(service.map(Service::lastMainPid).orElse(0L)));
        p.put("ExecMainCode", service.map(s -> s.execMainCode().equals("killed") ? "2"
                : s.execMainCode().equals("exited") ? "1" : "0").orElse("0"));
        p.put("ExecMainStatus", Integer.toString(service.map(Service::execMainStatus).orElse(0)));
        p.put("NRestarts", Integer.toString(service.map(Service::nRestarts).orElse(0)));
        p.put("UnitFileState", def.map(d -> unitFileState(unit, d)).orElse(""));
        p.put("FragmentPath", def.filter(d -> !d.masked()).map(UnitDefinition::fragmentPath).orElse(""));
        p.put("Restart", def.map(d -> d.get("Service", "Restart", "no")).orElse("no"));
        p.put("User", def.map(d -> d.get("Service", "User", "")).orElse(""));
        return p;
    }

    private int show(List<String> units) throws IOException {
        List<String> wanted = properties.isEmpty() ? DEFAULT_PROPERTIES : properties;
        boolean first = true;
        for (String unit : units) {
            if (!first) {
                out.append('\n');
            }
            first = false;
            Map<String, String> all = properties(unit);
            for (String name : wanted) {
                String value = all.getOrDefault(name, "");
                out.append(valueOnly ? value : name + "=" + value).append('\n');
            }
        }
        return 0;
    }

    private int status(String unit) throws IOException {
        Optional<UnitDefinition> def = systemd.definition(unit);
        Optional<Service> service = systemd.existingService(unit);
        if (def.isEmpty() && service.isEmpty()) {
            err.append("Unit ").append(unit).append(" could not be found.\n");
            return 4;
        }
        warnIfChanged(unit);
        String active = service.map(Service::activeState).orElse("inactive");
        String sub = service.map(Service::subState).orElse("dead");
        String dot = active.equals("active") ? "\u25cf" : active.equals("failed") ? "\u00d7" : "\u25cb";
        out.append(dot).append(' ').append(unit);
        def.ifPresent(d -> out.append(" - ").append(d.get("Unit", "Description", unit)));
        out.append('\n');
        if (def.isPresent()) {
            out.append("     Loaded: ").append(def.get().masked() ? "masked (Reason: Unit " + unit + " is masked.)"
                    : "loaded (" + def.get().fragmentPath() + "; " + unitFileState(unit, def.get()) + ")").append('\n');
        } else {
            out.append("     Loaded: not-found (Reason: Unit ").append(unit).append(" not found.)\n");
        }
        Instant since = service.map(Service::stateChange).orElse(null);
        out.append("     Active: ").append(active).append(" (").append(sub).append(')');
        if (service.isPresent() && active.equals("failed")) {
            out.append(" (Result: ").append(service.get().result()).append(')');
        }
        if (since != null) {
            long ago = Duration.between(since, Instant.now()).toSeconds();
            out.append(" since ").append(SINCE.format(since)).append("; ").append(ago).append("s ago");
        }
        out.append('\n');
        long pid = service.map(Service::mainPid).orElse(0L);
        if (pid > 0) {
            String command = ProcessHandle.of(pid).flatMap(h -> h.info().command())
                    .map(c -> Path.of(c).getFileName().toString()).orElse("?");
            out.append("   Main PID: ").append(pid).append(" (").append(command).append(")\n");
        }
        int restarts = service.map(Service::nRestarts).orElse(0);
        if (restarts > 0) {
            out.append("   Restarts: ").append(restarts).append('\n');
        }
        List<Journal.Entry> entries = systemd.journal().read(List.of(unit));
        if (lines > 0 && !entries.isEmpty()) {
            out.append('\n');
            for (Journal.Entry e : entries.subList(Math.max(0, entries.size() - lines), entries.size())) {
                out.append(e.format(systemd.machine().hostname(), false)).append('\n');
            }
        }
        return active.equals("active") ? 0 : 3;
    }

    private int cat(String unit) throws IOException {
        Optional<UnitDefinition> def = systemd.definition(unit);
        if (def.isEmpty() || def.get().masked()) {
            err.append("No files found for ").append(unit).append(".\n");
            return 1;
        }
        Optional<Path> file = systemd.files().find(def.get().fragmentPath());
        out.append("# ").append(def.get().fragmentPath()).append('\n');
        if (file.isPresent()) {
            out.append(Files.readString(file.get(), StandardCharsets.UTF_8));
        }
        return 0;
    }

    private int kill(String unit) {
        Optional<Service> service = systemd.existingService(unit);
        if (service.isEmpty() || !service.get().signal(signal)) {
            err.append("Failed to kill unit ").append(unit).append(": No main process to kill\n");
            return 1;
        }
        return 0;
    }

    private int resetFailed(List<String> units) {
        List<String> targets = units.isEmpty() ? systemd.knownServices() : units;
        for (String unit : targets) {
            systemd.existingService(unit).ifPresent(Service::resetFailed);
        }
        return 0;
    }

    private int listUnits() {
        out.append(String.format("%-30s %-10s %-10s %-10s %s%n", "UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION"));
        for (String unit : systemd.knownServices()) {
            Optional<Service> service = systemd.existingService(unit);
            String description = service.flatMap(Service::definition).map(d -> d.get("Unit", "Description", unit))
                    .orElse(unit);
            out.append(String.format("%-30s %-10s %-10s %-10s %s%n", unit, "loaded",
                    service.map(Service::activeState).orElse("inactive"), service.map(Service::subState).orElse("dead"),
                    description));
        }
        return 0;
    }
}
