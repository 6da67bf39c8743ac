package dev.charms.etcd.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Hooks start a fresh JVM: parsing a key type or inspecting a certificate must not load BouncyCastle. */
class LeanLoadingTest {
    /** Records every class it is asked for; loads this package and BouncyCastle itself, the JDK from the parent. */
    private static final class RecordingLoader extends URLClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        RecordingLoader(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            return super.loadClass(name, resolve);
        }

        boolean loadedBouncyCastle() {
            return requested.stream().anyMatch(name -> name.startsWith("org.bouncycastle."));
        }
    }

    private static RecordingLoader freshLoader() {
        URL[] urls = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> {
                    try {
                        return new File(entry).toURI().toURL();
                    } catch (MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                }).toArray(URL[]::new);
        return new RecordingLoader(urls);
    }

    @Test
    void keyTypeAndCertificateInfoUseOnlyTheJdk() throws Exception {
        String ca = CertificateAuthority.create("etcd-ca", 30, KeyType.ECDSA_P256).certificatePem();
        try (RecordingLoader loader = freshLoader()) {
            Class<?> keyType = loader.loadClass(KeyType.class.getName());
            assertEquals("ED25519", keyType.getMethod("parse", String.class).invoke(null, "ed25519").toString());
            Class<?> info = loader.loadClass(CertificateInfo.class.getName());
            Object parsed = info.getMethod("parse", String.class).invoke(null, ca);
            for (String accessor : List.of("subjectCommonName", "sans", "notAfter", "sha256Fingerprint", "isCa",
                    "keyUsages", "extendedKeyUsages", "keyType")) {
                info.getMethod(accessor).invoke(parsed);
            }
            assertTrue(loader.requested.contains(CertificateInfo.class.getName()));
            assertEquals(false, loader.loadedBouncyCastle(), "BouncyCastle was loaded: " + loader.requested);
        }
    }

    @Test
    void theRecorderNoticesBouncyCastle() throws Exception {
        try (RecordingLoader loader = freshLoader()) {
            Class<?> keys = loader.loadClass(Keys.class.getName());
            Class<?> keyType = loader.loadClass(KeyType.class.getName());
            Object pair = keys.getMethod("generate", keyType).invoke(null, keyType.getField("ED25519").get(null));
            Object privateKey = pair.getClass().getMethod("getPrivate").invoke(pair);
            String pem = (String) keys.getMethod("privateKeyPem", PrivateKey.class).invoke(null, privateKey);
            keys.getMethod("readPrivateKey", String.class).invoke(null, pem);
            assertTrue(loader.loadedBouncyCastle());
        }
    }
}
