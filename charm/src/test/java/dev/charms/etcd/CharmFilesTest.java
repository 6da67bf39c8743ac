package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.charmfiles.CharmFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Keeps the charm's declared spec equal to metadata.yaml/actions.yaml and checks the YAML files' rules. */
class CharmFilesTest {
    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String file) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return new Yaml().load(in);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void specMatchesMetadata() throws IOException {
        Map<String, Object> meta = yaml("metadata.yaml");
        assertEquals("etcd", meta.get("name"));
        Set<String> endpoints = new HashSet<>();
        for (String kind : new String[] {"peers", "provides", "requires"}) {
            endpoints.addAll(((Map<String, Object>) meta.getOrDefault(kind, Map.of())).keySet());
        }
        assertEquals(endpoints, EtcdCharm.SPEC.endpoints());
        assertEquals(((Map<String, Object>) meta.get("peers")).keySet(), EtcdCharm.SPEC.peers());
        assertEquals(((Map<String, Object>) meta.get("storage")).keySet(), EtcdCharm.SPEC.storages());
        Map<String, Object> db = (Map<String, Object>) ((Map<String, Object>) meta.get("provides")).get("db");
        assertEquals("etcd", db.get("interface"));
        assertTrue(((Map<String, Object>) meta.get("resources")).containsKey("etcd"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void specMatchesActionsAndEveryActionRejectsUnknownParams() throws IOException {
        Map<String, Object> actions = yaml("actions.yaml");
        assertEquals(actions.keySet(), EtcdCharm.SPEC.actions());
        for (Map.Entry<String, Object> a : actions.entrySet()) {
            Map<String, Object> spec = (Map<String, Object>) a.getValue();
            assertEquals(false, spec.get("additionalProperties"), a.getKey());
            assertTrue(spec.get("description") instanceof String, a.getKey());
            for (Map.Entry<String, Object> p : ((Map<String, Object>) spec.getOrDefault("params", Map.of())).entrySet()) {
                Map<String, Object> param = (Map<String, Object>) p.getValue();
                assertTrue(param.containsKey("type") && param.containsKey("description"), a.getKey() + "." + p.getKey());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOptionHasTypeDefaultAndDescriptionAndTheDefaultsAreValid() throws IOException {
        Map<String, Object> options = (Map<String, Object>) yaml("config.yaml").get("options");
        for (String original : new String[] {"port", "management_port", "bind_to_all_interfaces", "heartbeat_interval",
                "election_timeout", "snapshot_count", "tls_cipher_suites"}) {
            assertTrue(options.containsKey(original), original);
        }
        Map<String, Object> defaults = new java.util.HashMap<>();
        for (Map.Entry<String, Object> o : options.entrySet()) {
            Map<String, Object> opt = (Map<String, Object>) o.getValue();
            assertTrue(Set.of("string", "int", "boolean", "float").contains(opt.get("type")), o.getKey());
            assertTrue(opt.containsKey("default") && opt.get("description") instanceof String, o.getKey());
            Object d = opt.get("default");
            defaults.put(o.getKey(), d instanceof Integer i ? Long.valueOf(i) : d);
        }
        assertEquals(EtcdSettingsTest.defaults(), defaults);
        assertTrue(EtcdSettings.parse(new dev.charms.ops.Config(defaults)).valid());
    }

    @Test
    void hookShimsAndDispatchAreExecutableAndCoverEveryHook() throws IOException {
        assertTrue(Files.isExecutable(Path.of("dispatch")));
        for (String ep : EtcdCharm.SPEC.endpoints()) {
            for (String kind : new String[] {"created", "joined", "changed", "departed"}) {
                Path shim = Path.of("hooks", ep + "-relation-" + kind);
                assertTrue(Files.isExecutable(shim), shim.toString());
                assertTrue(Files.readString(shim).contains("hooks/" + ep + "-relation-" + kind), shim.toString());
            }
        }
    }

    @Test
    void theHarnessAndTheRunnerLoadTheseCharmFiles() {
        CharmFiles repo = CharmFiles.load(Path.of(""));
        assertTrue(repo.metadata().endpoints().containsKey("cluster"));
        assertEquals(2379L, repo.config().require("port").defaultValue());
        assertEquals(Map.of("common-name", "etcd-client", "validity-days", 365, "key-type", "ecdsa-p256", "read-only", false),
                repo.actions().validate("generate-client-certificates", Map.of()));
    }
}
