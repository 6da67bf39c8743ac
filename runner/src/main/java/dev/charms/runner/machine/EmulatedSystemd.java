package dev.charms.runner.machine;

import dev.charms.runner.agent.ToolRequest;
import dev.charms.runner.agent.ToolResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A machine's emulated systemd. Unit files are read from the machine's own view of
 * /etc/systemd/system and /lib/systemd/system and cached until {@code daemon-reload} (a changed file
 * without reload gives systemd's warning); services run inside the machine through
 * {@link Machine#exec}; their output goes to the {@link Journal}; enable/disable/mask write the same
 * symlinks as systemd inside the machine. {@code systemctl} and {@code journalctl} arrive as tool calls.
 */
public final class EmulatedSystemd implements Systemd, Service.ServiceHost {
    private static final String BOOT_WANTS = "/etc/systemd/system";
    private final Machine machine;
    private final MachineFiles files;
    private final Journal journal;
    private final ScheduledExecutorService timer;
    private final Map<String, UnitDefinition> loaded = new ConcurrentHashMap<>();
    private final Map<String, Service> services = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    EmulatedSystemd(NamespaceMachine machine, Path journalDir) {
        this(machine, machine.files(), journalDir);
    }

    EmulatedSystemd(Machine machine, MachineFiles files, Path journalDir) {
        this.machine = machine;
        this.files = files;
        this.journal = new Journal(journalDir);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "systemd-timer-" + machine.unitName());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public ToolResponse handle(ToolRequest request) {
        return switch (request.tool()) {
            case "systemctl" -> new Systemctl(this).run(request.args());
            case "journalctl" -> new Journalctl(this).run(request.args());
            default -> ToolResponse.error(1, request.tool() + " is not a systemd command");
        };
    }

    @Override
    public void crash(String service) {
        Service s = services.get(UnitDefinition.canonicalName(service));
        if (s == null || !s.signal(Signals.SIGKILL)) {
            throw new IllegalStateException(UnitDefinition.canonicalName(service) + " is not running on "
                    + machine.unitName());
        }
    }

    @Override
    public boolean isActive(String service) {
        Service s = services.get(UnitDefinition.canonicalName(service));
        return s != null && s.activeState().equals("active");
    }

    /** NRestarts of a service (0 when it never ran). */
    public int restarts(String service) {
        Service s = services.get(UnitDefinition.canonicalName(service));
        return s == null ? 0 : s.nRestarts();
    }

    /** The main pid of a running service (a host pid), or 0. */
    public long mainPid(String service) {
        Service s = services.get(UnitDefinition.canonicalName(service));
        return s == null ? 0 : s.mainPid();
    }

    @Override
    public void stopAll() {
        timers.values().forEach(Timer::cancel);
        timers.clear();
        List<Thread> stoppers = new ArrayList<>();
        for (Service service : services.values()) {
            Thread thread = new Thread(service::stop, "systemd-stop");
            thread.start();
            stoppers.add(thread);
        }
        for (Thread thread : stoppers) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The machine lost power: every service's processes are killed at once (no stop jobs, no Restart=),
     * and what this systemd knew (loaded unit files, restart counters, failed states) is gone with it.
     */
    public void powerLoss() {
        timers.values().forEach(Timer::cancel);
        timers.clear();
        services.values().forEach(Service::powerLoss);
        services.clear();
        loaded.clear();
    }

    /**
     * The machine boots: every service enabled in the machine for the default target ({@code
     * multi-user.target.wants} or {@code default.target.wants} under /etc/systemd/system) starts, as
     * systemd starts them at boot.
     * Returns the services it started; one that fails to start says so in its journal, as at boot.
     */
    public List<String> boot() {
        List<String> started = new ArrayList<>();
        for (String target : List.of("multi-user.target.wants", "default.target.wants", "timers.target.wants")) {
            // The machine's /etc is an overlay over the host's: the host's own enabled services never ran in
            // the machine and do not start at its boot; those enabled in the machine do.
            for (String name : files.listWritten(BOOT_WANTS + "/" + target)) {
                if (!(name.endsWith(".service") || name.endsWith(".timer")) || started.contains(name)) {
                    continue;
                }
                ToolResponse response = new Systemctl(this).run(List.of("start", name));
                if (response.code() == 0) {
                    started.add(name);
                } else {
                    journal.append(name, "systemd", 1, "Failed to start " + name + " at boot: "
                            + new String(response.stderr(), java.nio.charset.StandardCharsets.UTF_8).strip());
                }
            }
        }
        return started;
    }

    @Override
    public Process exec(List<String> argv, Map<String, String> env, String cwd) throws IOException {
        return machine.exec(argv, env, cwd);
    }

    @Override
    public MachineFiles files() {
        return files;
    }

    @Override
    public Journal journal() {
        return journal;
    }

    @Override
    public ScheduledExecutorService timer() {
        return timer;
    }

    Machine machine() {
        return machine;
    }

    /** The loaded definition of {@code id}, loading it on first use; empty when no unit file exists. */
    Optional<UnitDefinition> definition(String id) throws IOException {
        UnitDefinition cached = loaded.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<UnitDefinition> fresh = UnitDefinition.load(files, id, machine.hostname());
        fresh.ifPresent(def -> loaded.put(id, def));
        return fresh;
    }

    /** Whether the unit's files changed on disk since it was loaded (systemd then asks for daemon-reload). */
    boolean changedOnDisk(String id) throws IOException {
        UnitDefinition cached = loaded.get(id);
        if (cached == null) {
            return false;
        }
        Optional<UnitDefinition> fresh = UnitDefinition.load(files, id, machine.hostname());
        return fresh.isEmpty() || !fresh.get().fingerprint().equals(cached.fingerprint());
    }

    void daemonReload() {
        loaded.clear();
    }

    Service service(String id) {
        return services.computeIfAbsent(id, name -> new Service(name, this));
    }

    /** Starts (or restarts) the timer {@code def}. */
    void startTimer(UnitDefinition def) {
        Timer fresh = Timer.start(def, this);
        Timer old = timers.put(def.id(), fresh);
        if (old != null) {
            old.cancel();
        }
    }

    /** Stops the timer {@code id}; false when it was not started. */
    boolean stopTimer(String id) {
        Timer old = timers.remove(id);
        if (old != null) {
            old.cancel();
        }
        return old != null;
    }

    boolean timerActive(String id) {
        return timers.containsKey(id);
    }

    Optional<Service> existingService(String id) {
        return Optional.ofNullable(services.get(id));
    }

    List<String> knownServices() {
        List<String> ids = new ArrayList<>(services.keySet());
        for (String id : loaded.keySet()) {
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        ids.sort(null);
        return ids;
    }

    /** Runs a short shell script inside the machine as root (used to write enable/mask symlinks). */
    int shell(String script) throws IOException {
        Process process = machine.exec(List.of("/bin/sh", "-ec", script), Map.of("PATH", Service.DEFAULT_PATH), "/");
        process.getOutputStream().close();
        try {
            process.getInputStream().readAllBytes();
            process.getErrorStream().readAllBytes();
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
