package dev.charms.etcd.it;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.io.Payload;
import org.jclouds.rest.AuthorizationException;

/**
 * A real S3 server for the backup tests: S3Proxy on its filesystem backend (each bucket a directory of
 * {@code dir}), listening on every address, one access key. {@link #readOnly} serves the same
 * directory to credentials that may read but not write: every write is refused with S3's
 * {@code AccessDenied} (403), as AWS answers a key whose policy lacks {@code s3:PutObject}. A write
 * that runs out of space on the server's file system (a small tmpfs in a test) is answered with HTTP
 * 507 Insufficient Storage once the request's body was read, as MinIO and Ceph RGW answer on a full
 * store (S3Proxy itself would answer a bare 500).
 */
public final class S3Server implements AutoCloseable {
    private final S3Proxy proxy;

    private S3Server(BlobStore store, String access, String secret) throws Exception {
        proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://0.0.0.0:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, access, secret).build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(50);
        }
    }

    /** A server of the buckets under {@code dir} (created as directories there). */
    public static S3Server start(Path dir, String access, String secret) throws Exception {
        return new S3Server(new FullIs507(filesystem(dir)), access, secret);
    }

    /** A server of the buckets under {@code dir} whose credentials may not write. */
    public static S3Server readOnly(Path dir, String access, String secret) throws Exception {
        return new S3Server(new NoWrites(filesystem(dir)), access, secret);
    }

    private static BlobStore filesystem(Path dir) throws Exception {
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        return ContextBuilder.newBuilder("filesystem").credentials("identity", "credential")
                .overrides(props).build(BlobStoreContext.class).getBlobStore();
    }

    public int port() {
        return proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }

    /** A write that found no space left: the rest of the body is read, then HTTP 507 answers it. */
    private static final class FullIs507 extends ForwardingBlobStore {
        FullIs507(BlobStore store) {
            super(store);
        }

        private static RuntimeException full(RuntimeException e, Payload payload) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (String.valueOf(t.getMessage()).contains("No space left on device")) {
                    try (java.io.InputStream rest = payload.openStream()) {
                        rest.transferTo(java.io.OutputStream.nullOutputStream());
                    } catch (java.io.IOException | RuntimeException ignored) {
                        // the body is gone already
                    }
                    return new org.jclouds.http.HttpResponseException("no space left", null,
                            org.jclouds.http.HttpResponse.builder().statusCode(507).message("Insufficient Storage").build());
                }
            }
            return e;
        }

        @Override
        public String putBlob(String container, Blob blob) {
            try {
                return super.putBlob(container, blob);
            } catch (RuntimeException e) {
                throw full(e, blob.getPayload());
            }
        }

        @Override
        public String putBlob(String container, Blob blob, PutOptions options) {
            try {
                return super.putBlob(container, blob, options);
            } catch (RuntimeException e) {
                throw full(e, blob.getPayload());
            }
        }

        @Override
        public MultipartPart uploadMultipartPart(MultipartUpload upload, int part, Payload payload) {
            try {
                return super.uploadMultipartPart(upload, part, payload);
            } catch (RuntimeException e) {
                throw full(e, payload);
            }
        }
    }

    /** Refuses every write as S3 refuses a key without write permission. */
    private static final class NoWrites extends ForwardingBlobStore {
        NoWrites(BlobStore store) {
            super(store);
        }

        private static AuthorizationException refused() {
            return new AuthorizationException("these credentials may only read", null);
        }

        @Override
        public String putBlob(String container, Blob blob) {
            throw refused();
        }

        @Override
        public String putBlob(String container, Blob blob, PutOptions options) {
            throw refused();
        }

        @Override
        public String copyBlob(String from, String fromName, String to, String toName, CopyOptions options) {
            throw refused();
        }

        @Override
        public void removeBlob(String container, String name) {
            throw refused();
        }

        @Override
        public void removeBlobs(String container, Iterable<String> names) {
            throw refused();
        }

        @Override
        public MultipartUpload initiateMultipartUpload(String container, BlobMetadata metadata, PutOptions options) {
            throw refused();
        }

        @Override
        public MultipartPart uploadMultipartPart(MultipartUpload upload, int part, Payload payload) {
            throw refused();
        }

        @Override
        public String completeMultipartUpload(MultipartUpload upload, List<MultipartPart> parts) {
            throw refused();
        }
    }
}
