package dev.charms.etcd.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.Socket;
import java.security.Principal;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads PEM certificates and private keys into the JDK's TLS objects (jetcd's client, the health
 * probe): JDK only for PKCS#8 keys; BouncyCastle is loaded only for legacy "EC PRIVATE KEY"/"RSA PRIVATE
 * KEY" files. Error messages name the file, never its content. ({@code pki.PemFiles} writes such
 * files, 0600 for keys.)
 */
public final class TlsContexts {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private TlsContexts() {
    }

    /** All certificates in {@code file}. */
    public static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            cf.generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
            if (out.isEmpty()) {
                throw new IllegalArgumentException("certificate file " + file + " holds no certificate");
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("certificate file " + file + " is missing");
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("certificate file " + file + " is not a PEM certificate");
        }
    }

    /** The private key in {@code file} (PKCS#8, SEC1 EC or PKCS#1 RSA PEM). */
    public static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("key file " + file + " is missing");
        } catch (IOException e) {
            throw new IllegalArgumentException("key file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        Matcher m = PKCS8.matcher(text);
        if (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
            for (String alg : List.of("EC", "Ed25519", "RSA")) {
                try {
                    return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException e) {
                    continue;
                }
            }
            throw new IllegalArgumentException("key file " + file + " holds a PKCS#8 key of an unsupported type");
        }
        return legacyKey(file, text);
    }

    /**
     * A TLS context presenting {@code tls}'s certificate and key (as a client or as a server) and trusting
     * only its CA, through the JDK's PKIX checks. The key goes to the JDK as it is: a PKCS#12 key store
     * would first encrypt it with 10,000 rounds of PBKDF2, a cost a fresh JVM feels.
     */
    public static SSLContext sslContext(TlsPaths tls) {
        List<X509Certificate> chain = certificates(tls.certFile());
        PrivateKey key = privateKey(tls.keyFile());
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : certificates(tls.caFile())) {
                trust.setCertificateEntry("ca" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {new IdentityKeyManager(key, chain.toArray(new X509Certificate[0]))},
                    tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a TLS context from " + tls.certFile() + " and "
                    + tls.keyFile() + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** One identity, its key and certificate chain, offered on either side when its key type is asked for. */
    private static final class IdentityKeyManager extends X509ExtendedKeyManager {
        private static final String ALIAS = "identity";
        private final PrivateKey key;
        private final X509Certificate[] chain;

        IdentityKeyManager(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        private String alias(String... keyTypes) {
            if (keyTypes == null) {
                return ALIAS;
            }
            for (String type : keyTypes) {
                if (type != null && type.equalsIgnoreCase(key.getAlgorithm())) {
                    return ALIAS;
                }
            }
            return null;
        }

        private String[] aliases(String keyType) {
            return alias(keyType) == null ? null : new String[] {ALIAS};
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return aliases(keyType);
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return alias(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return alias(keyTypes);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return aliases(keyType);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }

    private static PrivateKey legacyKey(Path file, String text) {
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return conv.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("key file " + file + " is not a valid PEM private key");
        }
        throw new IllegalArgumentException("key file " + file + " holds no unencrypted PEM private key");
    }
}
