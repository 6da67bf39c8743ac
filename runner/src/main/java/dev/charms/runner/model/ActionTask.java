package dev.charms.runner.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One action task on one unit ({@code juju run etcd/0 health}): id, operation id, params (validated,
 * defaults inserted), status, message, results (nested map built by action-set), log lines and timing.
 */
public final class ActionTask {
    /** Task status as {@code juju show-task} shows it (lower-case). */
    public enum State {
        PENDING, RUNNING, COMPLETED, FAILED, ABORTED;

        public String word() {
            return name().toLowerCase();
        }
    }

    /** An action-log line. */
    public record LogLine(Instant timestamp, String message) {
    }

    private final Object lock;
    private final String id;
    private final String operationId;
    private final String unitName;
    private final String name;
    private final Map<String, Object> params;
    private State state = State.PENDING;
    private String message = "";
    private String failureMessage;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<LogLine> log = new ArrayList<>();
    private final Instant enqueued = Instant.now();
    private Instant started;
    private Instant completed;

    ActionTask(Object lock, String id, String operationId, String unitName, String name, Map<String, Object> params) {
        this.lock = lock;
        this.id = id;
        this.operationId = operationId;
        this.unitName = unitName;
        this.name = name;
        this.params = params;
    }

    /** The task id, e.g. {@code "2"} (JUJU_ACTION_UUID in 3.x). */
    public String id() {
        return id;
    }

    public String operationId() {
        return operationId;
    }

    public String unitName() {
        return unitName;
    }

    public String name() {
        return name;
    }

    /** Validated params with defaults inserted (unmodifiable nested structure is not enforced; treat as read-only). */
    public Map<String, Object> params() {
        return params;
    }

    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    public String message() {
        synchronized (lock) {
            return message;
        }
    }

    /** A deep copy of the results. */
    public Map<String, Object> results() {
        synchronized (lock) {
            return deepCopy(results);
        }
    }

    /** Sets a (possibly dotted) result key, creating nested maps; later values overwrite. */
    public void setResult(List<String> path, String value) {
        synchronized (lock) {
            Map<String, Object> at = results;
            for (String segment : path.subList(0, path.size() - 1)) {
                Object next = at.get(segment);
                if (!(next instanceof Map<?, ?>)) {
                    next = new LinkedHashMap<String, Object>();
                    at.put(segment, next);
                }
                at = resultMap(next);
            }
            at.put(path.get(path.size() - 1), value);
        }
    }

    /** action-fail: the task will be failed with {@code reason} when it finishes. */
    public void requestFailure(String reason) {
        synchronized (lock) {
            this.failureMessage = reason;
        }
    }

    /** Whether action-fail was called. */
    public boolean failureRequested() {
        synchronized (lock) {
            return failureMessage != null;
        }
    }

    public List<LogLine> log() {
        synchronized (lock) {
            return List.copyOf(log);
        }
    }

    public void addLog(String line) {
        synchronized (lock) {
            log.add(new LogLine(Instant.now(), line));
        }
    }

    public Instant enqueued() {
        return enqueued;
    }

    public Instant started() {
        synchronized (lock) {
            return started;
        }
    }

    public Instant completed() {
        synchronized (lock) {
            return completed;
        }
    }

    /** Marks the task running. */
    public void start() {
        synchronized (lock) {
            state = State.RUNNING;
            started = Instant.now();
        }
    }

    /**
     * Finishes the task as Juju's runner does: adds {@code return-code} and non-empty
     * {@code stdout}/{@code stderr} to the results; failed if action-fail was called (its message), or the
     * process exited non-zero ({@code exit status N}); completed otherwise.
     */
    public void finish(int returnCode, String stdout, String stderr) {
        synchronized (lock) {
            results.put("return-code", returnCode);
            if (stdout != null && !stdout.isEmpty()) {
                results.put("stdout", stdout);
            }
            if (stderr != null && !stderr.isEmpty()) {
                results.put("stderr", stderr);
            }
            if (failureMessage != null) {
                state = State.FAILED;
                message = failureMessage;
            } else if (returnCode != 0) {
                state = State.FAILED;
                message = "exit status " + returnCode;
            } else {
                state = State.COMPLETED;
            }
            completed = Instant.now();
        }
    }

    /** Ends the task without running it (no handler, unit gone): status failed or aborted with {@code reason}. */
    public void end(State finalState, String reason) {
        synchronized (lock) {
            state = finalState;
            message = reason;
            completed = Instant.now();
        }
    }

    /** A map inside the results: one this task made, so its keys are strings. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> resultMap(Object map) {
        return (Map<String, Object>) map;
    }

    private static Map<String, Object> deepCopy(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> sub ? deepCopy(resultMap(sub)) : v));
        return out;
    }
}
