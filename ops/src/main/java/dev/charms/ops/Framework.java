package dev.charms.ops;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs one hook or action: builds the {@link Model} and the typed {@link Event}, lets the charm register
 * its handlers, calls the ones observing the event, sets the collected status, and saves stored state.
 * An unexpected exception ends the process non-zero (Juju retries the hook and discards its buffered
 * writes); stored state is then not saved either, so nothing half-done is committed.
 */
public final class Framework {
    /** Exit code when the environment or the hook name is wrong (nothing was run). */
    public static final int EXIT_USAGE = 2;
    /** Exit code when a handler failed. */
    public static final int EXIT_FAILED = 1;
    static final String STATUS_KEY = "framework.unit-status";
    static final String APP_STATUS_KEY = "framework.app-status";

    /** Handles one event type. */
    @FunctionalInterface
    public interface Handler<E extends Event> {
        void handle(E event) throws Exception;
    }

    private record Registration<E extends Event>(Class<E> type, Handler<E> handler) {
    }

    private final Model model;
    private final StoredState stored;
    private final Event event;
    private final ActionContext action;
    private final List<Registration<?>> registrations = new ArrayList<>();
    private Status unitStatus;
    private Status appStatus;
    /** The unit status this hook set through status-set ({@code name\nmessage}), if any. */
    private String shownUnitStatus;

    Framework(Model model, StoredState stored, Event event) {
        this.model = model;
        this.stored = stored;
        this.event = event;
        this.action = event instanceof Event.Action a ? new ActionContext(model.tools(), a.action()) : null;
        model.recordInputs(stored, event);
    }

    /** Runs a hook for real: environment from the process, tools on PATH, state beside the charm. */
    public static int dispatch(CharmSpec spec, Function<Framework, ?> charm) {
        Map<String, String> env = System.getenv();
        String charmDir = env.getOrDefault("JUJU_CHARM_DIR", env.getOrDefault("CHARM_DIR", "."));
        // A named class, not a lambda: a lambda is a class spun at run time, outside the class archive.
        final class UnitStateFile implements StateSource {
            @Override
            public StoredState load() {
                return StoredState.load(Path.of(charmDir, ".unit-state.json"));
            }
        }
        return run(spec, charm, env, new ProcessHookTools(), new UnitStateFile(), System.err);
    }

    /** Supplies stored state lazily, so a bad environment is reported before any file is read. */
    @FunctionalInterface
    public interface StateSource {
        StoredState load();
    }

    /** Runs one hook with the given environment, tools and state; returns the process exit code. */
    public static int run(CharmSpec spec, Function<Framework, ?> charm, Map<String, String> env, HookTools tools,
                          StateSource state, PrintStream err) {
        JujuContext ctx;
        Event event;
        try {
            ctx = JujuContext.from(env);
            event = EventParser.parse(ctx, spec);
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("ERROR " + e.getMessage());
            return EXIT_USAGE;
        }
        Framework fw = null;
        try {
            fw = new Framework(new Model(ctx, tools, spec), state.load(), event);
            charm.apply(fw);
            fw.emit();
            fw.commitStatus();
            fw.model.keepInputsAskedNow();
            fw.stored.save();
            return 0;
        } catch (Exception e) {
            String why = describe(e);
            err.println("ERROR " + event.name() + ": " + why);
            if (fw != null) {
                fw.rememberShownStatus(state);
            }
            if (fw != null && fw.action != null && !fw.action.failed()) {
                try {
                    fw.action.fail(why);
                } catch (RuntimeException ignored) {
                    // the exit code still reports the failure
                }
            }
            return EXIT_FAILED;
        }
    }

    /** The exception's message on one line (Juju shows stderr line by line), or its type when it has none. */
    private static String describe(Throwable e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return msg.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** Registers a handler; handlers for the same type run in registration order. */
    public <E extends Event> void observe(Class<E> type, Handler<E> handler) {
        registrations.add(new Registration<>(type, handler));
    }

    public Model model() {
        return model;
    }

    public StoredState stored() {
        return stored;
    }

    public Event event() {
        return event;
    }

    /** The running action, or null in a hook. */
    public ActionContext action() {
        return action;
    }

    /** Reports the unit's status for this hook; the highest priority reported wins at the end. */
    public void reportUnitStatus(Status status) {
        if (unitStatus == null || status.priority() > unitStatus.priority()) {
            unitStatus = status;
        }
    }

    /** Reports the application's status (used only on the leader). */
    public void reportAppStatus(Status status) {
        if (appStatus == null || status.priority() > appStatus.priority()) {
            appStatus = status;
        }
    }

    /** Sets the unit's status at once (for long steps the operator should see while they run). */
    public void setUnitStatusNow(Status status) {
        setIfChanged(STATUS_KEY, status, false);
    }

    @SuppressWarnings("unchecked")
    private void emit() throws Exception {
        for (Registration<?> r : registrations) {
            if (r.type().isInstance(event)) {
                Handler<Event> h = (Handler<Event>) r.handler();
                if (action != null) {
                    try {
                        h.handle(event);
                    } catch (ActionFailedException e) {
                        action.fail(e.getMessage());
                        return;
                    }
                } else {
                    h.handle(event);
                }
            }
        }
    }

    private void commitStatus() {
        if (unitStatus != null) {
            setIfChanged(STATUS_KEY, unitStatus, false);
        }
        if (appStatus != null && model.isLeader()) {
            setIfChanged(APP_STATUS_KEY, appStatus, true);
        }
    }

    private void setIfChanged(String key, Status status, boolean app) {
        String encoded = status.name() + "\n" + status.message();
        if (!encoded.equals(stored.getString(key, null))) {
            model.tools().statusSet(status.name(), status.message(), app);
            stored.put(key, encoded);
            if (!app) {
                shownUnitStatus = encoded;
            }
        }
    }

    /**
     * After a failed hook: a status it set at once stays shown (Juju does not undo status-set), so it
     * alone is recorded in the stored state, which is otherwise left as it was; the next hook then
     * compares its status with what Juju shows, not with what was shown before the failure.
     */
    private void rememberShownStatus(StateSource source) {
        if (shownUnitStatus == null) {
            return;
        }
        try {
            StoredState persisted = source.load();
            persisted.put(STATUS_KEY, shownUnitStatus);
            persisted.save();
        } catch (RuntimeException ignored) {
            // the hook failed already and says why; an unwritable state file fails the next hook too
        }
    }
}
