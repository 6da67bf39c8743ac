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
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Loads PEM certificates and private keys for TLS clients (JDK only for PKCS#8 keys; BouncyCastle is
 * loaded only for legacy "EC PRIVATE KEY"/"RSA PRIVATE KEY" files). Error messages name the file,
 * never its content.
 */
public final class PemFiles {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemFiles() {
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

    /** A TLS context presenting {@code tls}'s certificate and key and trusting only its CA. */
    public static SSLContext sslContext(TlsPaths tls) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : certificates(tls.caFile())) {
                trust.setCertificateEntry("ca" + i++, ca);
            }
            char[] pass = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", privateKey(tls.keyFile()), pass,
                    certificates(tls.certFile()).toArray(new X509Certificate[0]));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pass);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a TLS context from " + tls.certFile() + " and "
                    + tls.keyFile() + " (" + e.getClass().getSimpleName() + ")");
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
