package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration rendered for the installed version, run by the real etcd 3.4.23 and 3.5.30: a
 * one-member etcd with client and peer mutual TLS from the charm's own PKI serves on it. etcd ignores a
 * YAML key it does not know, so each rendered key is also checked against the flags the binary itself
 * lists in {@code etcd --help}, and the values etcd reports at start-up against the rendered ones.
 */
class RenderedConfigIT {
    private static final Pattern HELP_FLAG = Pattern.compile("^\\s+--([a-z0-9-]+)", Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void debianEtcd34ServesOnItsRenderedConfig(@TempDir Path dir) throws Exception {
        servesOnItsRenderedConfig(dir, RealEtcd.debian(), "3.4.23");
    }

    @Test
    void releasedEtcd35ServesOnItsRenderedConfig(@TempDir Path dir) throws Exception {
        servesOnItsRenderedConfig(dir, RealEtcd.release("3.5.30", dir.resolve("install")), "3.5.30");
    }

    private static void servesOnItsRenderedConfig(Path dir, EtcdInstallation etcd, String version) throws Exception {
        assertEquals(EtcdVersion.parse(version), etcd.version());
        try (LocalMember m = new LocalMember(dir, "m0", charmPki(), etcd.etcd())) {
            m.start(m.config(m.selfCluster(), InitialClusterState.NEW).snapshotCount(0).build());
            HealthProbe probe = new HealthProbe(TlsPaths.client(m.paths));
            m.awaitHealthy(probe, Duration.ofSeconds(30));
            assertEquals(version, probe.version(m.clientUrl).server());

            String rendered = Files.readString(m.paths.configFile());
            Map<String, Object> flags = RenderedConfigTest.flagsOf(rendered);
            CommandResult helped = new CommandRunner().run(List.of(etcd.etcd().toString(), "--help"), Map.of(), Duration.ofSeconds(30));
            String help = helped.stdout() + helped.stderr();
            List<String> known = new ArrayList<>();
            Matcher h = HELP_FLAG.matcher(help);
            while (h.find()) {
                known.add(h.group(1));
            }
            List<String> unknown = new ArrayList<>(flags.keySet());
            unknown.removeAll(known);
            assertEquals(List.of(), unknown, "rendered keys etcd " + version + " --help does not list");

            JsonNode started = startLine(Files.readString(m.paths.root().resolve("etcd.log")));
            assertEquals(etcd.version().defaultSnapshotCount(), started.path("snapshot-count").asLong(), started.toString());
            assertEquals(flags.get("snapshot-count"), started.path("snapshot-count").asInt());
            assertEquals(flags.get("max-wals"), started.path("max-wals").asInt());
            assertEquals(m.name, started.path("name").asText());
        }
    }

    /** etcd's "starting an etcd server" log entry, which lists the configuration it runs with. */
    private static JsonNode startLine(String log) throws Exception {
        for (String line : log.split("\n")) {
            if (line.startsWith("{") && line.contains("\"msg\":\"starting an etcd server\"")) {
                return JSON.readTree(line);
            }
        }
        throw new AssertionError("no 'starting an etcd server' entry in the log:\n" + log);
    }

    /** A CA, and a server-and-client certificate for 127.0.0.1 signed by it, from the charm's PKI code. */
    private static TlsMaterial charmPki() {
        CertificateAuthority ca = CertificateAuthority.create("rendered-config-it", 1, KeyType.DEFAULT);
        KeyPair keys = Keys.generate(KeyType.DEFAULT);
        String csr = Csr.create(keys, "m0", Set.of("127.0.0.1", "localhost"));
        String cert = ca.sign(Csr.parse(csr), Csr.parse(csr).sans(), 1, Usage.SERVER_AND_CLIENT);
        String key = Keys.privateKeyPem(keys.getPrivate());
        return new TlsMaterial(ca.certificatePem(), cert, key, cert, key);
    }
}
