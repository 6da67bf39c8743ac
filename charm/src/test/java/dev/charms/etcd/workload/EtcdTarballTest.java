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
        EtcdInstallation inst = new EtcdInstaller(paths, RUN).install(Optional.of(tarball), List.of());
        assertEquals(EtcdInstallation.Source.TARBALL, inst.source());
        assertEquals(new EtcdVersion(3, 4, 23), inst.version());
        assertEquals(paths.optBinDir().resolve("etcd"), inst.etcd());
        assertTrue(Files.isExecutable(inst.etcdctl()));
        assertEquals(Files.size(Path.of("/usr/bin/etcd")), Files.size(inst.etcd()));
        assertEquals(inst, new EtcdInstaller(paths, RUN).detect().orElseThrow());
        try (var list = Files.list(paths.optDir())) {
            assertEquals(List.of(paths.optBinDir()), list.toList(), "no staging dirs left");
        }
        // etcd runs as the service user: every directory on the way and each binary must let it in.
        for (Path p : List.of(paths.optDir(), paths.optBinDir(), inst.etcd(), inst.etcdctl())) {
            assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
    }

    /**
     * Real etcd 3.5.30 (Debian's build, repacked as a release by scripts/etcd-releases.sh, which fetches it
     * once into its cache): it replaces an installed 3.4 whose member data it can run, ships etcdutl, and an
     * unprivileged user (as the etcd service runs) can execute what was installed.
     */
    @Test
    void realEtcd35ReleaseInstallsOver34AndRunsAsAnUnprivilegedUser(@TempDir Path dir) throws IOException {
        Path tarball = Path.of(RUN.check(List.of("bash", "scripts/etcd-releases.sh", "3.5.30"), Duration.ofMinutes(5))
                .strip());
        EtcdPaths paths = EtcdPaths.under(dir.resolve("root"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(paths.optDir().getParent());
        EtcdInstallation inst = new EtcdInstaller(paths, RUN).install(Optional.of(tarball), List.of(new EtcdVersion(3, 4, 23)));
        assertEquals(new EtcdVersion(3, 5, 30), inst.version());
        assertTrue(inst.version().hasEtcdutl());
        assertTrue(Files.isExecutable(paths.optBinDir().resolve("etcdutl")));
        for (Path p = paths.optDir(); !p.equals(dir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (Path p = dir.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
            assertTrue(Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE),
                    p + " does not let other users in");
        }
        String banner = RUN.check(List.of("runuser", "-u", "nobody", "--", inst.etcd().toString(), "--version"), Duration.ofSeconds(30));
        assertTrue(banner.contains("etcd Version: 3.5.30"), banner);
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
        assertThrows(IllegalArgumentException.class, () -> new EtcdInstaller(paths, RUN).installTarball(tarball, List.of()));
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

    /** A release of scripts that report etcd {@code version} (an upgrade path is judged before anything runs). */
    private static Path fakeRelease(Path dir, String version) throws IOException {
        String top = "etcd-v" + version + "-linux-amd64";
        Path bin = Files.createDirectories(dir.resolve("src").resolve(top));
        for (String b : List.of("etcd", "etcdctl", "etcdutl")) {
            Path f = Files.writeString(bin.resolve(b), "#!/bin/sh\necho 'etcd Version: " + version + "'\n");
            f.toFile().setExecutable(true);
        }
        return tar(dir, top + ".tar.gz", top);
    }

    @Test
    void aTarballWhoseEtcdCannotRunTheMembersDataIsRefusedAndTheInstalledOneStays(@TempDir Path dir) throws IOException {
        release(dir, List.of("etcd", "etcdctl"));
        EtcdPaths paths = EtcdPaths.under(dir.resolve("root"));
        EtcdInstaller installer = new EtcdInstaller(paths, RUN);
        EtcdInstallation installed = installer.install(Optional.of(tar(dir, "etcd.tar.gz", TOP)), List.of());
        List<EtcdVersion> data = List.of(installed.version());
        long size = Files.size(installed.etcd());

        Path skip = fakeRelease(dir, "3.6.0");
        EtcdInstaller.RefusedReleaseException e = assertThrows(EtcdInstaller.RefusedReleaseException.class, () -> installer.install(Optional.of(skip), data));
        assertEquals("etcd tarball " + skip + " holds etcd 3.6.0, refused: etcd upgrades one minor version at a time and a"
                + " member of this cluster is on etcd 3.4.23; attach an etcd 3.5 release first (3.5.32 or later); the installed"
                + " etcd stays", e.getMessage());
        assertEquals("etcd resource 3.6.0 refused: etcd upgrades one minor version at a time and a member of this cluster is"
                + " on etcd 3.4.23; attach an etcd 3.5 release first (3.5.32 or later)", e.statusMessage());
        assertEquals(installed, installer.detect().orElseThrow());
        assertEquals(size, Files.size(installed.etcd()));
        try (var list = Files.list(paths.optDir())) {
            assertEquals(List.of(paths.optBinDir()), list.toList(), "no staging dirs left");
        }

        Path major = fakeRelease(dir, "4.0.0");
        e = assertThrows(EtcdInstaller.RefusedReleaseException.class, () -> installer.install(Optional.of(major), data));
        assertTrue(e.getMessage().contains("etcd 4 is another major version than the etcd 3.4.23 this cluster holds data of;"
                + " attach an etcd 3.4 release"), e.getMessage());

        Path patch = fakeRelease(dir, "3.4.30");
        assertEquals(new EtcdVersion(3, 4, 30), installer.install(Optional.of(patch), data).version(), "a patch release is fine");
        Path next = fakeRelease(dir, "3.5.17");
        EtcdInstallation upgraded = installer.install(Optional.of(next), List.of(new EtcdVersion(3, 4, 30)));
        assertEquals(new EtcdVersion(3, 5, 17), upgraded.version(), "the next minor version is fine");
        e = assertThrows(EtcdInstaller.RefusedReleaseException.class,
                () -> installer.install(Optional.of(tar(dir, "etcd-again.tar.gz", TOP)), List.of(upgraded.version())));
        assertTrue(e.getMessage().contains("a member of this cluster holds data of etcd 3.5.17, which etcd 3.4 cannot run"
                + " (going back a minor version takes etcd's downgrade procedure or a snapshot restore); attach an"
                + " etcd 3.5 release"), e.getMessage());
        assertEquals(new EtcdVersion(3, 4, 23), installer.install(Optional.of(tar(dir, "etcd-fresh.tar.gz", TOP)), List.of()).version(),
                "a unit in a cluster that holds no data takes any version");
    }

    /**
     * A fake 3.6 release stands in for etcd 3.6, which cannot be had here: the cluster's versions are judged
     * before anything runs. 3.6 needs every member on 3.5.32 or later; an older minor version is refused
     * on a unit without data of its own when a peer holds newer data.
     */
    @Test
    void theClustersVersionsAreJudgedBeforeTheInstalledEtcdIsReplaced(@TempDir Path dir) throws IOException {
        EtcdPaths paths = EtcdPaths.under(dir.resolve("root"));
        EtcdInstaller installer = new EtcdInstaller(paths, RUN);
        EtcdInstallation installed = installer.install(Optional.of(fakeRelease(dir, "3.5.16")), List.of());
        Path v36 = fakeRelease(dir, "3.6.1");

        EtcdInstaller.RefusedReleaseException e = assertThrows(EtcdInstaller.RefusedReleaseException.class,
                () -> installer.install(Optional.of(v36), List.of(new EtcdVersion(3, 5, 16), new EtcdVersion(3, 5, 32))));
        assertEquals("etcd tarball " + v36 + " holds etcd 3.6.1, refused: upgrading to etcd 3.6 needs 3.5.32 or later on"
                + " every member (a member is on 3.5.16); attach etcd 3.5.32 or a later 3.5 release first;"
                + " the installed etcd stays", e.getMessage());
        e = assertThrows(EtcdInstaller.RefusedReleaseException.class,
                () -> installer.install(Optional.of(v36), List.of(new EtcdVersion(3, 5, 32), new EtcdVersion(3, 5, 31))));
        assertTrue(e.getMessage().contains("(a member is on 3.5.31); attach etcd 3.5.32"), e.getMessage());
        assertEquals(installed, installer.detect().orElseThrow(), "the installed etcd stays");

        Path v34 = fakeRelease(dir, "3.4.30");
        e = assertThrows(EtcdInstaller.RefusedReleaseException.class,
                () -> installer.install(Optional.of(v34), List.of(new EtcdVersion(3, 4, 30), new EtcdVersion(3, 5, 30))));
        assertTrue(e.getMessage().contains("holds data of etcd 3.5.30, which etcd 3.4 cannot run"), e.getMessage());
        assertEquals(installed, installer.detect().orElseThrow(), "the installed etcd stays");

        assertEquals(new EtcdVersion(3, 6, 1), installer.install(Optional.of(v36),
                List.of(new EtcdVersion(3, 5, 32), new EtcdVersion(3, 5, 40), new EtcdVersion(3, 6, 0))).version(),
                "3.6 once every 3.5 member runs 3.5.32 or later");
        assertEquals(new EtcdVersion(3, 6, 1), installer.install(Optional.of(v36), List.of(new EtcdVersion(3, 6, 0))).version());
    }
}
