package dev.charms.runner.controller;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharmUnpackerTest {
    @TempDir
    Path tmp;

    private Path charmDir() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(dir.resolve("metadata.yaml"), "name: t\nsummary: s\ndescription: d\n");
        Files.writeString(dir.resolve("dispatch"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(dir.resolve("dispatch"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("hooks"));
        Files.writeString(dir.resolve("hooks/install"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(dir.resolve("hooks/install"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(dir.resolve("README"), "x");
        Files.setPosixFilePermissions(dir.resolve("README"), PosixFilePermissions.fromString("rw-r--r--"));
        return dir;
    }

    @Test
    void zipKeepsUnixModes() throws Exception {
        Path src = charmDir();
        Path zip = tmp.resolve("t.charm");
        Process p = new ProcessBuilder("sh", "-c", "cd " + src + " && python3 -c \"import zipfile,os,sys\n"
            + "z=zipfile.ZipFile(sys.argv[1],'w')\n"
            + "[z.write(os.path.join(r,f), os.path.relpath(os.path.join(r,f))) for r,d,fs in os.walk('.') for f in fs]\n"
            + "z.close()\" " + zip).inheritIO().start();
        assertEquals(0, p.waitFor());
        Path out = tmp.resolve("out");
        CharmUnpacker.unpack(zip, out);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("dispatch"))));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(out.resolve("hooks/install"))));
        assertFalse(Files.isExecutable(out.resolve("README")));
        assertEquals("#!/bin/sh\nexit 0\n", Files.readString(out.resolve("dispatch"), StandardCharsets.UTF_8));
    }

    @Test
    void directoryCopyKeepsModes() throws Exception {
        Path out = tmp.resolve("out");
        CharmUnpacker.unpack(charmDir(), out);
        assertTrue(Files.isExecutable(out.resolve("dispatch")));
        assertFalse(Files.isExecutable(out.resolve("README")));
    }

    @Test
    void badInputIsNamed() throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> CharmUnpacker.check(tmp.resolve("nope.charm")));
        assertTrue(missing.getMessage().contains("nope.charm"));
        Path junk = Files.writeString(tmp.resolve("junk.charm"), "not a zip");
        IllegalArgumentException notZip = assertThrows(IllegalArgumentException.class, () -> CharmUnpacker.check(junk));
        assertTrue(notZip.getMessage().contains("not a valid zip"), notZip.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThrows(IllegalArgumentException.class, () -> CharmUnpacker.check(empty));
    }
}
