package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check of a stopped member's data: the two meta pages of a backend made by etcd 3.4.23
 * ({@code member-data/bbolt-meta.db}, its first 8 KiB), a WAL file, and each way it can be missing or damaged.
 */
class MemberDataTest {
    @TempDir
    Path data;

    private void whole() throws IOException {
        Files.createDirectories(data.resolve("member/wal"));
        Files.write(data.resolve("member/wal/0000000000000000-0000000000000000.wal"), new byte[64]);
        Files.createDirectories(data.resolve("member/snap"));
        try (InputStream in = MemberDataTest.class.getResourceAsStream("/member-data/bbolt-meta.db")) {
            Files.write(data.resolve("member/snap/db"), in.readAllBytes());
        }
    }

    @Test
    void dataEtcdWroteIsWhole() throws IOException {
        whole();
        assertEquals(Optional.empty(), MemberData.damage(data));
    }

    @Test
    void aDeletedMemberDirectoryIsMissingData() {
        assertTrue(MemberData.damage(data).orElseThrow().contains("holds no member data"));
    }

    @Test
    void aMissingWalOrBackendIsDamage() throws IOException {
        whole();
        Files.delete(data.resolve("member/wal/0000000000000000-0000000000000000.wal"));
        assertTrue(MemberData.damage(data).orElseThrow().contains("write-ahead log is missing"));
        whole();
        Files.delete(data.resolve("member/snap/db"));
        assertTrue(MemberData.damage(data).orElseThrow().contains("member/snap/db is missing"));
    }

    @Test
    void oneDamagedMetaPageIsSurvivableTwoAreNot() throws IOException {
        whole();
        Path db = data.resolve("member/snap/db");
        byte[] bytes = Files.readAllBytes(db);
        bytes[16 + 40] ^= 0x55; // page 0's pgid: its checksum no longer matches
        Files.write(db, bytes);
        assertEquals(Optional.empty(), MemberData.damage(data), "bbolt opens with page 1's meta");
        bytes[4096 + 16 + 48] ^= 0x55; // page 1's txid
        Files.write(db, bytes);
        assertTrue(MemberData.damage(data).orElseThrow().contains("neither of its meta pages is valid"));
    }

    @Test
    void aBackendOverwrittenWithZerosOrTruncatedIsDamage() throws IOException {
        whole();
        Files.write(data.resolve("member/snap/db"), new byte[8192]);
        assertTrue(MemberData.damage(data).isPresent());
        Files.write(data.resolve("member/snap/db"), new byte[10]);
        assertTrue(MemberData.damage(data).isPresent());
    }

    @Test
    void fnvIsGoFnv64a() {
        // Go: fnv.New64a().Write([]byte("a")).Sum64() == 0xaf63dc4c8601ec8c
        assertEquals(0xaf63dc4c8601ec8cL, MemberData.fnv1a64("a".getBytes(), 0, 1));
    }
}
