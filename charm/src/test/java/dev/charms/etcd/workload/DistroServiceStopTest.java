package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's SysV etcd script is run only when its pid file shows it started etcd (its stop would
 * otherwise wait for and kill every /usr/bin/etcd process it can see), and never once our own unit
 * file exists.
 */
class DistroServiceStopTest {
    @TempDir
    Path dir;

    private EtcdPaths pathsWithInitScript(Path marker) throws Exception {
        EtcdPaths paths = EtcdPaths.under(dir.resolve("root"));
        Files.createDirectories(paths.distroInitScript().getParent());
        Files.writeString(paths.distroInitScript(), "#!/bin/sh\necho \"$1\" >> " + marker + "\n");
        Files.setPosixFilePermissions(paths.distroInitScript(), PosixFilePermissions.fromString("rwxr-xr-x"));
        return paths;
    }

    @Test
    void theInitScriptRunsOnlyWhenItsPidFileExists() throws Exception {
        Path marker = dir.resolve("calls");
        EtcdPaths paths = pathsWithInitScript(marker);
        EtcdInstaller installer = new EtcdInstaller(paths, new CommandRunner());

        installer.stopDistroService();
        assertTrue(!Files.exists(marker), "the init script ran although it started no etcd");

        Files.createDirectories(paths.distroPidFile().getParent());
        Files.writeString(paths.distroPidFile(), "12345\n");
        installer.stopDistroService();
        assertEquals("stop\n", Files.readString(marker));

        Files.createDirectories(paths.unitFile().getParent());
        Files.writeString(paths.unitFile(), "[Service]\n");
        installer.stopDistroService();
        assertEquals("stop\n", Files.readString(marker), "the init script ran although etcd is ours");
    }
}
