package dev.charms.etcd.etcdclient;

import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed client certificates as a requirer of etcd_client makes them, with chosen dates, for tests. */
public final class ClientCertificates {
    private ClientCertificates() {
    }

    /** A self-signed client certificate for {@code cn}, valid from an hour ago for {@code validity}. */
    public static String selfSigned(String cn, Duration validity) {
        Instant now = Instant.now();
        return selfSigned(cn, now.minus(Duration.ofHours(1)), now.plus(validity), false);
    }

    /** A self-signed certificate for {@code cn} valid from {@code notBefore} to {@code notAfter}. */
    public static String selfSigned(String cn, Instant notBefore, Instant notAfter, boolean ca) {
        try {
            KeyPair keys = Keys.generate(KeyType.DEFAULT);
            X500Name name = new X500Name("CN=" + cn);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(System.nanoTime()),
                    Date.from(notBefore), Date.from(notAfter), name, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (!ca) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            }
            String alg = keys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509CertificateHolder holder = b.build(new JcaContentSignerBuilder(alg).build(keys.getPrivate()));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(holder);
            }
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
