package dev.charms.runner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.charms.charmfiles.Storage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --storage name=directive} as Juju's CLI reads it, checked against the charm's storage. */
class StorageDirectiveTest {
    private static final Storage DATA = new Storage("data", "filesystem", "/var/lib/etcd", 0, 1, 1024);

    @Test
    void poolCountAndSizeComeInAnyOrder() {
        assertEquals(new StorageDirective("tmpfs", 1, 1024), StorageDirective.parse("1G", DATA));
        assertEquals(new StorageDirective("tmpfs", 1, 2048), StorageDirective.parse("tmpfs,2G", DATA));
        assertEquals(new StorageDirective("rootfs", 1, 1536), StorageDirective.parse("1,1.5G,rootfs", DATA));
        assertEquals(new StorageDirective("tmpfs", 0, 1024), StorageDirective.parse("0", DATA), "a bare integer is a count");
        assertEquals(new StorageDirective("tmpfs", 1, 1024), StorageDirective.parse("tmpfs", DATA), "the charm's minimum size");
    }

    @Test
    void whatJujuRefusesIsRefusedBeforeAnythingHappens() {
        assertEquals("charm \"etcd\" store \"data\": minimum storage size is 1.1 GB, 67 MB specified",
                assertThrows(ModelException.class,
                        () -> StorageDirective.parseAll(Map.of("data", "64M"), "etcd", Map.of("data", DATA))).getMessage());
        assertEquals("charm \"etcd\" store \"data\": 2 instances requested, the charm allows 0-1",
                assertThrows(ModelException.class,
                        () -> StorageDirective.parseAll(Map.of("data", "2,1G"), "etcd", Map.of("data", DATA))).getMessage());
        assertEquals("charm storage \"logs\" not found", assertThrows(ModelException.class,
                () -> StorageDirective.parseAll(Map.of("logs", "1G"), "etcd", Map.of("data", DATA))).getMessage());
        assertEquals("storage pool \"ebs\" not found (the local runner has tmpfs and rootfs)",
                assertThrows(ModelException.class, () -> StorageDirective.parse("ebs,1G", DATA)).getMessage());
        assertThrows(ModelException.class, () -> StorageDirective.parse("1G,2G", DATA));
        assertThrows(ModelException.class, () -> StorageDirective.parse("1G,,", DATA));
    }
}
