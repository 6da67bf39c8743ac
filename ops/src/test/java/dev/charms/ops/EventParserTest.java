package dev.charms.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every hook kind becomes the right typed event; every bad environment is one line and exit code 2. */
class EventParserTest {
    static final CharmSpec SPEC = new CharmSpec(Set.of("cluster"), Set.of("cluster", "db"), Set.of("data"),
            Set.of("health"));

    static Map<String, String> env(String dispatchPath, String... extra) {
        Map<String, String> env = new HashMap<>();
        env.put("JUJU_DISPATCH_PATH", dispatchPath);
        env.put("JUJU_UNIT_NAME", "etcd/0");
        env.put("JUJU_MODEL_NAME", "m");
        env.put("JUJU_MODEL_UUID", "u");
        env.put("JUJU_VERSION", "3.6.4");
        env.put("JUJU_CHARM_DIR", "/charm");
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    static Event parse(String dispatchPath, String... extra) {
        return EventParser.parse(JujuContext.from(env(dispatchPath, extra)), SPEC);
    }

    @ParameterizedTest
    @CsvSource({
        "install, Install", "start, Start", "stop, Stop", "remove, Remove", "config-changed, ConfigChanged",
        "upgrade-charm, UpgradeCharm", "update-status, UpdateStatus", "leader-elected, LeaderElected",
        "leader-settings-changed, LeaderSettingsChanged", "pre-series-upgrade, Other", "post-series-upgrade, Other",
        "collect-metrics, Other", "meter-status-changed, Other",
    })
    void unitHooks(String hook, String type) {
        Event e = parse("hooks/" + hook);
        assertEquals(type, e.getClass().getSimpleName());
        assertEquals(hook, e.name());
    }

    @Test
    void relationHooks() {
        Event.RelationRef ref = new Event.RelationRef("cluster", 12);
        assertEquals(new Event.RelationCreated(ref, "etcd"), parse("hooks/cluster-relation-created",
                "JUJU_RELATION_ID", "cluster:12", "JUJU_REMOTE_APP", "etcd", "JUJU_REMOTE_UNIT", ""));
        assertEquals(new Event.RelationJoined(ref, "etcd", "etcd/1"), parse("hooks/cluster-relation-joined",
                "JUJU_RELATION_ID", "cluster:12", "JUJU_REMOTE_APP", "etcd", "JUJU_REMOTE_UNIT", "etcd/1"));
        assertEquals(new Event.RelationChanged(ref, "etcd", "etcd/1"), parse("hooks/cluster-relation-changed",
                "JUJU_RELATION_ID", "12", "JUJU_REMOTE_APP", "etcd", "JUJU_REMOTE_UNIT", "etcd/1"));
        assertEquals(new Event.RelationChanged(ref, "etcd", null), parse("hooks/cluster-relation-changed",
                "JUJU_RELATION_ID", "cluster:12", "JUJU_REMOTE_APP", "etcd", "JUJU_REMOTE_UNIT", ""));
        assertEquals(new Event.RelationDeparted(ref, "etcd", "etcd/2", "etcd/2"),
                parse("hooks/cluster-relation-departed", "JUJU_RELATION_ID", "cluster:12", "JUJU_REMOTE_APP", "etcd",
                        "JUJU_REMOTE_UNIT", "etcd/2", "JUJU_DEPARTING_UNIT", "etcd/2"));
        assertEquals(new Event.RelationBroken(new Event.RelationRef("db", 3), "kube"),
                parse("hooks/db-relation-broken", "JUJU_RELATION_ID", "db:3", "JUJU_REMOTE_APP", "kube"));
        assertEquals("db-relation-broken", parse("hooks/db-relation-broken", "JUJU_RELATION_ID", "db:3").name());
    }

    @Test
    void storageSecretAndActionEvents() {
        assertEquals(new Event.StorageAttached("data", "data/0", "/var/lib/etcd"), parse("hooks/data-storage-attached",
                "JUJU_STORAGE_ID", "data/0", "JUJU_STORAGE_LOCATION", "/var/lib/etcd"));
        assertEquals(new Event.StorageDetaching("data", "data/1", null), parse("hooks/data-storage-detaching",
                "JUJU_STORAGE_ID", "data/1"));
        assertEquals(new Event.SecretEvent("changed", "secret:abc", "ca", null), parse("hooks/secret-changed",
                "JUJU_SECRET_ID", "secret:abc", "JUJU_SECRET_LABEL", "ca"));
        assertEquals(new Event.SecretEvent("remove", "secret:abc", null, "3"), parse("hooks/secret-remove",
                "JUJU_SECRET_ID", "secret:abc", "JUJU_SECRET_REVISION", "3"));
        assertEquals("secret-rotate", parse("hooks/secret-rotate", "JUJU_SECRET_ID", "secret:abc").name());
        assertEquals("secret-expired", parse("hooks/secret-expired", "JUJU_SECRET_ID", "secret:abc").name());
        assertEquals(new Event.Action("health", "7"), parse("actions/health", "JUJU_ACTION_UUID", "7"));
        assertEquals(new Event.Action("health", ""), parse("actions/health"));
    }

    @Test
    void contextReadsTheEnvironment() {
        JujuContext ctx = JujuContext.from(env("hooks/install", "JUJU_HOOK_NAME", "install", "CHARM_DIR", "/x"));
        assertEquals("etcd", ctx.appName());
        assertEquals("/charm", ctx.charmDir());
        assertEquals("install", ctx.hookName());
        assertEquals(3, ctx.jujuMajorVersion());
        Map<String, String> e = env("hooks/install");
        e.remove("JUJU_CHARM_DIR");
        e.put("CHARM_DIR", "/legacy");
        assertEquals("/legacy", JujuContext.from(e).charmDir());
        assertEquals("JUJU_VERSION 'dev' is not a version", assertThrows(IllegalStateException.class,
                () -> JujuContext.from(env("hooks/install", "JUJU_VERSION", "dev")).jujuMajorVersion()).getMessage());
    }

    /** Runs Framework.run with an environment that must be refused before the charm or its state is touched. */
    private static String refused(Map<String, String> env) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Framework.run(SPEC, fw -> {
            throw new AssertionError("charm must not run");
        }, env, new ProcessHookTools(), () -> {
            throw new AssertionError("state must not be loaded");
        }, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(Framework.EXIT_USAGE, code);
        String err = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, err.lines().count(), err);
        return err.strip();
    }

    @ParameterizedTest
    @CsvSource({"JUJU_DISPATCH_PATH", "JUJU_UNIT_NAME", "JUJU_MODEL_NAME", "JUJU_MODEL_UUID", "JUJU_VERSION"})
    void missingMandatoryVariable(String name) {
        Map<String, String> e = env("hooks/install");
        e.remove(name);
        String expected = "ERROR environment variable " + name + " is not set: this program must be run by Juju"
                + " (through the charm's dispatch)";
        assertEquals(expected, refused(e));
        e.put(name, " ");
        assertEquals(expected, refused(e));
    }

    @Test
    void missingCharmDirAndBadUnitName() {
        Map<String, String> e = env("hooks/install");
        e.remove("JUJU_CHARM_DIR");
        assertEquals("ERROR environment variable JUJU_CHARM_DIR is not set", refused(e));
        assertEquals("ERROR JUJU_UNIT_NAME 'etcd' is not a unit name like app/0",
                refused(env("hooks/install", "JUJU_UNIT_NAME", "etcd")));
        assertEquals("ERROR JUJU_UNIT_NAME 'etcd/' is not a unit name like app/0",
                refused(env("hooks/install", "JUJU_UNIT_NAME", "etcd/")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "install| ERROR JUJU_DISPATCH_PATH 'install' is not of the form hooks/<name> or actions/<name>",
        "hooks/| ERROR JUJU_DISPATCH_PATH 'hooks/' is not of the form hooks/<name> or actions/<name>",
        "/install| ERROR JUJU_DISPATCH_PATH '/install' is not of the form hooks/<name> or actions/<name>",
        "hooks/a/b| ERROR JUJU_DISPATCH_PATH 'hooks/a/b' is not of the form hooks/<name> or actions/<name>",
        "bin/install| ERROR JUJU_DISPATCH_PATH 'bin/install' names neither hooks/ nor actions/",
        "hooks/frobnicate| ERROR unknown hook 'frobnicate'",
        "hooks/secret-leaked| ERROR unknown hook 'secret-leaked'",
        "hooks/nope-relation-changed| ERROR unknown relation endpoint 'nope' in hook nope-relation-changed",
        "hooks/logs-storage-attached| ERROR unknown storage 'logs' in hook logs-storage-attached",
        "actions/reboot| ERROR unknown action 'reboot' (not in actions.yaml)",
    })
    void badDispatchPaths(String path, String message) {
        assertEquals(message, refused(env(path, "JUJU_RELATION_ID", "nope:0")));
    }

    @Test
    void badRelationVariables() {
        assertEquals("ERROR JUJU_RELATION_ID is not set for relation hook cluster-relation-changed",
                refused(env("hooks/cluster-relation-changed")));
        assertEquals("ERROR JUJU_RELATION_ID 'cluster:x' has no numeric id",
                refused(env("hooks/cluster-relation-changed", "JUJU_RELATION_ID", "cluster:x")));
        assertEquals("ERROR JUJU_REMOTE_UNIT is not set for cluster-relation-joined",
                refused(env("hooks/cluster-relation-joined", "JUJU_RELATION_ID", "cluster:0")));
        assertEquals("ERROR JUJU_REMOTE_UNIT is not set for cluster-relation-departed",
                refused(env("hooks/cluster-relation-departed", "JUJU_RELATION_ID", "cluster:0")));
        assertEquals("ERROR unknown hook 'cluster-relation-exploded'",
                refused(env("hooks/cluster-relation-exploded", "JUJU_RELATION_ID", "cluster:0")));
    }
}
