package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.backup.BackupKeys;
import dev.charms.etcd.backup.Backups;
import dev.charms.etcd.backup.S3ObjectStore;
import dev.charms.etcd.backup.S3Settings;
import dev.charms.ops.ActionFailedException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The charm's S3 client against a real S3 server in this process (S3Proxy on its filesystem backend, on
 * loopback): a snapshot larger than the multipart threshold goes up in parts and reads back with its
 * sha256; credentials that may not write fail the backup naming it, and nothing is listed.
 */
class S3ObjectStoreTest {
    private static final String BUCKET = "backups";
    private static final String ACCESS = "test-access";
    private static final String SECRET = "test-secret-key";
    /** S3 (and S3Proxy) takes no part but the last under 5 MiB. */
    private static final long PART = 5 << 20;
    private static final long THRESHOLD = PART + 1;
    @TempDir
    static Path dir;
    private static S3Server server;
    private static S3Server readOnly;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(dir.resolve("store").resolve(BUCKET));
        server = S3Server.start(dir.resolve("store"), ACCESS, SECRET);
        readOnly = S3Server.readOnly(dir.resolve("store"), ACCESS, SECRET);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        readOnly.close();
    }

    private static S3Settings settings(S3Server s, String path) {
        return S3Settings.parse(Map.of("bucket", BUCKET, "access-key", ACCESS, "secret-key", SECRET,
                "endpoint", "http://127.0.0.1:" + s.port(), "path", path));
    }

    private static Path snapshot(String name, int size) throws Exception {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        return Files.write(dir.resolve(name), content);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void aSnapshotAboveTheThresholdGoesUpInPartsAndReadsBackWithItsChecksum() throws Exception {
        Path file = snapshot("large.db", (int) (2 * PART + 1234)); // three parts, the last one short
        String sha = sha256(file);
        try (S3ObjectStore store = new S3ObjectStore(settings(server, "multipart"), THRESHOLD, PART)) {
            Backups backups = new Backups(store, new BackupKeys("multipart"));
            Backups.Listed up = backups.upload(file, sha, Files.size(file), "3.5.30", 42, "m", "etcd", "etcd/0",
                    Instant.parse("2026-12-08T01:00:00Z"));
            Path object = dir.resolve("store").resolve(BUCKET).resolve("multipart/etcd-backups/" + up.id().id() + ".db");
            assertEquals(sha, sha256(object), "the object in the bucket is not the snapshot");
            try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).forcePathStyle(true)
                    .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                    .httpClient(UrlConnectionHttpClient.create())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))).build()) {
                String etag = s3.headObject(b -> b.bucket(BUCKET).key("multipart/etcd-backups/" + up.id().id() + ".db")).eTag();
                assertTrue(etag.matches("\"?[0-9a-f]{32}-3\"?"), "not the ETag of a 3-part upload: " + etag);
            }
            List<Backups.Listed> listed = backups.list();
            assertEquals(1, listed.size(), listed.toString());
            assertTrue(listed.get(0).verified());
            assertEquals(Files.size(file), listed.get(0).size());
            Map.Entry<Path, String> down = backups.download(up.id().id(), Files.createDirectories(dir.resolve("down")));
            assertEquals(sha, down.getValue());
            assertEquals(sha, sha256(down.getKey()));
        }
    }

    @Test
    void credentialsThatMayNotWriteFailTheBackupNamingItAndListNothing() throws Exception {
        for (int size : new int[] {(int) (THRESHOLD / 2), (int) (THRESHOLD + 1)}) { // one PUT, then in parts
            Path file = snapshot("ro-" + size + ".db", size);
            try (S3ObjectStore store = new S3ObjectStore(settings(readOnly, "read-only"), THRESHOLD, PART)) {
                Backups backups = new Backups(store, new BackupKeys("read-only"));
                ActionFailedException e = assertThrows(ActionFailedException.class, () -> backups.upload(file,
                        sha256(file), Files.size(file), "3.5.30", 7, "m", "etcd", "etcd/0", Instant.now()));
                assertTrue(e.getMessage().contains("access denied (AccessDenied): the credentials may not write"),
                        e.getMessage());
                assertTrue(e.getMessage().endsWith("no backup was recorded"), e.getMessage());
                assertEquals(List.of(), backups.list());
            }
        }
    }
}
