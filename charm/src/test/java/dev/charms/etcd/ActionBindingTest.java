package dev.charms.etcd;

import dev.charms.etcd.workload.MachineHost;
import dev.charms.etcd.workload.Host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.workload.EtcdPaths;
import dev.charms.ops.Framework;
import dev.charms.ops.HookToolException;
import dev.charms.ops.HookTools;
import dev.charms.ops.StoredState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The action bindings through the framework, with recording hook tools: bad parameters and a
 * non-leader restore end in {@code action-fail} with the reason (exit 0), before anything on the
 * unit or in Juju is changed.
 */
class ActionBindingTest {
    @TempDir
    Path tmp;

    /** Hook tools answering what an action reads, recording what it writes; any other call is recorded too. */
    static final class RecordingTools implements HookTools {
        final Map<String, Object> params;
        final boolean leader;
        final List<String> fails = new ArrayList<>();
        final Map<String, String> results = new LinkedHashMap<>();
        final List<String> writes = new ArrayList<>();

        RecordingTools(Map<String, Object> params, boolean leader) {
            this.params = params;
            this.leader = leader;
        }

        public Map<String, Object> configGet() {
            return Map.of();
        }

        public boolean isLeader() {
            return leader;
        }

        public List<String> relationIds(String endpoint) {
            return List.of();
        }

        public List<String> relationList(int relationId) {
            return List.of();
        }

        public String relationRemoteApp(int relationId) {
            return "";
        }

        public Map<String, String> relationGet(int relationId, String unitOrApp, boolean app) {
            return Map.of();
        }

        public void relationSet(int relationId, Map<String, String> data, boolean app) {
            writes.add("relation-set " + data);
        }

        public void statusSet(String status, String message, boolean application) {
            writes.add("status-set " + status + " " + message);
        }

        public void applicationVersionSet(String version) {
            writes.add("application-version-set " + version);
        }

        public void openPort(int port, String protocol) {
            writes.add("open-port " + port);
        }

        public void closePort(int port, String protocol) {
            writes.add("close-port " + port);
        }

        public List<String> openedPorts() {
            return List.of();
        }

        public Map<String, Object> networkGet(String binding) {
            throw new HookToolException("network-get", 1, "not expected in this test");
        }

        public void jujuLog(String level, String message) {
            writes.add("juju-log " + message);
        }

        public Map<String, Object> actionGet() {
            return params;
        }

        public void actionSet(Map<String, String> flatResults) {
            results.putAll(flatResults);
        }

        public void actionFail(String message) {
            fails.add(message);
        }

        public void actionLog(String message) {
        }

        public String secretAdd(Map<String, String> content, String label, String description, String owner) {
            writes.add("secret-add");
            return "secret:x";
        }

        public Map<String, String> secretGet(String uri, String label, boolean refresh) {
            throw new HookToolException("secret-get", 1, "not expected in this test");
        }

        public void secretSet(String uri, Map<String, String> content) {
            writes.add("secret-set");
        }

        public void secretRemove(String uri) {
            writes.add("secret-remove");
        }

        public List<String> secretIds() {
            return List.of();
        }

        public void secretGrant(String uri, int relationId) {
            writes.add("secret-grant");
        }

        public Map<String, Object> goalState() {
            throw new HookToolException("goal-state", 1, "goal-state: command not found");
        }

        public String resourceGet(String name) {
            throw new HookToolException("resource-get", 1, "could not download resource: not attached");
        }
    }

    private RecordingTools run(String action, Map<String, Object> params, boolean leader) {
        RecordingTools tools = new RecordingTools(new HashMap<>(params), leader);
        Map<String, String> env = Map.of("JUJU_DISPATCH_PATH", "actions/" + action, "JUJU_UNIT_NAME", "etcd/1",
                "JUJU_MODEL_NAME", "m", "JUJU_MODEL_UUID", "0123456789abcdef", "JUJU_VERSION", "3.6.0",
                "JUJU_CHARM_DIR", tmp.toString(), "JUJU_ACTION_UUID", "7");
        Host host = new MachineHost(EtcdPaths.under(tmp.resolve("root")), tmp);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Framework.run(EtcdCharm.SPEC, fw -> new EtcdCharm(fw, host), env, tools,
                () -> StoredState.load(tmp.resolve("state.json")), new PrintStream(err));
        assertEquals(0, code, "an action failure is action-fail with exit 0; stderr: " + err);
        assertEquals(1, tools.fails.size(), "exactly one action-fail: " + tools.fails);
        assertEquals(List.of(), tools.writes, "nothing written before the parameters are checked");
        assertEquals(Map.of(), tools.results);
        return tools;
    }

    @Test
    void restoreRefusesOnANonLeader() {
        String why = run("restore", Map.of("snapshot", "/srv/snap.db"), false).fails.get(0);
        assertEquals("restore must run on the leader unit, because it rewrites the cluster membership that only the"
                + " leader may change: juju run etcd/leader restore ...", why);
    }

    @Test
    void restoreChecksItsParametersFirst() {
        assertEquals("snapshot 'snap.db' must be an absolute path on this unit",
                run("restore", Map.of("snapshot", "snap.db"), true).fails.get(0));
        assertTrue(run("restore", Map.of("snapshot", ""), true).fails.get(0)
                .startsWith("no snapshot given and no `snapshot` resource attached"));
        assertTrue(run("restore", Map.of("snapshot", "/srv/s.db", "sha256", "xyz"), true).fails.get(0)
                .startsWith("sha256 'xyz' must be 64 hexadecimal digits"));
        assertEquals("skip-backup must be true or false, got 'maybe'",
                run("restore", Map.of("snapshot", "/srv/s.db", "skip-backup", "maybe"), true).fails.get(0));
        assertEquals("target 'backups' must be an absolute path",
                run("restore", Map.of("snapshot", "/srv/s.db", "target", "backups"), true).fails.get(0));
    }

    @Test
    void rebuildClusterRefusesOnANonLeaderAndChecksItsParametersFirst() {
        assertEquals("rebuild-cluster must run on the leader unit, because it rewrites the cluster membership that"
                + " only the leader may change: juju run etcd/leader rebuild-cluster",
                run("rebuild-cluster", Map.of(), false).fails.get(0));
        assertEquals("force must be true or false, got 'maybe'",
                run("rebuild-cluster", Map.of("force", "maybe"), true).fails.get(0));
        assertEquals("dry-run must be true or false, got '1'",
                run("rebuild-cluster", Map.of("dry-run", "1"), true).fails.get(0));
        assertEquals("target 'snapshots' must be an absolute path",
                run("rebuild-cluster", Map.of("target", "snapshots"), true).fails.get(0));
    }

    @Test
    void otherActionsCheckTheirParametersFirst() {
        assertEquals("validity-days 0 is out of range 1-3650",
                run("generate-client-certificates", Map.of("validity-days", 0L), false).fails.get(0));
        assertEquals("target 'snaps' must be an absolute path", run("snapshot", Map.of("target", "snaps"), false).fails.get(0));
        assertEquals("revision 'x' is not a whole number (leave it empty for the current revision)",
                run("compact", Map.of("revision", "x"), false).fails.get(0));
    }

    @Test
    void actionsNeedThePeerRelation() {
        for (String action : List.of("health", "member-list", "alarm-list", "alarm-disarm", "defrag", "move-leader", "check-consistency")) {
            assertEquals("the peer relation does not exist yet; wait until the unit has installed",
                    run(action, Map.of(), false).fails.get(0), action);
        }
    }
}
