package dev.charms.etcd;

import dev.charms.ops.Framework;

/**
 * Entry point of the charm jar. Under Juju ({@code dispatch} sets JUJU_DISPATCH_PATH and passes no
 * arguments) it goes straight to the framework's dispatcher: building picocli's command model costs about
 * 100 ms per process (docs/architecture.md, "The framework"), too much for a hook that runs every 5 minutes on every unit. With
 * arguments it is the picocli command line ({@link CharmCli}): {@code hook NAME}, {@code action NAME},
 * {@code events}, and {@code --version}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        dev.charms.ops.Trace.mark("main");
        int code;
        String dispatchPath = System.getenv("JUJU_DISPATCH_PATH");
        if (args.length == 0 && dispatchPath != null) {
            if (dispatchPath.startsWith("actions/")) {
                String charmDir = System.getenv().getOrDefault("JUJU_CHARM_DIR", System.getenv().getOrDefault("CHARM_DIR", "."));
                Actions.prewarmEarly(dispatchPath.substring("actions/".length()), java.nio.file.Path.of(charmDir));
            }
            code = Framework.dispatch(EtcdCharm.SPEC, new NewCharm());
        } else if (args.length == 1 && args[0].equals("--cds-training")) {
            code = CdsTraining.run();
        } else {
            code = CharmCli.run(args);
        }
        dev.charms.ops.Trace.mark("exit");
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    /** Makes the charm; a named class, not {@code EtcdCharm::new}: a method reference is a class spun at run time. */
    private static final class NewCharm implements java.util.function.Function<Framework, EtcdCharm> {
        @Override
        public EtcdCharm apply(Framework fw) {
            return new EtcdCharm(fw);
        }
    }
}
