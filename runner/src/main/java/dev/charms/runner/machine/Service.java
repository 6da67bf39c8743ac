package dev.charms.runner.machine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One supervised service of the emulated systemd: starts ExecStartPre= then ExecStart= inside the
 * machine with the unit's environment and user, follows its main process, applies Restart= /
 * RestartSec= and the start rate limit, and stops it with SIGTERM then SIGKILL after TimeoutStopSec=.
 * States and results use systemd's words (active/activating/inactive/failed; exit-code, signal, ...).
 */
final class Service {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final List<Integer> CLEAN_SIGNALS = List.of(1, 2, 13, 15);

    /** A start that failed the way systemctl reports as a failed job. */
    static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StartFailure(String message) {
            super(message);
        }
    }

    private final String id;
    private final ServiceHost host;
    private UnitDefinition definition;
    private Process main;
    private String activeState = "inactive";
    private String subState = "dead";
    private String result = "success";
    private int nRestarts;
    private int execMainStatus;
    private String execMainCode = "";
    private long lastMainPid;
    private Instant stateChange = Instant.now();
    private boolean stopping;
    private boolean stopTimedOut;
    private ScheduledFuture<?> pendingRestart;
    private final Deque<Long> recentStarts = new ArrayDeque<>();

    /** What a service needs from its systemd: the machine, its files, the journal and a timer. */
    interface ServiceHost {
        Process exec(List<String> argv, Map<String, String> env, String cwd) throws IOException;

        MachineFiles files();

        Journal journal();

        ScheduledExecutorService timer();
    }

    Service(String id, ServiceHost host) {
        this.id = id;
        this.host = host;
    }

    synchronized String activeState() {
        return activeState;
    }

    synchronized String subState() {
        return subState;
    }

    synchronized String result() {
        return result;
    }

    synchronized int nRestarts() {
        return nRestarts;
    }

    synchronized long mainPid() {
        return main == null ? 0 : main.pid();
    }

    synchronized long lastMainPid() {
        return lastMainPid;
    }

    synchronized int execMainStatus() {
        return execMainStatus;
    }

    synchronized String execMainCode() {
        return execMainCode;
    }

    synchronized Instant stateChange() {
        return stateChange;
    }

    synchronized Optional<UnitDefinition> definition() {
        return Optional.ofNullable(definition);
    }

    synchronized boolean isRunning() {
        return main != null;
    }

    private void setState(String active, String sub) {
        activeState = active;
        subState = sub;
        stateChange = Instant.now();
        notifyAll();
    }

    private void log(String message) {
        host.journal().append(id, "systemd", 1, message);
    }

    private String description() {
        return definition == null ? id : id + " - " + definition.get("Unit", "Description", id);
    }

    /**
     * Starts the service with {@code unit} unless it is already running or about to restart. While it is
     * stopping, the start waits for the stop to finish and then starts it, as systemd queues a start job
     * behind a running stop job.
     */
    synchronized void start(UnitDefinition unit) throws StartFailure {
        while (stopping && main != null) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartFailure("interrupted while waiting for " + id + " to stop");
            }
        }
        if (main != null || pendingRestart != null) {
            return;
        }
        definition = unit;
        launch();
    }

    /** Forgets a failed state and the start rate-limit history (systemctl reset-failed). */
    synchronized void resetFailed() {
        recentStarts.clear();
        if (activeState.equals("failed")) {
            result = "success";
            setState("inactive", "dead");
        }
    }

    private void launch() throws StartFailure {
        if (!allowedByRateLimit()) {
            result = "start-limit-hit";
            setState("failed", "failed");
            log(id + ": Start request repeated too quickly.");
            log(id + ": Failed with result 'start-limit-hit'.");
            log("Failed to start " + description() + ".");
            throw new StartFailure(jobFailed("start-limit-hit"));
        }
        log("Starting " + description() + "...");
        setState("activating", "start-pre");
        Map<String, String> env;
        String user = definition.get("Service", "User", null);
        try {
            env = environment(user);
        } catch (IOException e) {
            log(id + ": Failed to load environment files: " + e.getMessage());
            failStart("resources", 0);
            throw new StartFailure(jobFailed("resources"));
        }
        String cwd = workingDirectory(env);
        List<String> wrapper = wrapper(user);
        for (String pre : definition.all("Service", "ExecStartPre")) {
            CommandLine.Exec exec = CommandLine.exec(pre, env);
            int code = runToEnd(exec.fullPrivileges() ? List.of() : wrapper, exec.argv(), env, cwd);
            if (code != 0 && !exec.ignoreFailure()) {
                log(id + ": Control process exited, code=exited, status=" + code + "/FAILURE");
                execMainCode = "exited";
                execMainStatus = code;
                failStart("exit-code", code);
                throw new StartFailure(jobFailed("exit-code"));
            }
        }
        String execStart = definition.get("Service", "ExecStart", null);
        if (execStart == null) {
            log(id + ": Service has no ExecStart= setting. Refusing.");
            failStart("resources", 0);
            throw new StartFailure("Failed to start " + id + ": Unit " + id + " has a bad unit file setting.");
        }
        CommandLine.Exec exec = CommandLine.exec(execStart, env);
        Process process;
        try {
            process = host.exec(wrapped(exec.fullPrivileges() ? List.of() : wrapper, exec.argv()), env, cwd);
        } catch (IOException e) {
            log(id + ": Failed to execute " + exec.argv().get(0) + ": " + e.getMessage());
            failStart("exit-code", 203);
            throw new StartFailure(jobFailed("exit-code"));
        }
        main = process;
        lastMainPid = process.pid();
        result = "success";
        setState("active", "running");
        log("Started " + description() + ".");
        String identifier = Path.of(exec.argv().get(0)).getFileName().toString();
        follow(process.getInputStream(), identifier, process.pid());
        follow(process.getErrorStream(), identifier, process.pid());
        Thread monitor = new Thread(() -> awaitExit(process, exec.ignoreFailure()), "systemd-" + id);
        monitor.setDaemon(true);
        monitor.start();
    }

    private String jobFailed(String why) {
        String reason = switch (why) {
            case "exit-code" -> " because the control process exited with error code";
            case "start-limit-hit" -> " because start of the service was attempted too often";
            case "resources" -> " because of unavailable resources or another system error";
            default -> "";
        };
        return "Job for " + id + " failed" + reason + ".\nSee \"systemctl status " + id + "\" and \"journalctl -xeu "
                + id + "\" for details.";
    }

    private boolean allowedByRateLimit() {
        long interval = UnitDefinition.duration(definition.get("Unit", "StartLimitIntervalSec",
                definition.get("Service", "StartLimitInterval", "10s"))).map(Duration::toNanos).orElse(0L);
        int burst = Integer.parseInt(definition.get("Unit", "StartLimitBurst",
                definition.get("Service", "StartLimitBurst", "5")));
        long now = System.nanoTime();
        while (!recentStarts.isEmpty() && now - recentStarts.peekFirst() > interval) {
            recentStarts.removeFirst();
        }
        if (interval > 0 && burst > 0 && recentStarts.size() >= burst) {
            return false;
        }
        recentStarts.addLast(now);
        return true;
    }

    private Map<String, String> environment(String user) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        if (user != null) {
            Passwd.Entry entry = Passwd.lookup(host.files(), user)
                    .orElseThrow(() -> new IOException("user " + user + " does not exist in the machine"));
            env.put("HOME", entry.home());
            env.put("LOGNAME", entry.name());
            env.put("USER", entry.name());
            env.put("SHELL", entry.shell());
        }
        for (String value : definition.all("Service", "Environment")) {
            CommandLine.environment(value, env);
        }
        for (String value : definition.all("Service", "EnvironmentFile")) {
            boolean optional = value.startsWith("-");
            String path = optional ? value.substring(1) : value;
            Optional<Path> file = host.files().find(path);
            if (file.isEmpty() || !Files.isRegularFile(file.get())) {
                if (optional) {
                    continue;
                }
                throw new IOException(path + ": No such file or directory");
            }
            env.putAll(CommandLine.environmentFile(Files.readString(file.get(), StandardCharsets.UTF_8)));
        }
        return env;
    }

    private String workingDirectory(Map<String, String> env) {
        String dir = definition.get("Service", "WorkingDirectory", "/");
        if (dir.startsWith("-")) {
            dir = dir.substring(1);
        }
        return dir.equals("~") ? env.getOrDefault("HOME", "/root") : dir;
    }

    private List<String> wrapper(String user) {
        List<String> wrapper = new ArrayList<>();
        String nofile = definition.get("Service", "LimitNOFILE", null);
        if (nofile != null) {
            String limit = nofile.equals("infinity") ? "unlimited" : nofile;
            // Like systemd in a container without CAP_SYS_RESOURCE: a limit above the hard limit is clamped
            // to the hard limit instead of failing the service.
            wrapper.addAll(List.of("sh", "-c", "ulimit -n " + limit + " 2>/dev/null || ulimit -n \"$(ulimit -Hn)\"; exec \"$@\"",
                    "limit-nofile"));
        }
        if (user != null) {
            String group = definition.get("Service", "Group", null);
            String gid = group != null ? group : Passwd.lookup(host.files(), user).map(e -> e.gid()).orElse(user);
            wrapper.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + gid, "--init-groups", "--"));
        }
        return wrapper;
    }

    private static List<String> wrapped(List<String> wrapper, List<String> argv) {
        List<String> all = new ArrayList<>(wrapper);
        all.addAll(argv);
        return all;
    }

    private int runToEnd(List<String> wrapper, List<String> command, Map<String, String> env, String cwd) {
        List<String> argv = wrapped(wrapper, command);
        try {
            Process process = host.exec(argv, env, cwd);
            String identifier = Path.of(command.get(0)).getFileName().toString();
            follow(process.getInputStream(), identifier, process.pid());
            follow(process.getErrorStream(), identifier, process.pid());
            return process.waitFor();
        } catch (IOException e) {
            log(id + ": Failed to execute " + argv + ": " + e.getMessage());
            return 203;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private void follow(InputStream stream, String identifier, long pid) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    host.journal().append(id, identifier, pid, line);
                }
            } catch (IOException e) {
                host.journal().append(id, "systemd", 1, id + ": output of " + identifier + " lost: " + e.getMessage());
            }
        }, "journal-" + id);
        reader.setDaemon(true);
        reader.start();
    }

    private void awaitExit(Process process, boolean ignoreFailure) {
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            return;
        }
        synchronized (this) {
            if (main != process) {
                return;
            }
            main = null;
            boolean signalled = code > 128 && code < 128 + 65;
            int status = signalled ? code - 128 : code;
            execMainCode = signalled ? "killed" : "exited";
            execMainStatus = status;
            if (stopping) {
                stopping = false;
                boolean timedOut = stopTimedOut;
                stopTimedOut = false;
                result = timedOut ? "timeout" : "success";
                if (timedOut) {
                    log(id + ": Failed with result 'timeout'.");
                    setState("failed", "failed");
                } else {
                    log(id + ": Deactivated successfully.");
                    setState("inactive", "dead");
                }
                log("Stopped " + description() + ".");
                return;
            }
            log(id + ": Main process exited, code=" + execMainCode + ", status=" + status + "/"
                    + (signalled ? Signals.name(status) : status == 0 ? "SUCCESS" : "FAILURE"));
            boolean clean = ignoreFailure || (signalled ? CLEAN_SIGNALS.contains(status) : status == 0);
            String why = clean ? "success" : signalled ? "signal" : "exit-code";
            exited(why, signalled && !CLEAN_SIGNALS.contains(status));
        }
    }

    private void failStart(String why, int code) {
        execMainStatus = code;
        exited(why, false);
    }

    /** The main process (or start) ended without a stop request: record it and maybe schedule a restart. */
    private void exited(String why, boolean abnormalSignal) {
        result = why;
        boolean clean = why.equals("success");
        String policy = definition.get("Service", "Restart", "no");
        boolean restart = switch (policy) {
            case "always" -> true;
            case "on-success" -> clean;
            case "on-failure" -> !clean;
            case "on-abnormal", "on-abort" -> abnormalSignal;
            default -> false;
        };
        if (!clean) {
            log(id + ": Failed with result '" + why + "'.");
        }
        if (restart) {
            long delay = UnitDefinition.duration(definition.get("Service", "RestartSec", "100ms"))
                    .map(Duration::toMillis).orElse(100L);
            setState("activating", "auto-restart");
            pendingRestart = host.timer().schedule(this::restartNow, delay, TimeUnit.MILLISECONDS);
        } else if (clean) {
            log(id + ": Deactivated successfully.");
            setState("inactive", "dead");
        } else {
            setState("failed", "failed");
        }
    }

    private synchronized void restartNow() {
        if (pendingRestart == null) {
            return;
        }
        pendingRestart = null;
        nRestarts++;
        log(id + ": Scheduled restart job, restart counter is at " + nRestarts + ".");
        try {
            launch();
        } catch (StartFailure e) {
            log(id + ": restart failed");
        }
    }

    /** Sends {@code signal} to the main process, if there is one. Returns whether there was one. */
    synchronized boolean signal(int signal) {
        if (main == null) {
            return false;
        }
        Signals.send(main.pid(), signal);
        return true;
    }

    /**
     * The machine lost power: the service's processes end at once (SIGKILL, no stop job) and Restart= does
     * not apply, since systemd itself went down with them.
     */
    void powerLoss() {
        Process process;
        List<ProcessHandle> children;
        synchronized (this) {
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
                pendingRestart = null;
            }
            process = main;
            main = null;
            stopping = false;
            setState("inactive", "dead");
            if (process == null) {
                return;
            }
            children = process.descendants().toList();
        }
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Stops the service: cancels a pending restart, sends SIGTERM, waits up to TimeoutStopSec= (10 s by
     * default), then SIGKILL; afterwards kills whatever the main process had started.
     */
    void stop() {
        Process process;
        List<ProcessHandle> children;
        Duration timeout;
        synchronized (this) {
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
                pendingRestart = null;
                setState("inactive", "dead");
                return;
            }
            if (main == null) {
                return;
            }
            process = main;
            stopping = true;
            timeout = UnitDefinition.duration(definition.get("Service", "TimeoutStopSec",
                    definition.get("Service", "TimeoutSec", "10s"))).orElse(Duration.ofDays(365));
            children = process.descendants().toList();
            log("Stopping " + description() + "...");
            setState("deactivating", "stop-sigterm");
            Signals.send(process.pid(), Signals.SIGTERM);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                synchronized (this) {
                    stopTimedOut = true;
                    log(id + ": State 'stop-sigterm' timed out. Killing.");
                }
                process.destroyForcibly();
                process.waitFor();
            }
            for (ProcessHandle child : children) {
                child.destroyForcibly();
            }
            synchronized (this) {
                while (main == process) {
                    wait();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
