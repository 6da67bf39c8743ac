package dev.charms.ops.testing;

import dev.charms.ops.CharmSpec;
import dev.charms.ops.Framework;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;

/** The test charm in src/test/resources/testcharm: its spec and a context whose handlers each test writes. */
public final class Demo {
    public static final Path DIR = Path.of("src/test/resources/testcharm");
    public static final CharmSpec SPEC = new CharmSpec(Set.of("cluster"), Set.of("cluster", "db", "certificates"),
            Set.of("data"), Set.of("echo", "strict", "open"));

    private Demo() {
    }

    /** A context running a charm that registers its handlers with {@code setup}. */
    public static Context context(Consumer<Framework> setup) {
        return Context.fromCharmDir(SPEC, fw -> {
            setup.accept(fw);
            return fw;
        }, DIR);
    }

    /** A charm with no handlers. */
    public static Context idle() {
        return context(fw -> { });
    }
}
