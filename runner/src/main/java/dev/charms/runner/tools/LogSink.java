package dev.charms.runner.tools;

/** Where juju-log lines go (the unit's log); supplied by the controller. Must be thread-safe. */
@FunctionalInterface
public interface LogSink {
    /**
     * @param unit    e.g. {@code etcd/0}
     * @param level   TRACE, DEBUG, INFO, WARNING or ERROR
     * @param logger  e.g. {@code unit.etcd/0.juju-log}
     * @param message the message (already prefixed with {@code ep:N: } in relation hooks)
     */
    void log(String unit, String level, String logger, String message);
}
