package dev.charms.etcd.certs;

import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.PemFiles;
import dev.charms.etcd.pki.PkiException;
import dev.charms.ops.Relation;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The client certificates this unit requests from a {@code certificates} provider (current protocol,
 * docs/certificates.md): for each request, a name ({@code db-<CN>} for a {@code db} relation,
 * {@code action-<CN>} for {@code generate-client-certificates}), a private key made on this unit and kept
 * in {@code <name>.key} (0600, in a root-only directory) until the credentials are handed out, and the CSR
 * in {@code <name>.csr}. The CSRs go to the provider in this unit's {@code certificate_signing_requests}
 * list beside the member's own.
 */
public final class ClientRequests {
    private static final Pattern NAME = Pattern.compile("^(db|action)-[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$");

    private final Path dir;

    public ClientRequests(Path dir) {
        this.dir = dir;
    }

    /**
     * A provider's answer that can be handed out. {@link #toString()} never shows the key.
     *
     * @param keyPem the request's private key (PKCS#8 PEM)
     * @param certificate the provider's certificate (PEM)
     * @param ca the provider's CA (PEM)
     * @param info facts about the certificate
     */
    public record Issued(String keyPem, String certificate, String ca, CertificateInfo info) {
        @Override
        public String toString() {
            return "Issued[" + info.subject() + ", issuer " + info.issuerCommonName() + "]";
        }
    }

    /** The CSR of request {@code name}, made first (with a new key of {@code type}) if there is none. */
    public String ensure(String name, String commonName, KeyType type) {
        Optional<String> csr = csr(name);
        if (csr.isPresent() && keyPem(name).isPresent()) {
            return csr.get();
        }
        check(name);
        createDir();
        KeyPair keys = Keys.generate(type);
        PemFiles.writeKey(dir.resolve(name + ".key"), Keys.privateKeyPem(keys.getPrivate()));
        String fresh = Csr.create(keys, commonName, Set.of());
        PemFiles.writeCertificate(dir.resolve(name + ".csr"), fresh);
        return fresh;
    }

    /** A new CSR for request {@code name} (same key and common name): the provider's certificate nears its end. */
    public String renew(String name) {
        Csr current = Csr.parse(csr(name).orElseThrow());
        String fresh = Csr.create(Keys.toKeyPair(Keys.readPrivateKey(keyPem(name).orElseThrow())), current.commonName(), Set.of());
        PemFiles.writeCertificate(dir.resolve(name + ".csr"), fresh);
        return fresh;
    }

    /** The CSR of request {@code name}, if it was made. */
    public Optional<String> csr(String name) {
        check(name);
        return PemFiles.readIfExists(dir.resolve(name + ".csr"));
    }

    private Optional<String> keyPem(String name) {
        return PemFiles.readIfExists(dir.resolve(name + ".key"));
    }

    /** Forgets request {@code name}: its key and CSR are deleted. */
    public void drop(String name) {
        check(name);
        try {
            Files.deleteIfExists(dir.resolve(name + ".key"));
            Files.deleteIfExists(dir.resolve(name + ".csr"));
        } catch (IOException e) {
            throw new PkiException("cannot delete the request " + name + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Every request, name to CSR, by name. */
    public Map<String, String> all() {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.csr")) {
            for (Path f : files) {
                String name = f.getFileName().toString().replaceFirst("\\.csr$", "");
                if (NAME.matcher(name).matches() && Files.exists(dir.resolve(name + ".key"))) {
                    out.put(name, PemFiles.read(f));
                }
            }
        } catch (IOException e) {
            throw new PkiException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The provider's answer to request {@code name}, if there is one that can be handed out: the
     * certificate is for the request's key, not a CA, valid now and signed by the CA sent with it (the
     * checks of a member's certificate, without SANs). An answer that fails them is named in
     * {@code problems}.
     */
    public Optional<Issued> answer(String name, List<TlsCertificatesV1.Provided> provided, List<String> problems) {
        Optional<String> csr = csr(name);
        Optional<String> key = keyPem(name);
        if (csr.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        Optional<TlsCertificatesV1.Provided> answer = TlsCertificatesV1.answerFor(provided, csr.get());
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> problem = TlsCertificatesV1.problem(answer.get(), Csr.parse(csr.get()).publicKey(), Set.of(), Instant.now());
        if (problem.isPresent()) {
            problems.add(problem.get());
            return Optional.empty();
        }
        String cert = answer.get().certificate().strip() + "\n";
        return Optional.of(new Issued(key.get(), cert, TrustBundle.canonical(answer.get().ca()), CertificateInfo.parse(cert)));
    }

    /**
     * Request {@code name}'s credentials with {@code certificate} (handed out before), if that certificate
     * is for the request's key, signed by {@code serving}, not a CA and valid now: what serves while a
     * renewal is pending.
     */
    public Optional<Issued> current(String name, String certificate, String serving) {
        Optional<String> csr = csr(name);
        Optional<String> key = keyPem(name);
        if (csr.isEmpty() || key.isEmpty() || certificate == null || certificate.isBlank()) {
            return Optional.empty();
        }
        try {
            CertificateInfo info = CertificateInfo.parse(certificate);
            if (info.publicKey().equals(Csr.parse(csr.get()).publicKey()) && !info.isCa() && info.isSignedBy(serving)
                    && info.isValidAt(Instant.now())) {
                return Optional.of(new Issued(key.get(), certificate, TrustBundle.canonical(serving), info));
            }
        } catch (RuntimeException e) {
            // not a certificate of this request
        }
        return Optional.empty();
    }

    /**
     * Writes this unit's list of requests on {@code rel}: the member's CSR {@code memberCsr} (when there is
     * one) and every client request's.
     */
    public void publish(Relation rel, String memberCsr) {
        List<String> csrs = new ArrayList<>();
        if (memberCsr != null && !memberCsr.isBlank()) {
            csrs.add(memberCsr);
        }
        csrs.addAll(all().values());
        rel.updateLocalUnitData(Map.of(TlsCertificatesV1.REQUESTS, TlsCertificatesV1.requests(csrs)));
    }

    private static void check(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a client request name: " + name);
        }
    }

    private void createDir() {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new PkiException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
