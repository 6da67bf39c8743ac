package dev.charms.ops;

import java.util.Map;

/**
 * The hook environment Juju hands the charm (docs/juju-contract.md, section 3), read once at start-up.
 * Missing mandatory variables are reported by name.
 */
public record JujuContext(String dispatchPath, String hookName, String unitName, String modelName,
                         String modelUuid, String jujuVersion, String charmDir, Map<String, String> env) {

    /** The variables ops treats as mandatory, plus the charm dir. */
    private static final String[] MANDATORY = {
        "JUJU_DISPATCH_PATH", "JUJU_UNIT_NAME", "JUJU_MODEL_NAME", "JUJU_MODEL_UUID", "JUJU_VERSION",
    };

    /** Reads the context from an environment map; throws {@link IllegalStateException} naming what is missing. */
    public static JujuContext from(Map<String, String> env) {
        for (String name : MANDATORY) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                throw new IllegalStateException("environment variable " + name + " is not set: "
                        + "this program must be run by Juju (through the charm's dispatch)");
            }
        }
        String charmDir = env.getOrDefault("JUJU_CHARM_DIR", env.getOrDefault("CHARM_DIR", ""));
        if (charmDir.isBlank()) {
            throw new IllegalStateException("environment variable JUJU_CHARM_DIR is not set");
        }
        String unit = env.get("JUJU_UNIT_NAME");
        if (unit.indexOf('/') <= 0 || unit.endsWith("/")) {
            throw new IllegalStateException("JUJU_UNIT_NAME '" + unit + "' is not a unit name like app/0");
        }
        return new JujuContext(env.get("JUJU_DISPATCH_PATH"), env.getOrDefault("JUJU_HOOK_NAME", ""), unit,
                env.get("JUJU_MODEL_NAME"), env.get("JUJU_MODEL_UUID"), env.get("JUJU_VERSION"), charmDir,
                Map.copyOf(env));
    }

    public String appName() {
        return unitName.substring(0, unitName.indexOf('/'));
    }

    public String get(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** Major version of the Juju agent (2, 3, 4 ...); secrets exist from 3 on. */
    public int jujuMajorVersion() {
        try {
            return Integer.parseInt(jujuVersion.split("\\.")[0]);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("JUJU_VERSION '" + jujuVersion + "' is not a version");
        }
    }
}
