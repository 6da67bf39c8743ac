package dev.charms.etcd.actions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.workload.CommandRunner;
import dev.charms.etcd.workload.EtcdInstallation;
import dev.charms.etcd.workload.EtcdVersion;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.SnapshotTool;
import dev.charms.ops.ActionFailedException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Parameter validation of every action: each bad value is refused with a message naming it. */
class ActionParamsTest {
    @TempDir
    Path tmp;

    private static String fails(Executable e) {
        return assertThrows(ActionFailedException.class, e).getMessage();
    }

    @Test
    void clientCertificateParameters() {
        ClientCredentials.Request ok = ClientCredentials.Request.parse("app.user@x-1", 365, "ED25519");
        assertEquals(new ClientCredentials.Request("app.user@x-1", 365, KeyType.ED25519), ok);
        assertTrue(fails(() -> ClientCredentials.Request.parse("", 1, "ecdsa-p256")).startsWith("common-name '' is invalid"));
        assertTrue(fails(() -> ClientCredentials.Request.parse("-lead", 1, "ecdsa-p256")).contains("'-lead' is invalid"));
        assertTrue(fails(() -> ClientCredentials.Request.parse("a b", 1, "ecdsa-p256")).contains("'a b' is invalid"));
        assertTrue(fails(() -> ClientCredentials.Request.parse("x".repeat(65), 1, "ecdsa-p256")).contains("1 to 64"));
        assertEquals("validity-days 0 is out of range 1-3650", fails(() -> ClientCredentials.Request.parse("c", 0, "ecdsa-p256")));
        assertEquals("validity-days 3651 is out of range 1-3650", fails(() -> ClientCredentials.Request.parse("c", 3651, "rsa-2048")));
        assertEquals("key-type: invalid key type 'rsa-4096': allowed values are ecdsa-p256, ed25519, rsa-2048",
                fails(() -> ClientCredentials.Request.parse("c", 1, "rsa-4096")));
    }

    @Test
    void readmeListsEveryEndpointAndBothVariableSets() {
        String readme = ClientCredentials.readme(List.of(URI.create("https://10.0.0.1:2379"), URI.create("https://10.0.0.2:2379")));
        assertTrue(readme.contains("export ETCDCTL_ENDPOINTS=https://10.0.0.1:2379,https://10.0.0.2:2379"), readme);
        assertTrue(readme.contains("export ETCDCTL_ENDPOINT=https://10.0.0.1:2379"), readme);
        for (String v : List.of("ETCDCTL_API=3", "ETCDCTL_KEY=", "ETCDCTL_CERT=", "ETCDCTL_CACERT=", "ETCDCTL_KEY_FILE=",
                "ETCDCTL_CERT_FILE=", "ETCDCTL_CA_FILE=")) {
            assertTrue(readme.contains("export " + v), v);
        }
        assertTrue(ClientCredentials.readme(List.of()).contains("ETCDCTL_ENDPOINTS=https://<etcd-host>:2379"));
    }

    @Test
    void snapshotKeysVersionOfTheOriginalCharm() {
        SnapshotTarget.checkKeysVersion(null);
        SnapshotTarget.checkKeysVersion("v3");
        assertTrue(fails(() -> SnapshotTarget.checkKeysVersion("v2")).startsWith("keys-version v2 is not supported: "));
        assertEquals("keys-version must be v3, got 3", fails(() -> SnapshotTarget.checkKeysVersion(3L)));
    }

    @Test
    void snapshotTargetChecks() throws IOException {
        assertTrue(fails(() -> SnapshotTarget.prepare("")).startsWith("target is empty"));
        assertEquals("target 'snaps' must be an absolute path", fails(() -> SnapshotTarget.prepare("snaps")));
        Path file = Files.createFile(tmp.resolve("a-file"));
        assertEquals("target " + file + " exists but is not a directory", fails(() -> SnapshotTarget.prepare(file.toString())));
        Path deep = tmp.resolve("no/such");
        assertTrue(fails(() -> SnapshotTarget.prepare(deep.toString())).startsWith("target " + deep + " does not exist, nor does its parent"));
        // check (a restore's dry run) makes the same checks and creates nothing
        assertEquals("target 'snaps' must be an absolute path", fails(() -> SnapshotTarget.check("snaps")));
        assertEquals("target " + file + " exists but is not a directory", fails(() -> SnapshotTarget.check(file.toString())));
        assertTrue(fails(() -> SnapshotTarget.check(deep.toString())).startsWith("target " + deep + " does not exist, nor does its parent"));
        assertEquals(tmp.resolve("new"), SnapshotTarget.check(tmp.resolve("new").toString()));
        assertFalse(Files.exists(tmp.resolve("new")), "check created the directory");
        Path created = SnapshotTarget.prepare(tmp.resolve("new") + "/");
        assertEquals(tmp.resolve("new"), created);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(created)));
        assertEquals(created, SnapshotTarget.prepare(tmp.resolve("x/../new").toString()), "normalized, existing is fine");
        assertEquals(SnapshotTarget.MIN_MARGIN_BYTES + 100, SnapshotTarget.needed(100));
        assertEquals(1_100_000_000L, SnapshotTarget.needed(1_000_000_000L));
        assertTrue(fails(() -> SnapshotTarget.requireSpace(tmp, Long.MAX_VALUE / 2, "a huge snapshot"))
                .startsWith("not enough free space in " + tmp + " for a huge snapshot: "));
        SnapshotTarget.requireSpace(tmp, 1, "a tiny snapshot");
    }

    @Test
    void compactRevisionAsNumberOrString() {
        assertEquals(OptionalLong.empty(), Compaction.parseRevision(""));
        assertEquals(OptionalLong.empty(), Compaction.parseRevision(" "));
        assertEquals(OptionalLong.empty(), Compaction.parseRevision(null));
        assertEquals(OptionalLong.of(42), Compaction.parseRevision("42"), "string form (--string-args, original charm)");
        assertEquals(OptionalLong.of(12345), Compaction.parseRevision(12345L), "typed bare: revision=12345");
        assertEquals(OptionalLong.of(12345), Compaction.parseRevision(12345.0), "a whole number carried as a float");
        assertEquals(OptionalLong.of(Long.MAX_VALUE), Compaction.parseRevision(Long.MAX_VALUE));
        assertEquals("revision 'abc' is not a whole number (leave it empty for the current revision)",
                fails(() -> Compaction.parseRevision("abc")));
        assertEquals("revision '1.5' is not a whole number (leave it empty for the current revision)",
                fails(() -> Compaction.parseRevision("1.5")));
        assertEquals("revision 1.5 is not a whole number", fails(() -> Compaction.parseRevision(1.5)));
        assertEquals("revision true is not a whole number", fails(() -> Compaction.parseRevision(true)));
        assertEquals("revision 0 must be at least 1", fails(() -> Compaction.parseRevision("0")));
        assertEquals("revision 0 must be at least 1", fails(() -> Compaction.parseRevision(0L)));
        assertEquals("revision -3 must be at least 1", fails(() -> Compaction.parseRevision("-3")));
        assertEquals("revision -3 must be at least 1", fails(() -> Compaction.parseRevision(-3L)));
        assertEquals("revision 18446744073709551615 is too large",
                fails(() -> Compaction.parseRevision(new BigInteger("18446744073709551615"))));
        assertEquals("revision 100000000000000000000 is too large", fails(() -> Compaction.parseRevision(1e20)));
        assertEquals("revision 99999999999999999999 is too large",
                fails(() -> Compaction.parseRevision("99999999999999999999")));
    }

    @Test
    void clientCertificateParametersInEveryForm() {
        assertEquals(new ClientCredentials.Request("etcd-client", 365, KeyType.ECDSA_P256), ClientCredentials.Request.of(Map.of()));
        assertEquals(new ClientCredentials.Request("my-app", 90, KeyType.ED25519), ClientCredentials.Request.of(
                Map.of("common-name", "my-app", "validity-days", 90L, "key-type", "ed25519")), "validity-days=90 typed bare");
        assertEquals(90, ClientCredentials.Request.of(Map.of("validity-days", "90")).validityDays(), "--string-args");
        assertEquals(90, ClientCredentials.Request.of(Map.of("validity-days", 90.0)).validityDays());
        assertEquals("validity-days 0 is out of range 1-3650", fails(() -> ClientCredentials.Request.of(Map.of("validity-days", 0L))));
        assertEquals("validity-days -1 is out of range 1-3650", fails(() -> ClientCredentials.Request.of(Map.of("validity-days", "-1"))));
        assertEquals("validity-days 3651 is out of range 1-3650",
                fails(() -> ClientCredentials.Request.of(Map.of("validity-days", "3651"))));
        assertEquals("validity-days 100000000000000000000 is out of range 1-3650",
                fails(() -> ClientCredentials.Request.of(Map.of("validity-days", 1e20))));
        assertEquals("validity-days 'ninety' is not a whole number",
                fails(() -> ClientCredentials.Request.of(Map.of("validity-days", "ninety"))));
        assertEquals("validity-days 1.5 is not a whole number",
                fails(() -> ClientCredentials.Request.of(Map.of("validity-days", 1.5))));
        assertEquals("common-name must be text, got 1234", fails(() -> ClientCredentials.Request.of(Map.of("common-name", 1234L))));
    }

    @Test
    void flagsAsBooleanOrString() {
        assertTrue(ActionParams.flag("dry-run", true, false));
        assertFalse(ActionParams.flag("dry-run", false, true));
        assertTrue(ActionParams.flag("dry-run", null, true), "absent: the fallback");
        for (String t : List.of("true", "True", "TRUE", "yes", "on", "y", " true ")) {
            assertTrue(ActionParams.flag("dry-run", t, false), t);
        }
        for (String f : List.of("false", "False", "no", "off", "n")) {
            assertFalse(ActionParams.flag("dry-run", f, true), f);
        }
        assertEquals("physical must be true or false, got 'maybe'", fails(() -> ActionParams.flag("physical", "maybe", false)));
        assertEquals("physical must be true or false, got 1", fails(() -> ActionParams.flag("physical", 1L, false)));
        assertEquals("force must be true or false, got ''", fails(() -> ActionParams.flag("force", "", false)));
    }

    @Test
    void defragMemberSelection() {
        Member a = member(1, "etcd-0");
        Member b = member(2, "etcd-2");
        Member c = member(3, "etcd-1");
        Member unstarted = new Member(4, "", List.of(URI.create("https://10.0.0.4:2380")), List.of(), true);
        List<Member> all = List.of(a, b, c, unstarted);
        assertEquals(List.of(c), Defragmentation.select("", "etcd-1", all));
        assertEquals(List.of(b), Defragmentation.select("etcd-2", "etcd-1", all));
        assertEquals(all, Defragmentation.select("all", "etcd-1", all));
        assertEquals("no member named 'etcd-7'; members: etcd-0, etcd-1, etcd-2 (or 'all')",
                fails(() -> Defragmentation.select("etcd-7", "etcd-1", all)));
        assertEquals("this unit's member etcd-5 is not in the cluster; members: etcd-0, etcd-1, etcd-2 (or 'all')",
                fails(() -> Defragmentation.select("", "etcd-5", all)));
    }

    @Test
    void restoreParameters() throws IOException {
        Path resource = tmp.resolve("resource.db");
        assertTrue(fails(() -> SnapshotRestore.snapshotPath("", Optional.empty())).startsWith("no snapshot given and no `snapshot` resource"));
        assertEquals(resource, SnapshotRestore.snapshotPath(" ", Optional.of(resource)));
        assertEquals(Path.of("/srv/snap.db"), SnapshotRestore.snapshotPath("/srv/x/../snap.db", Optional.of(resource)));
        assertEquals("snapshot 'snap.db' must be an absolute path on this unit",
                fails(() -> SnapshotRestore.snapshotPath("snap.db", Optional.empty())));
        assertEquals("", SnapshotRestore.expectedSha256(""));
        assertEquals("ab".repeat(32), SnapshotRestore.expectedSha256("AB".repeat(32)));
        assertTrue(fails(() -> SnapshotRestore.expectedSha256("ab".repeat(31))).endsWith("must be 64 hexadecimal digits (or empty)"));
        assertTrue(fails(() -> SnapshotRestore.expectedSha256("zz".repeat(32))).startsWith("sha256 'zzzz"));

        SnapshotRestore restore = new SnapshotRestore(new SnapshotTool(new EtcdInstallation(Path.of("/nonexistent/etcd"),
                Path.of("/nonexistent/etcdctl"), Optional.empty(), new EtcdVersion(3, 4, 23), EtcdInstallation.Source.PACKAGE),
                new CommandRunner()));
        assertEquals("snapshot " + tmp.resolve("missing.db") + " does not exist", fails(() -> restore.verify(tmp.resolve("missing.db"), "")));
        assertEquals("snapshot " + tmp + " is not a regular file", fails(() -> restore.verify(tmp, "")));
        Path empty = Files.createFile(tmp.resolve("empty.db"));
        assertEquals("snapshot " + empty + " is empty", fails(() -> restore.verify(empty, "")));
        Path data = Files.writeString(tmp.resolve("data.db"), "abc");
        String sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertEquals(sha, Bytes.sha256(data));
        assertEquals("snapshot " + data + " has sha256 " + sha + ", expected " + "0".repeat(64) + ": refusing to restore it",
                fails(() -> restore.verify(data, "0".repeat(64))));
        assertTrue(fails(() -> restore.verify(data, "nothex")).startsWith("sha256 'nothex'"));
    }

    @Test
    void resultKeys() {
        assertEquals("etcd-0", ResultKeys.of("etcd-0", "x"));
        assertEquals("etcd-1", ResultKeys.of("Etcd_1", "x"));
        assertEquals("member-ab", ResultKeys.of("", "member-ab"));
        assertEquals("member-ab", ResultKeys.of("--", "member-ab"));
        assertEquals("a-b", ResultKeys.of("-a.b-", "x"));
        assertTrue(ResultKeys.valid("rtt-ms"));
        assertTrue(!ResultKeys.valid("Rtt") && !ResultKeys.valid("-a") && !ResultKeys.valid("a-") && !ResultKeys.valid(""));
        assertEquals("member-4", MemberEndpoints.key(new Member(4, "", List.of(), List.of(), true)));
    }

    @Test
    void humanSizes() {
        assertEquals("12 B", Bytes.human(12));
        assertEquals("1.5 KiB", Bytes.human(1536));
        assertEquals("64.0 MiB", Bytes.human(64L << 20));
        assertEquals("2.0 GiB", Bytes.human(2L << 30));
    }

    private static Member member(long id, String name) {
        return new Member(id, name, List.of(URI.create("https://10.0.0." + id + ":2380")),
                List.of(URI.create("https://10.0.0." + id + ":2379")), false);
    }
}
