package dev.charms.runner.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unit-file loading, drop-ins, specifiers, Exec/Environment syntax and time spans, on a fake machine root. */
class UnitDefinitionTest {
    @TempDir
    Path root;

    private final MachineFiles files = new MachineFiles() {
        private Path host(String p) {
            return root.resolve(p.substring(1));
        }

        @Override
        public Optional<Path> find(String p) {
            return Files.exists(host(p), LinkOption.NOFOLLOW_LINKS) ? Optional.of(host(p)) : Optional.empty();
        }

        @Override
        public Optional<String> readLink(String p) {
            try {
                return Files.isSymbolicLink(host(p)) ? Optional.of(Files.readSymbolicLink(host(p)).toString())
                        : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        @Override
        public List<String> list(String dir) {
            try (var s = Files.list(host(dir))) {
                return s.map(x -> x.getFileName().toString()).sorted().toList();
            } catch (IOException e) {
                return List.of();
            }
        }
    };

    private void write(String path, String text) throws IOException {
        Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void etcOverridesLibAndDropInsApplyInNameOrder() throws IOException {
        write("/lib/systemd/system/etcd.service", "[Service]\nExecStart=/usr/bin/etcd --lib\nRestart=no\n");
        write("/etc/systemd/system/etcd.service", "[Unit]\nDescription=etcd on %H (%n/%N/%p)\n[Service]\n"
                + "ExecStart=/usr/bin/etcd \\\n  --etc\nEnvironment=A=1\nRestart=no\n");
        write("/lib/systemd/system/etcd.service.d/10-a.conf", "[Service]\nRestart=always\n");
        write("/etc/systemd/system/etcd.service.d/10-a.conf", "[Service]\nRestart=on-failure\n");
        write("/lib/systemd/system/etcd.service.d/20-b.conf", "[Service]\nEnvironment=\nEnvironment=B=2\n");
        UnitDefinition def = UnitDefinition.load(files, "etcd.service", "juju-m-0").orElseThrow();
        assertEquals("/etc/systemd/system/etcd.service", def.fragmentPath());
        assertEquals("etcd on juju-m-0 (etcd.service/etcd/etcd)", def.get("Unit", "Description", ""));
        assertEquals(List.of("/usr/bin/etcd", "--etc"), CommandLine.split(def.get("Service", "ExecStart", "")));
        assertEquals("on-failure", def.get("Service", "Restart", ""));
        assertEquals(List.of("B=2"), def.all("Service", "Environment"));
        assertFalse(def.masked());
        assertTrue(UnitDefinition.load(files, "nothing.service", "h").isEmpty());
    }

    @Test
    void aliasesAndMasks() throws IOException {
        write("/lib/systemd/system/etcd.service", "[Service]\nExecStart=/usr/bin/etcd\n[Install]\nWantedBy=multi-user.target\n");
        Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.createSymbolicLink(root.resolve("etc/systemd/system/etcd2.service"), Path.of("/lib/systemd/system/etcd.service"));
        UnitDefinition alias = UnitDefinition.load(files, "etcd2.service", "h").orElseThrow();
        assertEquals("etcd.service", alias.id());
        assertTrue(alias.hasInstallSection());
        Files.createSymbolicLink(root.resolve("etc/systemd/system/etcd.service"), Path.of("/dev/null"));
        assertTrue(UnitDefinition.load(files, "etcd.service", "h").orElseThrow().masked());
    }

    @Test
    void execLinesFollowSystemdQuotingAndExpansion() {
        Map<String, String> env = Map.of("ARGS", "--a 1  --b", "DIR", "/var/lib/x y");
        CommandLine.Exec exec = CommandLine.exec("-/usr/bin/etcd $ARGS \"--data=${DIR}\" 'q w' a\\ b $$HOME", env);
        assertTrue(exec.ignoreFailure());
        assertEquals(List.of("/usr/bin/etcd", "--a", "1", "--b", "--data=/var/lib/x y", "q w", "a b", "$HOME"), exec.argv());
        assertEquals(List.of("/bin/x", "$ARGS"), CommandLine.exec(":/bin/x $ARGS", env).argv());
        assertTrue(CommandLine.exec("+/bin/mkdir d", env).fullPrivileges());
        assertThrows(IllegalArgumentException.class, () -> CommandLine.exec("/bin/x 'open", env));
    }

    @Test
    void environmentAssignmentsAndFiles() {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        CommandLine.environment("A=1 \"B=two words\" C='x y' junk", env);
        assertEquals(Map.of("A", "1", "B", "two words", "C", "x y"), env);
        Map<String, String> file = CommandLine.environmentFile("# comment\n; other\nX=1\n Y = \"a b\" \nZ='c'\nLONG=a\\\nb\nbad\n");
        assertEquals(Map.of("X", "1", "Y", "a b", "Z", "c", "LONG", "ab"), file);
    }

    @Test
    void timeSpans() {
        assertEquals(Duration.ofMillis(100), UnitDefinition.duration("100ms").orElseThrow());
        assertEquals(Duration.ofSeconds(5), UnitDefinition.duration("5").orElseThrow());
        assertEquals(Duration.ofSeconds(90), UnitDefinition.duration("1min 30s").orElseThrow());
        assertEquals(Duration.ofSeconds(90), UnitDefinition.duration("1min30sec").orElseThrow());
        assertTrue(UnitDefinition.duration("infinity").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> UnitDefinition.duration("soon"));
    }

    @Test
    void modelIdsAndNames() {
        ModelNetwork net = new ModelNetwork("my-model");
        assertTrue(net.bridge().length() <= 15 && net.hostVeth(243).length() <= 15, net.hostVeth(243));
        assertEquals("10.213.7.11", ModelNetwork.address(7, 0));
        assertThrows(IllegalArgumentException.class, () -> new ModelNetwork("Bad_Model"));
        assertThrows(IllegalArgumentException.class, () -> new ModelNetwork("-x"));
    }
}
