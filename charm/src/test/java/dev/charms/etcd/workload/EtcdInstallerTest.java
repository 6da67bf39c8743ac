package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which etcd the installer accepts, with stand-in binaries (scripts that print etcd's version banner):
 * nothing older than 3.4, whether it is on the machine, offered by apt or in a tarball.
 */
class EtcdInstallerTest {
    private static final CommandRunner RUN = new CommandRunner();

    private static void standIn(Path dir, String version, String... binaries) throws IOException {
        Files.createDirectories(dir);
        for (String b : binaries) {
            Path f = Files.writeString(dir.resolve(b), "#!/bin/sh\necho 'etcd Version: " + version + "'\n");
            f.toFile().setExecutable(true);
        }
    }

    @Test
    void aPackagedEtcdWithoutLearnersIsRefusedWithTheReason(@TempDir Path dir) throws IOException {
        EtcdPaths paths = EtcdPaths.under(dir.resolve("root"));
        standIn(paths.distroEtcd().getParent(), "3.3.25", "etcd", "etcdctl");
        EtcdInstaller installer = new EtcdInstaller(paths, RUN);

        EtcdInstaller.UnsupportedEtcdException e = assertThrows(EtcdInstaller.UnsupportedEtcdException.class,
                () -> installer.install(Optional.empty(), List.of()));
        assertEquals("etcd 3.3.25 (" + paths.distroEtcd() + ") lacks learners (etcd 3.4 or later is needed)", e.getMessage());
        assertEquals(new EtcdVersion(3, 3, 25), e.version());
        EtcdInstallation found = installer.detect().orElseThrow();
        assertThrows(EtcdInstaller.UnsupportedEtcdException.class, () -> EtcdInstaller.requireSupported(found));
    }

    @Test
    void aPackagedEtcd34IsUsed(@TempDir Path dir) throws IOException {
        EtcdPaths paths = EtcdPaths.under(dir.resolve("root"));
        standIn(paths.distroEtcd().getParent(), "3.4.30", "etcd", "etcdctl");
        EtcdInstallation found = new EtcdInstaller(paths, RUN).detect().orElseThrow();
        assertEquals(EtcdInstallation.Source.PACKAGE, found.source());
        assertEquals(new EtcdVersion(3, 4, 30), found.version());
        EtcdInstaller.requireSupported(found);
    }

    @Test
    void aTarballOfAnEtcdWithoutLearnersIsRefusedBeforeAnythingIsInstalled(@TempDir Path dir) throws IOException {
        String top = "etcd-v3.3.25-linux-amd64";
        standIn(dir.resolve("src").resolve(top), "3.3.25", "etcd", "etcdctl");
        Path tarball = dir.resolve(top + ".tar.gz");
        RUN.check(List.of("tar", "-C", dir.resolve("src").toString(), "-czf", tarball.toString(), top), Duration.ofSeconds(30));
        EtcdPaths paths = EtcdPaths.under(dir.resolve("root"));

        EtcdInstaller.RefusedReleaseException e = assertThrows(EtcdInstaller.RefusedReleaseException.class,
                () -> new EtcdInstaller(paths, RUN).install(Optional.of(tarball), List.of()));
        assertEquals("etcd resource 3.3.25 refused: etcd 3.3 lacks learners (etcd 3.4 or later is needed); attach an etcd"
                + " 3.5 release", e.statusMessage());
        assertFalse(Files.exists(paths.optBinDir()));
    }

    @Test
    void theVersionAptOffersIsReadFromItsPolicy() {
        String jammy = """
                etcd-server:
                  Installed: (none)
                  Candidate: 3.3.25+dfsg-7ubuntu0.22.04.1
                  Version table:
                     3.3.25+dfsg-7ubuntu0.22.04.1 500
                """;
        assertEquals(Optional.of(new EtcdVersion(3, 3, 25)), EtcdInstaller.packageCandidate(jammy));
        String noble = jammy.replace("3.3.25+dfsg-7ubuntu0.22.04.1", "1:3.4.30-1ubuntu0.24.04.2");
        assertEquals(Optional.of(new EtcdVersion(3, 4, 30)), EtcdInstaller.packageCandidate(noble));
        assertEquals(Optional.empty(), EtcdInstaller.packageCandidate("etcd-server:\n  Installed: (none)\n  Candidate: (none)\n"));
        assertEquals(Optional.empty(), EtcdInstaller.packageCandidate(""));
    }
}
