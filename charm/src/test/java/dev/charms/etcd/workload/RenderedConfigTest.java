package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The configuration rendered for etcd 3.4, 3.5 and 3.6 holds only flags that version documents
 * (test resources {@code etcd-flags/v3.x.txt}, each naming the documents it was taken from), with that
 * version's own snapshot-count default where the charm leaves it to etcd.
 */
class RenderedConfigTest {
    private static final EtcdTemplates TEMPLATES = new EtcdTemplates(Path.of("").toAbsolutePath());

    /** A version's documented flags: name to documented default ("" where the list gives none). */
    static Map<String, String> documentedFlags(String minorLine) throws IOException {
        Map<String, String> flags = new LinkedHashMap<>();
        try (InputStream in = RenderedConfigTest.class.getResourceAsStream("/etcd-flags/v" + minorLine + ".txt")) {
            if (in == null) {
                throw new IllegalStateException("no flag list for etcd " + minorLine);
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.strip().split(" ", 2);
                flags.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        return flags;
    }

    /**
     * The flag each key of a rendered config file sets: a top-level key is the flag of its name; the keys
     * under {@code client-transport-security} are the client TLS flags of their name and those under
     * {@code peer-transport-security} the {@code peer-} ones (as etcd's sample config file maps them).
     */
    static Map<String, Object> flagsOf(String rendered) {
        Map<String, Object> yaml = new Yaml().load(rendered);
        Map<String, Object> flags = new LinkedHashMap<>();
        yaml.forEach((key, value) -> {
            if (key.equals("client-transport-security") || key.equals("peer-transport-security")) {
                String prefix = key.startsWith("peer-") ? "peer-" : "";
                @SuppressWarnings("unchecked")
                Map<String, Object> tls = (Map<String, Object>) value;
                tls.forEach((k, v) -> flags.put(prefix + k, v));
            } else {
                flags.put(key, value);
            }
        });
        return flags;
    }

    private static String render(EtcdConfig.Builder config, EtcdVersion version) {
        return TEMPLATES.config(config.build(), version);
    }

    @Test
    void everyRenderedKeyIsADocumentedFlagOfItsVersion() throws IOException {
        for (EtcdVersion version : List.of(new EtcdVersion(3, 4, 23), new EtcdVersion(3, 5, 30), new EtcdVersion(3, 6, 0))) {
            Map<String, String> documented = documentedFlags(version.minorLine());
            Map<String, Object> rendered = flagsOf(render(EtcdTemplatesTest.threeMembers(), version));
            List<String> unknown = new ArrayList<>(rendered.keySet());
            unknown.removeAll(documented.keySet());
            assertEquals(List.of(), unknown, "keys etcd " + version + " does not document");
            assertTrue(rendered.keySet().containsAll(List.of("name", "cert-file", "peer-cert-file", "peer-client-cert-auth",
                    "snapshot-count", "cipher-suites")), rendered.toString());
        }
    }

    @Test
    void theFlagListsHoldWhat36RemovedAndRenamed() throws IOException {
        for (String line : List.of("3.4", "3.5")) {
            Map<String, String> flags = documentedFlags(line);
            assertTrue(flags.containsKey("enable-v2") && flags.containsKey("proxy"), line);
            assertFalse(flags.containsKey("feature-gates"), line);
        }
        Map<String, String> v36 = documentedFlags("3.6");
        for (String gone : List.of("enable-v2", "experimental-enable-v2v3", "proxy", "proxy-read-timeout",
                "experimental-initial-corrupt-check", "experimental-max-learners")) {
            assertFalse(v36.containsKey(gone), gone);
        }
        assertTrue(v36.keySet().containsAll(List.of("feature-gates", "max-learners", "corrupt-check-time")), v36.toString());
        assertTrue(v36.keySet().stream().noneMatch(f -> f.startsWith("experimental-")), v36.toString());
    }

    @Test
    void autoSnapshotCountIsTheVersionsDocumentedDefaultAndAnExplicitOneIsKept() throws IOException {
        for (EtcdVersion version : List.of(new EtcdVersion(3, 4, 23), new EtcdVersion(3, 5, 16), new EtcdVersion(3, 6, 4))) {
            String documented = documentedFlags(version.minorLine()).get("snapshot-count");
            Map<String, Object> auto = flagsOf(render(EtcdTemplatesTest.threeMembers().snapshotCount(0), version));
            assertEquals(documented, auto.get("snapshot-count").toString(), version.toString());
            Map<String, Object> set = flagsOf(render(EtcdTemplatesTest.threeMembers().snapshotCount(25_000), version));
            assertEquals(25_000, set.get("snapshot-count"), version.toString());
        }
        assertEquals("10000", documentedFlags("3.6").get("snapshot-count"));
    }

    @Test
    void aVersionWhoseFlagsTheCharmDoesNotKnowIsRefused() {
        for (EtcdVersion version : List.of(new EtcdVersion(3, 3, 25), new EtcdVersion(3, 7, 0), new EtcdVersion(4, 0, 0))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> render(EtcdTemplatesTest.threeMembers(), version));
            assertEquals("etcd " + version + " is not a version the charm configures: it runs etcd 3.4 to 3.6", e.getMessage());
        }
    }
}
