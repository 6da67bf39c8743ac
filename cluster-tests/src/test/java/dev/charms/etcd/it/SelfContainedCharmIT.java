package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.controller.ExecResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The charm on a machine with no Java installed (the runner's model config {@code host-java=hidden}):
 * its own runtime ({@code jre/} in the charm) runs every hook from {@code install} on, the unit goes
 * active, actions that load the etcd client and the certificate code run on it, and the class archive
 * shipped in the charm serves the hooks on that runtime.
 */
class SelfContainedCharmIT {
    private static final Duration EXEC = Duration.ofSeconds(30);
    private static final String CHARM_DIR = "/var/lib/juju/agents/unit-etcd-0/charm";

    @Test
    void aUnitWithNoJavaOnItsMachineRunsOnTheCharmsOwnRuntime() throws Exception {
        try (LocalCluster c = new LocalCluster("nojava")) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> c.controller().setModelConfig(Map.of("host-java", "gone")));
            assertEquals("host-java: expected hidden or visible, got \"gone\"", bad.getMessage());
            c.controller().setModelConfig(Map.of("host-java", "hidden"));
            assertEquals("hidden", c.controller().modelConfig().get("host-java"));
            c.deploy(1, Map.of());
            c.settle();
            String unit = c.units().get(0);
            assertEquals("active", c.unit(unit).workload(), c.status().units().toString());

            ExecResult noJava = c.controller().exec(unit,
                    "command -v java; ls -A /usr/lib/jvm; for d in /etc/alternatives /usr/local/bin; do ls $d | grep -x java; done; true",
                    EXEC);
            assertEquals("", noJava.stdout().strip(), "the machine still shows a Java runtime");

            Path charm = c.controller().hostPath(unit, CHARM_DIR);
            assertEquals(CHARM_DIR + "/jre/bin/java", Files.readString(charm.resolve(".cds/java")).strip(),
                    "dispatch ran the hooks on another runtime");
            ExecResult version = c.controller().exec(unit, CHARM_DIR + "/jre/bin/java -version", EXEC);
            assertEquals(0, version.exitCode(), version.stderr());

            // The shipped class archive, made on this very runtime at build time, serves the hooks.
            try (var files = Files.list(charm.resolve(".cds"))) {
                assertTrue(files.filter(f -> f.getFileName().toString().matches("hooks-.*jsa"))
                                .anyMatch(f -> Files.isSymbolicLink(f)),
                        "the shipped class archive was not adopted on the charm's runtime");
            }
            assertFalse(Files.exists(charm.resolve(".cds/shipped-archive-refused")), "the JVM refused the shipped archive");

            // Actions that load the etcd client (gRPC, netty, TLS) and the certificate code.
            assertEquals("1", LocalCluster.result(c.runOk(unit, "member-list", Map.of()), "count"));
            Map<String, String> client = c.clientCredentials(
                    c.runOk(unit, "generate-client-certificates", Map.of("common-name", "no-java-it")));
            c.put("self-contained", "yes");
            LocalCluster.Result r = c.etcdctlWith(client, "get", "self-contained", "--print-value-only");
            assertEquals(0, r.code(), r.output());
            assertEquals("yes", r.output().strip());
        }
    }
}
