package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks target/etcd.charm as Juju does and checks it: the files Juju reads, the jar, the unix modes
 * of dispatch and hooks (Juju keeps them from the zip's external attributes), and that the unpacked
 * dispatch runs the jar and reports a bad environment in one line.
 */
class CharmPackageIT {
    private static final Path CHARM = Path.of("target", "etcd.charm");

    /** Unix mode of every entry, read from the zip central directory's external attributes. */
    static Map<String, Integer> unixModes(Path zip) throws IOException {
        byte[] data = Files.readAllBytes(zip);
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = -1;
        for (int i = data.length - 22; i >= 0; i--) {
            if (buf.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        assertTrue(eocd >= 0, "no end of central directory record");
        int entries = Short.toUnsignedInt(buf.getShort(eocd + 10));
        int pos = buf.getInt(eocd + 16);
        Map<String, Integer> modes = new HashMap<>();
        for (int n = 0; n < entries; n++) {
            assertEquals(0x02014b50, buf.getInt(pos), "bad central directory header");
            int nameLen = Short.toUnsignedInt(buf.getShort(pos + 28));
            int extraLen = Short.toUnsignedInt(buf.getShort(pos + 30));
            int commentLen = Short.toUnsignedInt(buf.getShort(pos + 32));
            int external = buf.getInt(pos + 38);
            String name = new String(data, pos + 46, nameLen, StandardCharsets.UTF_8);
            modes.put(name, (external >>> 16) & 07777);
            pos += 46 + nameLen + extraLen + commentLen;
        }
        return modes;
    }

    @Test
    void charmHoldsWhatJujuReadsWithExecutableBits() throws IOException {
        Map<String, Integer> modes = unixModes(CHARM);
        for (String f : List.of("metadata.yaml", "config.yaml", "actions.yaml", "manifest.yaml", "README.md",
                "lib/etcd-charm.jar", "templates/etcd.conf.yml", "templates/etcd.service")) {
            assertTrue(modes.containsKey(f), f + " missing from the charm");
        }
        assertEquals(0755, modes.get("dispatch"));
        long hooks = modes.entrySet().stream().filter(e -> e.getKey().startsWith("hooks/") && !e.getKey().endsWith("/"))
                .peek(e -> assertEquals(0755, e.getValue(), e.getKey())).count();
        assertTrue(hooks >= 20, "hook shims: " + hooks);
        assertTrue(modes.keySet().stream().noneMatch(n -> n.startsWith("src/") || n.startsWith("target/")));
    }

    @Test
    void unpackedDispatchRunsTheJarAndNamesAMissingVariable(@TempDir Path dir) throws Exception {
        Process unzip = new ProcessBuilder("unzip", "-q", CHARM.toAbsolutePath().toString(), "-d", dir.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, unzip.waitFor());
        assertTrue(Files.isExecutable(dir.resolve("dispatch")), "unzip kept dispatch executable");
        ProcessBuilder pb = new ProcessBuilder(dir.resolve("hooks/update-status").toString()).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv("PATH"));
        pb.environment().put("JUJU_CHARM_DIR", dir.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, p.exitValue(), out);
        assertEquals("ERROR environment variable JUJU_UNIT_NAME is not set: this program must be run by Juju"
                + " (through the charm's dispatch)", out);
    }
}
