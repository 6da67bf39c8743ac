package dev.charms.etcd;

import dev.charms.ops.EventParser;
import dev.charms.ops.Framework;
import dev.charms.ops.JujuContext;
import dev.charms.ops.ProcessHookTools;
import dev.charms.ops.StoredState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The charm jar's command line (picocli), for operators and debugging on a unit:
 * {@code hook NAME} and {@code action NAME} run a hook or an action in the current Juju context (as
 * {@code juju exec} provides it), {@code events} lists every hook and action name with the typed event
 * it maps to, {@code --version} prints the charm version.
 */
@Command(name = "etcd-charm", mixinStandardHelpOptions = true, version = "etcd charm 1.0.0",
        description = "The etcd machine charm. Juju runs it through 'dispatch'; these commands are for people.",
        subcommands = {CharmCli.Hook.class, CharmCli.Action.class, CharmCli.Events.class})
public final class CharmCli implements Callable<Integer> {

    public static int run(String[] args) {
        return new CommandLine(new CharmCli()).execute(args);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    static int dispatch(String path) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("JUJU_DISPATCH_PATH", path);
        String charmDir = env.getOrDefault("JUJU_CHARM_DIR", env.getOrDefault("CHARM_DIR", "."));
        return Framework.run(EtcdCharm.SPEC, EtcdCharm::new, env, new ProcessHookTools(),
                () -> StoredState.load(Path.of(charmDir, ".unit-state.json")), System.err);
    }

    /** Runs one hook in the current Juju context. */
    @Command(name = "hook", description = "Run a hook (e.g. update-status) in the current Juju context.")
    static final class Hook implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "Hook name, e.g. config-changed or cluster-relation-changed.")
        String name;

        @Override
        public Integer call() {
            return dispatch("hooks/" + name);
        }
    }

    /** Runs one action in the current Juju context. */
    @Command(name = "action", description = "Run an action's handler in the current Juju action context.")
    static final class Action implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "Action name, e.g. health.")
        String name;

        @Override
        public Integer call() {
            return dispatch("actions/" + name);
        }
    }

    /** Lists every hook and action name and the typed event it becomes. */
    @Command(name = "events", description = "List every hook and action name and the typed event it maps to.")
    static final class Events implements Callable<Integer> {
        @Override
        public Integer call() {
            for (String name : names()) {
                Map<String, String> env = new HashMap<>();
                env.put("JUJU_DISPATCH_PATH", name);
                env.put("JUJU_UNIT_NAME", "etcd/0");
                env.put("JUJU_MODEL_NAME", "m");
                env.put("JUJU_MODEL_UUID", "u");
                env.put("JUJU_VERSION", "3.6.0");
                env.put("JUJU_CHARM_DIR", ".");
                env.put("JUJU_RELATION_ID", "0");
                env.put("JUJU_REMOTE_UNIT", "etcd/1");
                env.put("JUJU_REMOTE_APP", "etcd");
                System.out.printf("%-40s %s%n", name, EventParser.parse(JujuContext.from(env), EtcdCharm.SPEC)
                        .getClass().getSimpleName());
            }
            return 0;
        }

        static List<String> names() {
            List<String> out = new ArrayList<>(List.of("hooks/install", "hooks/start", "hooks/config-changed",
                    "hooks/upgrade-charm", "hooks/update-status", "hooks/leader-elected",
                    "hooks/leader-settings-changed", "hooks/stop", "hooks/remove", "hooks/secret-changed"));
            for (String ep : EtcdCharm.SPEC.endpoints().stream().sorted().toList()) {
                for (String kind : List.of("created", "joined", "changed", "departed", "broken")) {
                    out.add("hooks/" + ep + "-relation-" + kind);
                }
            }
            for (String s : EtcdCharm.SPEC.storages()) {
                out.add("hooks/" + s + "-storage-attached");
                out.add("hooks/" + s + "-storage-detaching");
            }
            EtcdCharm.SPEC.actions().stream().sorted().forEach(a -> out.add("actions/" + a));
            return out;
        }
    }
}
