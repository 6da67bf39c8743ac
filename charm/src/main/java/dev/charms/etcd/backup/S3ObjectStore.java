package dev.charms.etcd.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
    private final S3Client client;
    private final S3Settings settings;

    public S3ObjectStore(S3Settings settings) {
        this.settings = settings;
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
        call("upload " + key + " to " + settings.where(), () -> client.putObject(
                b -> b.bucket(settings.bucket()).key(key).metadata(metadata).contentType("application/octet-stream"),
                RequestBody.fromFile(file)));
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
            throw new ObjectStoreException("cannot " + what + ": the object store did not answer ("
                    + firstLine(rootCause(e)) + ")");
        } catch (SdkException e) {
            throw new ObjectStoreException("cannot " + what + ": " + firstLine(e.getMessage()));
        }
    }

    private String explain(S3Exception e) {
        String code = code(e);
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
