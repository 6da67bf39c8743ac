package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training run's loading of the charm's classes for the hooks' class archive (docs/architecture.md, "Start-up"). */
class CdsTrainingTest {
    @TempDir
    Path dir;

    private Path jar(String... entries) throws IOException {
        Path jar = dir.resolve("charm.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            for (String e : entries) {
                zip.putNextEntry(new JarEntry(e));
                zip.write(new byte[] {1});
                zip.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void loadsTheFrameworkAndCharmClassesTheJarListsAndSkipsTheRest() throws IOException {
        Path jar = jar("dev/charms/etcd/Fingerprint.class", "dev/charms/ops/Framework.class",
                "dev/charms/etcd/NoSuchClass.class", "dev/charms/module-info.class", "org/example/Other.class",
                "dev/charms/etcd/templates.txt", "META-INF/MANIFEST.MF");
        assertEquals(2, CdsTraining.loadClasses(jar, getClass().getClassLoader()));
    }

    @Test
    void aJarWithoutCharmClassesLoadsNothing() throws IOException {
        assertEquals(0, CdsTraining.loadClasses(jar("org/example/Other.class"), getClass().getClassLoader()));
    }

    @Test
    void fromClassDirectoriesThereIsNoJarToList() throws IOException {
        assertEquals(0, CdsTraining.loadCharmClasses());
    }
}
