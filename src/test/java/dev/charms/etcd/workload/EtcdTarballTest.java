package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds real tarballs with GNU tar around Debian's etcd binaries. */
class EtcdTarballTest {
    private static final CommandRunner RUN = new CommandRunner();
    private static final String TOP = "etcd-v3.4.23-linux-amd64";

    private static Path release(Path dir, List<String> binaries) throws IOException {
        Path top = Files.createDirectories(dir.resolve("src").resolve(TOP));
        for (String b : binaries) {
            Files.copy(Path.of("/usr/bin", b), top.resolve(b));
        }
        Files.writeString(top.resolve("README.md"), "etcd\n");
        return top;
    }

    private static Path tar(Path dir, String name, String... members) {
        Path out = dir.resolve(name);
        List<String> cmd = new java.util.ArrayList<>(List.of("tar", "-C", dir.resolve("src").toString(), "-I", "gzip -1", "-cf", out.toString()));
        cmd.addAll(List.of(members));
        RUN.check(cmd, Duration.ofSeconds(60));
        return out;
    }

    @Test
    void acceptsAReleaseAndInstallsItsBinaries(@TempDir Path dir) throws IOException {
        release(dir, List.of("etcd", "etcdctl"));
        Path tarball = tar(dir, "etcd.tar.gz", TOP);
        EtcdTarball t = EtcdTarball.open(tarball);
        assertEquals(TOP, t.topDir());
        assertEquals(Set.of("etcd", "etcdctl"), t.binaries());

        EtcdPaths paths = EtcdPaths.under(dir.resolve("root"));
        EtcdInstallation inst = new EtcdInstaller(paths, RUN).install(Optional.of(tarball));
        assertEquals(EtcdInstallation.Source.TARBALL, inst.source());
        assertEquals(new EtcdVersion(3, 4, 23), inst.version());
        assertEquals(paths.optBinDir().resolve("etcd"), inst.etcd());
        assertTrue(Files.isExecutable(inst.etcdctl()));
        assertEquals(Files.size(Path.of("/usr/bin/etcd")), Files.size(inst.etcd()));
        assertEquals(inst, new EtcdInstaller(paths, RUN).detect().orElseThrow());
        try (var list = Files.list(paths.optDir())) {
            assertEquals(List.of(paths.optBinDir()), list.toList(), "no staging dirs left");
        }
    }

    @Test
    void refusesPathTraversal(@TempDir Path dir) throws IOException {
        release(dir, List.of("etcd", "etcdctl"));
        Files.writeString(dir.resolve("evil"), "x");
        Path tarball = dir.resolve("evil.tar.gz");
        RUN.check(List.of("tar", "-C", dir.resolve("src").toString(), "-P", "-I", "gzip -1", "-cf", tarball.toString(), TOP, "../evil"),
                Duration.ofSeconds(60));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EtcdTarball.open(tarball));
        assertTrue(e.getMessage().contains("unsafe entry path '../evil'"), e.getMessage());
        EtcdPaths paths = EtcdPaths.under(dir.resolve("root"));
        assertThrows(IllegalArgumentException.class, () -> new EtcdInstaller(paths, RUN).installTarball(tarball));
        assertTrue(!Files.exists(paths.optBinDir()));
    }

    @Test
    void refusesSomethingThatIsNotAGzipTar(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.tar.gz"), "hello, not a tarball\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EtcdTarball.open(text));
        assertTrue(e.getMessage().endsWith("is not a gzip file"), e.getMessage());

        Path gz = dir.resolve("plain.gz");
        RUN.check(List.of("sh", "-c", "echo just text | gzip > " + gz), Duration.ofSeconds(10));
        e = assertThrows(IllegalArgumentException.class, () -> EtcdTarball.open(gz));
        assertTrue(e.getMessage().contains("is not a tar archive"), e.getMessage());
    }

    @Test
    void refusesATarballWithoutEtcdctl(@TempDir Path dir) throws IOException {
        release(dir, List.of("etcd"));
        Path tarball = tar(dir, "half.tar.gz", TOP);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EtcdTarball.open(tarball));
        assertTrue(e.getMessage().contains("has no regular file " + TOP + "/etcdctl"), e.getMessage());
    }

    @Test
    void refusesSeveralTopDirectories(@TempDir Path dir) throws IOException {
        release(dir, List.of("etcd", "etcdctl"));
        Files.createDirectories(dir.resolve("src/other"));
        Path tarball = tar(dir, "two.tar.gz", TOP, "other");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EtcdTarball.open(tarball));
        assertTrue(e.getMessage().contains("exactly one etcd-* directory"), e.getMessage());
    }
}
