package dev.charms.runner.controller;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a model keeps its files: {@code <home>/<model>/} with the daemon socket, pid and log, the debug
 * log, unpacked charms and the machines' state.
 *
 * @param home  the runner's state dir (env LOCAL_JUJU_HOME, default /var/lib/local-juju)
 * @param model the model name
 */
public record ModelPaths(Path home, String model) {
    /** Default state dir when LOCAL_JUJU_HOME is not set. */
    public static final String DEFAULT_HOME = "/var/lib/local-juju";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");

    public ModelPaths {
        if (!NAME.matcher(model).matches()) {
            throw new IllegalArgumentException("invalid model name \"" + model
                + "\": use lowercase letters, digits and hyphens (at most 40)");
        }
        home = home.toAbsolutePath().normalize();
    }

    /** Paths for {@code model} under LOCAL_JUJU_HOME (or the default). */
    public static ModelPaths fromEnvironment(String model) {
        String home = System.getenv("LOCAL_JUJU_HOME");
        return new ModelPaths(Path.of(home == null || home.isBlank() ? DEFAULT_HOME : home), model);
    }

    public Path dir() {
        return home.resolve(model);
    }

    public Path socket() {
        return dir().resolve("controller.sock");
    }

    public Path pidFile() {
        return dir().resolve("controller.pid");
    }

    public Path daemonLog() {
        return dir().resolve("controller.log");
    }

    public Path debugLog() {
        return dir().resolve("debug.log");
    }

    /** Unpacked charms, one dir per application and charm version. */
    public Path charms() {
        return dir().resolve("charms");
    }

    /** State dir handed to the machine factory. */
    public Path machines() {
        return dir().resolve("machines");
    }
}
