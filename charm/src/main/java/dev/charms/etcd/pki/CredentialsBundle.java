package dev.charms.etcd.pki;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * The client credentials an operator downloads: a gzip'd tar with {@code clientkey.pem} (mode 0600),
 * {@code clientcert.pem}, {@code ca.pem} and {@code README.txt}, itself written with mode 0600.
 * {@link #toString()} never shows the key.
 */
public final class CredentialsBundle {
    /** The conventional file name of the bundle. */
    public static final String FILE_NAME = "etcd_client_credentials.tar.gz";
    /** Entry name of the client private key. */
    public static final String KEY_ENTRY = "clientkey.pem";
    /** Entry name of the client certificate. */
    public static final String CERT_ENTRY = "clientcert.pem";
    /** Entry name of the CA certificate. */
    public static final String CA_ENTRY = "ca.pem";
    /** Entry name of the README. */
    public static final String README_ENTRY = "README.txt";

    private static final int MODE_PRIVATE = 0600;
    private static final int MODE_PUBLIC = 0644;

    private final String clientKeyPem;
    private final String clientCertPem;
    private final String caPem;
    private final String readme;

    /**
     * A bundle of the given PEM texts and README text.
     *
     * @throws PkiException if any part is missing or empty
     */
    public CredentialsBundle(String clientKeyPem, String clientCertPem, String caPem, String readme) {
        this.clientKeyPem = required(clientKeyPem, KEY_ENTRY);
        this.clientCertPem = required(clientCertPem, CERT_ENTRY);
        this.caPem = required(caPem, CA_ENTRY);
        this.readme = required(readme, README_ENTRY);
    }

    /** The bundle as tar.gz bytes, every entry stamped with {@code modified}. */
    public byte[] toTarGz(Instant modified) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            UstarWriter tar = new UstarWriter(gzip);
            tar.addFile(KEY_ENTRY, MODE_PRIVATE, modified, utf8(clientKeyPem));
            tar.addFile(CERT_ENTRY, MODE_PUBLIC, modified, utf8(clientCertPem));
            tar.addFile(CA_ENTRY, MODE_PUBLIC, modified, utf8(caPem));
            tar.addFile(README_ENTRY, MODE_PUBLIC, modified, utf8(readme));
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the credentials archive in memory", e);
        }
        return bytes.toByteArray();
    }

    /** Atomically writes the bundle to {@code file} with mode 0600. */
    public void writeTo(Path file) {
        PemFiles.write(file, toTarGz(Instant.now()), PemFiles.PRIVATE, Optional.empty());
    }

    /** Atomically writes the bundle to {@code file} with mode 0600, owned by {@code owner} (e.g. ubuntu). */
    public void writeTo(Path file, PemFiles.Owner owner) {
        PemFiles.write(file, toTarGz(Instant.now()), PemFiles.PRIVATE, Optional.of(owner));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String required(String value, String entry) {
        if (value == null || value.isBlank()) {
            throw new PkiException("credentials bundle: " + entry + " is empty");
        }
        return value;
    }

    @Override
    public String toString() {
        return "CredentialsBundle[" + KEY_ENTRY + ", " + CERT_ENTRY + ", " + CA_ENTRY + ", " + README_ENTRY + "]";
    }
}
