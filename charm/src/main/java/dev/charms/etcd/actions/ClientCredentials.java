package dev.charms.etcd.actions;

import dev.charms.etcd.ClientAccess;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.CredentialsBundle;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.PemFiles;
import dev.charms.etcd.pki.PkiException;
import dev.charms.etcd.pki.Usage;
import dev.charms.etcd.workload.KeyAccess;
import dev.charms.ops.ActionFailedException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code generate-client-certificates} action: a fresh key and a client certificate (clientAuth
 * only) signed by the cluster CA, returned as PEM and written as {@code etcd_client_credentials.tar.gz}
 * (clientkey.pem, clientcert.pem, ca.pem, README.txt; mode 0600, owned like its directory so that
 * {@code juju scp} as that user can fetch it).
 */
public final class ClientCredentials {
    /** Where the original charm put the bundle. */
    public static final Path DEFAULT_DIR = Path.of("/home/ubuntu");
    private static final Pattern COMMON_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$");
    private static final int MAX_DAYS = 3650;

    /**
     * What to issue.
     *
     * @param commonName subject CN (etcd's user name when auth is on)
     * @param validityDays days the certificate is valid
     * @param keyType key algorithm
     * @param prefix the key prefix the client is limited to; empty for every key
     * @param readOnly whether the client may only read
     */
    public record Request(String commonName, int validityDays, KeyType keyType, Optional<String> prefix, boolean readOnly) {
        public Request {
            prefix.flatMap(ClientAccess::prefixProblem).ifPresent(p -> {
                throw new ActionFailedException("prefix: " + p);
            });
        }

        /** Every key (read-write) with the default key type. */
        public Request(String commonName, int validityDays, KeyType keyType) {
            this(commonName, validityDays, keyType, Optional.empty(), false);
        }

        /** The etcd access this client gets. */
        public KeyAccess access() {
            return prefix.map(p -> KeyAccess.prefix(p, readOnly)).orElseGet(() -> KeyAccess.everything(readOnly));
        }

        /**
         * The request the action's parameters ask for (defaults for absent ones): {@code validity-days}
         * as a number or a string of digits, the others as strings. A bad one is an
         * {@link ActionFailedException} naming it.
         */
        public static Request of(Map<String, Object> params) {
            Object cn = params.getOrDefault("common-name", "etcd-client");
            Object type = params.getOrDefault("key-type", "ecdsa-p256");
            if (!(cn instanceof String)) {
                throw new ActionFailedException("common-name must be text, got " + cn);
            }
            if (!(type instanceof String)) {
                throw new ActionFailedException("key-type must be text, got " + type);
            }
            Object days = params.get("validity-days");
            Request basic = parse((String) cn, days == null ? 365 : ActionParams.wholeNumber("validity-days", days, 1, MAX_DAYS),
                    (String) type);
            Object prefix = params.get("prefix");
            if (prefix != null && !(prefix instanceof String)) {
                throw new ActionFailedException("prefix must be text, got " + prefix);
            }
            boolean readOnly = ActionParams.flag("read-only", params.get("read-only"), false);
            return new Request(basic.commonName(), basic.validityDays(), basic.keyType(),
                    Optional.ofNullable((String) prefix), readOnly);
        }

        /** Validates the action parameters; a bad one is an {@link ActionFailedException} naming it. */
        public static Request parse(String commonName, long validityDays, String keyType) {
            if (commonName == null || !COMMON_NAME.matcher(commonName).matches()) {
                throw new ActionFailedException("common-name '" + commonName + "' is invalid: 1 to 64 letters, digits,"
                        + " '.', '_', '@' or '-', starting with a letter or digit");
            }
            if (validityDays < 1 || validityDays > MAX_DAYS) {
                throw new ActionFailedException("validity-days " + validityDays + " is out of range 1-" + MAX_DAYS);
            }
            KeyType type;
            try {
                type = KeyType.parse(keyType);
            } catch (IllegalArgumentException e) {
                throw new ActionFailedException("key-type: " + e.getMessage());
            }
            return new Request(commonName, (int) validityDays, type);
        }
    }

    /**
     * Issued credentials. {@link #toString()} never shows the key.
     *
     * @param keyPem the client private key (PKCS#8 PEM)
     * @param certPem the client certificate
     * @param caPem the cluster CA certificate
     * @param info facts about the certificate
     */
    public record Issued(String keyPem, String certPem, String caPem, CertificateInfo info) {
        @Override
        public String toString() {
            return "Issued[" + info.subject() + ", notAfter=" + info.notAfter() + "]";
        }
    }

    private ClientCredentials() {
    }

    /** Issues a key and client certificate for {@code request}, signed by {@code ca}. */
    public static Issued issue(CertificateAuthority ca, Request request) {
        KeyPair keys = Keys.generate(request.keyType());
        String cert;
        try {
            cert = ca.sign(Csr.create(keys, request.commonName(), Set.of()), Set.of(), request.validityDays(), Usage.CLIENT);
        } catch (PkiException e) {
            throw new ActionFailedException("cannot issue the client certificate: " + e.getMessage());
        }
        return new Issued(Keys.privateKeyPem(keys.getPrivate()), cert, ca.certificatePem(), CertificateInfo.parse(cert));
    }

    /**
     * Writes the bundle into {@code dir} (created with mode 0755 if missing; its parent must exist),
     * mode 0600 and owned by the directory's owner; returns the file.
     */
    public static Path write(Issued issued, List<URI> endpoints, Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                if (dir.getParent() == null || !Files.isDirectory(dir.getParent())) {
                    throw new ActionFailedException("cannot create " + dir + ": " + dir.getParent() + " does not exist");
                }
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
            PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class);
            Path file = dir.resolve(CredentialsBundle.FILE_NAME);
            new CredentialsBundle(issued.keyPem(), issued.certPem(), issued.caPem(), readme(endpoints))
                    .writeTo(file, new PemFiles.Owner(attrs.owner().getName(), attrs.group().getName()));
            return file;
        } catch (IOException | PkiException e) {
            throw new ActionFailedException("cannot write the credentials to " + dir + ": " + e.getMessage());
        }
    }

    /** The README: how to use the files with etcdctl (v2 variables as in the original charm, and v3). */
    public static String readme(List<URI> endpoints) {
        String all = endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
        String first = endpoints.isEmpty() ? "https://<etcd-host>:2379" : endpoints.get(0).toString();
        String list = endpoints.isEmpty() ? "https://<etcd-host>:2379" : all;
        return """
                etcd client credentials
                =======================
                clientkey.pem   private key of this client (keep it secret)
                clientcert.pem  client certificate, signed by the cluster CA
                ca.pem          the cluster CA: verifies the etcd servers

                Unpack in a directory, then, from that directory:

                etcdctl v3 API (etcd 3.4 and later):

                  export ETCDCTL_API=3
                  export ETCDCTL_KEY=$(pwd)/clientkey.pem
                  export ETCDCTL_CERT=$(pwd)/clientcert.pem
                  export ETCDCTL_CACERT=$(pwd)/ca.pem
                  export ETCDCTL_ENDPOINTS=%s
                  etcdctl member list

                Variables of the original charm's README (etcdctl v2 names):

                  export ETCDCTL_KEY_FILE=$(pwd)/clientkey.pem
                  export ETCDCTL_CERT_FILE=$(pwd)/clientcert.pem
                  export ETCDCTL_CA_FILE=$(pwd)/ca.pem
                  export ETCDCTL_ENDPOINT=%s

                From outside the model, `juju expose etcd` first and use the units' public addresses.
                """.formatted(list, first);
    }

    /** Action results: the etcd access, the PEMs, where the bundle is and how to fetch it. */
    public static Map<String, Object> results(Issued issued, KeyAccess access, Path bundle, String unit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("common-name", issued.info().subjectCommonName());
        out.put("access", access.describe());
        access.asPrefix().ifPresent(p -> out.put("prefix", p));
        out.put("expires", issued.info().notAfter().toString());
        out.put("serial", issued.info().serial().toString(16));
        out.put("client-key", issued.keyPem());
        out.put("client-cert", issued.certPem());
        out.put("ca", issued.caPem());
        out.put("path", bundle.toString());
        out.put("copy-cmd", "juju scp " + unit + ":" + bundle + " .");
        return out;
    }
}
