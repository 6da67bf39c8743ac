package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.controller.CharmUnpacker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
                "lib/etcd-charm.jar", "templates/etcd.conf.yml", "templates/etcd.service",
                "cos/prometheus_alert_rules/etcd.rules.yaml", "cos/grafana_dashboards/etcd.json")) {
            assertTrue(modes.containsKey(f), f + " missing from the charm");
        }
        assertEquals(0755, modes.get("dispatch"));
        long hooks = modes.entrySet().stream().filter(e -> e.getKey().startsWith("hooks/") && !e.getKey().endsWith("/"))
                .peek(e -> assertEquals(0755, e.getValue(), e.getKey())).count();
        assertTrue(hooks >= 20, "hook shims: " + hooks);
        assertTrue(modes.keySet().stream().noneMatch(n -> n.startsWith("src/") || n.startsWith("target/")));
    }

    /**
     * The charm ships its own Java runtime, linked from only the modules the jar needs (no full Java SE),
     * and its manifest names the one architecture that runtime was built for: this machine's.
     */
    @Test
    void charmShipsARuntimeForTheBuildArchitectureAndSaysSo(@TempDir Path dir) throws Exception {
        Map<String, Integer> modes = unixModes(CHARM);
        assertEquals(0755, modes.get("jre/bin/java"));
        assertTrue(modes.containsKey("jre/lib/modules") && modes.containsKey("jre/lib/server/libjvm.so")
                && modes.containsKey("jre/lib/server/classes.jsa"), "incomplete runtime: " + modes.keySet());
        Path charm = dir.resolve("charm");
        CharmUnpacker.unpack(CHARM, charm);
        String release = Files.readString(charm.resolve("jre/release"));
        String modules = release.lines().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow();
        assertTrue(modules.contains("java.base") && modules.contains("jdk.unsupported") && modules.contains("java.naming"), modules);
        assertFalse(modules.contains("java.se ") || modules.contains("jdk.compiler") || modules.contains("jdk.jshell"),
                "a full JDK, not a linked runtime: " + modules);
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "ppc64le" -> "ppc64el";
            default -> System.getProperty("os.arch");
        };
        String manifest = Files.readString(charm.resolve("manifest.yaml"));
        assertTrue(manifest.contains("architectures: [" + arch + "]"), manifest);
        assertEquals(manifest.split("architectures:", -1).length - 1,
                manifest.split("architectures: \\[" + arch + "\\]", -1).length - 1, manifest);
        Process p = new ProcessBuilder(charm.resolve("jre/bin/java").toString(), "-Xshare:on", "-cp",
                charm.resolve("lib/etcd-charm.jar").toString(), "dev.charms.etcd.Main", "--version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    /**
     * The charm carries the framework, the charm and their libraries only: the local runner (its classes
     * and its jujuc client) and the in-memory testing harness stay out of what every unit receives.
     */
    @Test
    void charmJarHoldsNoRunnerOrTestingClass(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("etcd-charm.jar");
        try (java.util.zip.ZipFile charm = new java.util.zip.ZipFile(CHARM.toFile())) {
            try (java.io.InputStream in = charm.getInputStream(charm.getEntry("lib/etcd-charm.jar"))) {
                Files.copy(in, jar);
            }
            assertTrue(charm.stream().noneMatch(e -> e.getName().endsWith("jujuc")), "a jujuc binary in the charm");
        }
        List<String> names;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            names = zip.stream().map(java.util.zip.ZipEntry::getName).toList();
        }
        assertTrue(names.contains("dev/charms/etcd/Main.class"), "the charm's entry point is missing");
        assertTrue(names.contains("dev/charms/ops/Framework.class"), "the framework is missing");
        List<String> strays = names.stream()
                .filter(n -> n.startsWith("dev/charms/runner/") || n.startsWith("dev/charms/ops/testing/")
                        || n.endsWith("/jujuc") || n.equals("jujuc"))
                .toList();
        assertEquals(List.of(), strays, "runner or testing files in the charm's jar");
    }

    /**
     * The S3 client of the backups (docs/backups.md) ships in lib/s3/, outside the hooks' jar: no class
     * of it is in the jar, and dispatch puts lib/s3/ on the class path of the backup actions only.
     */
    @Test
    void theS3ClientIsInLibS3OnTheBackupActionsClassPathOnly(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("etcd-charm.jar");
        List<String> charmEntries;
        try (java.util.zip.ZipFile charm = new java.util.zip.ZipFile(CHARM.toFile())) {
            charmEntries = charm.stream().map(java.util.zip.ZipEntry::getName).toList();
            try (java.io.InputStream in = charm.getInputStream(charm.getEntry("lib/etcd-charm.jar"))) {
                Files.copy(in, jar);
            }
        }
        assertTrue(charmEntries.stream().anyMatch(n -> n.matches("lib/s3/s3-[0-9.]+\\.jar")), charmEntries.toString());
        assertTrue(charmEntries.stream().anyMatch(n -> n.matches("lib/s3/url-connection-client-[0-9.]+\\.jar")));
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            assertTrue(zip.stream().noneMatch(e -> e.getName().startsWith("software/amazon/")), "SDK classes in the hooks' jar");
        }
        String dispatch = Files.readString(Path.of("dispatch"));
        assertTrue(dispatch.contains("actions/create-backup|actions/list-backups|actions/restore) cp=\"$jar:$charm_dir/lib/s3/*\""),
                "dispatch's class path for the backup actions changed");
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

    /** Removes a directory tree (the charm's own runtime, to put another in its place). */
    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Major version of the newest JDK under /usr/lib/jvm (dispatch also looks there), 0 if none. */
    private static int newestJdkMajor() throws IOException {
        int best = 0;
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : homes.toList()) {
                Path release = home.resolve("release");
                if (!Files.isReadable(release)) {
                    continue;
                }
                for (String line : Files.readAllLines(release)) {
                    if (line.startsWith("JAVA_VERSION=\"")) {
                        String v = line.substring("JAVA_VERSION=\"".length()).replaceAll("[^0-9].*", "");
                        best = Math.max(best, v.isEmpty() ? 0 : Integer.parseInt(v));
                    }
                }
            }
        }
        return best;
    }

    /** Runs hooks/remove (no handler, no hook tool) through the unpacked charm's dispatch; returns its output. */
    private static String noOpHook(Path charm, String javaToolOptions) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(charm.resolve("dispatch").toString()).directory(charm.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("JUJU_DISPATCH_PATH", "hooks/remove");
        pb.environment().put("JUJU_UNIT_NAME", "etcd/0");
        pb.environment().put("JUJU_MODEL_NAME", "test");
        pb.environment().put("JUJU_MODEL_UUID", "00000000-0000-4000-8000-000000000000");
        pb.environment().put("JUJU_VERSION", "3.6.4");
        pb.environment().put("JUJU_CHARM_DIR", charm.toString());
        if (javaToolOptions != null) {
            pb.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
        }
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Waits for dispatch's background archive work (a *.lock dir in .cds) to end, so the temp dir can go. */
    private static void awaitArchiveWork(Path charm) throws Exception {
        for (int i = 0; i < 240; i++) {
            try (Stream<Path> s = Files.exists(charm.resolve(".cds")) ? Files.list(charm.resolve(".cds")) : Stream.empty()) {
                if (s.noneMatch(f -> f.getFileName().toString().endsWith(".lock"))) {
                    return;
                }
            }
            Thread.sleep(250);
        }
    }

    private static List<Path> hookArchives(Path charm) throws IOException {
        try (Stream<Path> s = Files.list(charm.resolve(".cds"))) {
            return s.filter(f -> f.getFileName().toString().matches("hooks-.*jsa")).toList();
        }
    }

    @Test
    void theShippedClassArchiveServesTheFirstHookOfAUnitOnTheBuildsJdk(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(newestJdkMajor() >= 25, "no JDK 25 or later here: the build ships no archive");
        Map<String, Integer> modes = unixModes(CHARM);
        assertTrue(modes.containsKey("cds/hooks.jsa") && modes.containsKey("cds/hooks.id"),
                "the build found JDK 25+ but the charm ships no class archive: " + modes.keySet());
        Path charm = dir.resolve("charm");
        CharmUnpacker.unpack(CHARM, charm);   // as Juju: the jar's mtime is the unpacking time
        assertEquals("", noOpHook(charm, null), "no output");
        List<Path> archives = hookArchives(charm);
        assertEquals(1, archives.size(), archives.toString());
        assertEquals(charm.resolve("cds/hooks.jsa"), Files.readSymbolicLink(archives.get(0)));
        assertFalse(Files.exists(charm.resolve(".cds/shipped-archive-refused")));
        // The JVM dispatch picked maps it, where the unit has the jar (-Xshare:on fails rather than run without).
        String java = Files.readString(charm.resolve(".cds/java")).strip();
        Process p = new ProcessBuilder(java, "-Xshare:on", "-XX:SharedArchiveFile=" + archives.get(0), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xlog:class+load=info", "-cp", charm.resolve("lib/etcd-charm.jar").toString(),
                "dev.charms.etcd.Main", "--version").redirectErrorStream(true).start();
        String classes = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(classes.contains("dev.charms.etcd.Main source: shared objects file (top)"), classes);
        awaitArchiveWork(charm);
        assertEquals(archives, hookArchives(charm), "no archive of the unit's own was made besides");
    }

    @Test
    void aShippedArchiveOfAnotherJdkOrOneTheJvmRefusesIsLeftAloneAndTheHookRunsCleanly(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(newestJdkMajor() >= 25, "no JDK 25 or later here: the build ships no archive");
        Path other = dir.resolve("other");
        CharmUnpacker.unpack(CHARM, other);
        List<String> id = Files.readAllLines(other.resolve("cds/hooks.id"));
        Files.write(other.resolve("cds/hooks.id"), List.of("1-2-3-4-", id.get(1), id.get(2)));
        FileTime before = Files.getLastModifiedTime(other.resolve("lib/etcd-charm.jar"));
        assertEquals("", noOpHook(other, null));
        assertFalse(Files.exists(other.resolve(".cds")) && hookArchives(other).stream().anyMatch(Files::isSymbolicLink),
                "an archive of another JDK was adopted");
        assertEquals(before, Files.getLastModifiedTime(other.resolve("lib/etcd-charm.jar")), "the jar was touched");
        awaitArchiveWork(other);

        Path corrupt = dir.resolve("corrupt");
        CharmUnpacker.unpack(CHARM, corrupt);
        byte[] jsa = Files.readAllBytes(corrupt.resolve("cds/hooks.jsa"));
        java.util.Arrays.fill(jsa, 0, 4096, (byte) 0x5a);
        Files.write(corrupt.resolve("cds/hooks.jsa"), jsa);
        assertEquals("", noOpHook(corrupt, null), "a refused archive must not spill JVM errors into the hook's output");
        assertTrue(Files.exists(corrupt.resolve(".cds/shipped-archive-refused")));
        assertTrue(hookArchives(corrupt).stream().noneMatch(Files::isSymbolicLink));
        assertEquals("", noOpHook(corrupt, null));
        awaitArchiveWork(corrupt);
    }

    @Test
    void onJavaBefore25TheBuildShipsNoArchiveAndAUnitLeavesAShippedOneAlone(@TempDir Path dir) throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(jdk17.resolve("bin/java")), "no JDK 17 here");
        Path charm = dir.resolve("charm");
        CharmUnpacker.unpack(CHARM, charm);
        deleteTree(charm.resolve("jre"));
        Files.createSymbolicLink(charm.resolve("jre"), jdk17);   // a bundled runtime wins in dispatch
        FileTime before = Files.getLastModifiedTime(charm.resolve("lib/etcd-charm.jar"));
        assertEquals("", noOpHook(charm, null));
        assertTrue(Files.notExists(charm.resolve(".cds")) || hookArchives(charm).stream().noneMatch(Files::isSymbolicLink),
                "a Java 17 unit adopted an archive that Java 17 cannot use from a moved charm dir");
        assertEquals(before, Files.getLastModifiedTime(charm.resolve("lib/etcd-charm.jar")));
        awaitArchiveWork(charm);

        Path stage = dir.resolve("stage");   // a staged charm, as the build has it, whose dispatch finds Java 17
        CharmUnpacker.unpack(CHARM, stage);
        deleteTree(stage.resolve("jre"));
        Files.createSymbolicLink(stage.resolve("jre"), jdk17);
        ProcessBuilder pb = new ProcessBuilder("sh", stage.resolve("dispatch").toString(), "--build-archive").redirectErrorStream(true);
        pb.environment().put("JUJU_CHARM_DIR", stage.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("is Java 17; a shipped class archive needs Java 25 or later: none made"), out);
        assertFalse(Files.exists(stage.resolve("cds")), "the archive of an earlier build was removed");
        assertFalse(Files.exists(stage.resolve(".cds")), "the build leaves no unit state behind");
    }
}
