package dev.charms.etcd.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link ObjectStore} on the AWS SDK for Java v2 with its URL-connection HTTP client (the smallest of
 * its clients, on the JDK's own HTTP stack). The only class that touches the SDK: it is on the class
 * path of the backup actions only (lib/s3/, docs/backups.md). Checksums are those S3 requires only, so
 * any S3-compatible store answers; the backups carry their own sha256.
 */
public final class S3ObjectStore implements ObjectStore {
    /** Files larger than this go up in parts (S3 takes at most 5 GiB in one PUT). */
    public static final long MULTIPART_THRESHOLD = 256L << 20;
    /** The size of each part but the last: 8 GiB (etcd's largest backend) in 128 parts, of S3's 10,000. */
    public static final long PART_SIZE = 64L << 20;
    private static final String NO_ANSWER = "the object store did not answer";
    private final S3Client client;
    private final S3Settings settings;
    private final long multipartThreshold;
    private final long partSize;

    public S3ObjectStore(S3Settings settings) {
        this(settings, MULTIPART_THRESHOLD, PART_SIZE);
    }

    /**
     * A store that uploads files larger than {@code multipartThreshold} bytes in parts of {@code partSize}
     * bytes (S3 requires 5 MiB or more of every part but the last; stores for tests may take less).
     */
    public S3ObjectStore(S3Settings settings, long multipartThreshold, long partSize) {
        if (partSize <= 0 || multipartThreshold < 0) {
            throw new IllegalArgumentException("part size " + partSize + " and threshold " + multipartThreshold
                    + " must be positive");
        }
        this.settings = settings;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30));
        if (!settings.caChain().isEmpty()) {
            http.tlsTrustManagersProvider(() -> trustManagers(settings.caChain()));
        }
        var builder = S3Client.builder()
                .httpClient(http.build())
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(Duration.ofMinutes(30)));
        if (!settings.endpoint().isEmpty()) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        this.client = builder.build();
    }

    private static javax.net.ssl.TrustManager[] trustManagers(List<String> pems) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            int i = 0;
            for (String pem : pems) {
                store.setCertificateEntry("ca-" + i++, cf.generateCertificate(
                        new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf.getTrustManagers();
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new ObjectStoreException("the s3 provider's tls-ca-chain cannot be used: " + e.getMessage());
        }
    }

    @Override
    public List<Entry> list(String prefix) {
        return call("list " + settings.where(), () -> {
            List<Entry> out = new ArrayList<>();
            String token = null;
            do {
                ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(settings.bucket()).prefix(prefix);
                if (token != null) {
                    req.continuationToken(token);
                }
                ListObjectsV2Response resp = client.listObjectsV2(req.build());
                for (S3Object o : resp.contents()) {
                    out.add(new Entry(o.key(), o.size() == null ? 0 : o.size(), o.lastModified()));
                }
                token = Boolean.TRUE.equals(resp.isTruncated()) ? resp.nextContinuationToken() : null;
            } while (token != null);
            return out;
        });
    }

    @Override
    public void put(String key, Path file, Map<String, String> metadata) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read " + file + ": " + e.getMessage());
        }
        if (size > multipartThreshold) {
            putInParts(key, file, size, metadata);
            return;
        }
        String what = "upload " + key + " to " + settings.where();
        try {
            call(what, () -> client.putObject(
                    b -> b.bucket(settings.bucket()).key(key).metadata(metadata).contentType("application/octet-stream"),
                    RequestBody.fromFile(file)));
        } catch (ObjectStoreException e) {
            if (!e.getMessage().contains(NO_ANSWER)) {
                throw e;
            }
            // A store that refuses a write (read-only credentials, a full bucket) may answer before it read
            // the body and close the connection, so the client sees a broken connection only. An empty
            // write of the same key learns the store's reason; the caller deletes what it may leave.
            call(what, () -> client.putObject(b -> b.bucket(settings.bucket()).key(key), RequestBody.empty()));
            throw e;
        }
    }

    /**
     * A multipart upload: the object appears only when the last call completes it; any failure aborts
     * the upload, so its parts are not kept (nor billed) and no object appears.
     */
    private void putInParts(String key, Path file, long size, Map<String, String> metadata) {
        String what = "upload " + key + " to " + settings.where();
        String uploadId = call(what, () -> client.createMultipartUpload(b -> b.bucket(settings.bucket()).key(key)
                .metadata(metadata).contentType("application/octet-stream")).uploadId());
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                long from = offset;
                int n = number;
                String etag = call(what + " (part " + n + ")", () -> client.uploadPart(b -> b.bucket(settings.bucket())
                                .key(key).uploadId(uploadId).partNumber(n).contentLength(length),
                        RequestBody.fromContentProvider(() -> slice(file, from, length), length, "application/octet-stream"))
                        .eTag());
                parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            }
            call(what, () -> client.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
        } catch (RuntimeException e) {
            try {
                client.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId));
            } catch (SdkException ignored) {
                // the store does not answer: it drops the parts of an upload never completed by its own rules
            }
            throw e;
        }
    }

    /** {@code length} bytes of {@code file} from {@code offset}: a fresh stream for each attempt of a part. */
    private static InputStream slice(Path file, long offset, long length) {
        try {
            java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file);
            ch.position(offset);
            InputStream in = java.nio.channels.Channels.newInputStream(ch);
            return new java.io.FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int r = super.read(buf, off, (int) Math.min(len, left));
                    if (r > 0) {
                        left -= r;
                    }
                    return r;
                }

                @Override
                public long skip(long n) throws IOException {
                    long r = super.skip(Math.min(n, left));
                    left -= r;
                    return r;
                }

                @Override
                public int available() throws IOException {
                    return (int) Math.min(super.available(), left);
                }

                @Override
                public boolean markSupported() {
                    return false;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void putText(String key, String text) {
        call("upload " + key + " to " + settings.where(), () -> client.putObject(
                b -> b.bucket(settings.bucket()).key(key).contentType("text/plain"),
                RequestBody.fromString(text, StandardCharsets.UTF_8)));
    }

    @Override
    public Optional<Map.Entry<Long, Map<String, String>>> head(String key) {
        return call("read " + key + " in " + settings.where(), () -> {
            try {
                HeadObjectResponse r = client.headObject(b -> b.bucket(settings.bucket()).key(key));
                return Optional.of(Map.entry(r.contentLength(), r.metadata()));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (S3Exception e) {
                if (e.statusCode() == 404 && !"NoSuchBucket".equals(code(e))) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<String> getText(String key) {
        return call("read " + key + " in " + settings.where(), () -> {
            try {
                return Optional.of(client.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key)).asUtf8String());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public InputStream get(String key) {
        ResponseInputStream<GetObjectResponse> in = call("download " + key + " from " + settings.where(),
                () -> client.getObject(b -> b.bucket(settings.bucket()).key(key)));
        return in;
    }

    @Override
    public void delete(String key) {
        call("delete " + key + " in " + settings.where(), () -> client.deleteObject(b -> b.bucket(settings.bucket()).key(key)));
    }

    @Override
    public void close() {
        client.close();
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
    }

    private <T> T call(String what, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (S3Exception e) {
            throw new ObjectStoreException("cannot " + what + ": " + explain(e));
        } catch (SdkClientException e) {
            throw new ObjectStoreException("cannot " + what + ": " + NO_ANSWER + " ("
                    + firstLine(rootCause(e)) + ")");
        } catch (SdkException e) {
            throw new ObjectStoreException("cannot " + what + ": " + firstLine(e.getMessage()));
        }
    }

    private String explain(S3Exception e) {
        String code = code(e);
        if (e.statusCode() == 507) { // Insufficient Storage: MinIO's and Ceph RGW's answer on a full store
            return "the bucket is full (HTTP 507 Insufficient Storage" + (code.isEmpty() || code.equals("null") ? "" : ", " + code) + ")";
        }
        return switch (code) {
            case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidSecurity", "AuthorizationHeaderMalformed" ->
                    "the object store refused the credentials (" + code + "): check the s3 provider's access-key and secret-key";
            case "NoSuchBucket" -> "bucket '" + settings.bucket() + "' does not exist";
            case "AccessDenied", "AllAccessDisabled" -> "access denied (" + code + "): the credentials may not write"
                    + " or read this bucket (read-only?)";
            case "QuotaExceeded", "EntityTooLarge", "InsufficientStorage", "XMinioStorageFull" ->
                    "the bucket is full (" + code + ")";
            default -> "HTTP " + e.statusCode() + (code.isEmpty() || code.equals("null") ? "" : " " + code)
                    + (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                    ? ": " + firstLine(e.awsErrorDetails().errorMessage()) : "");
        };
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
