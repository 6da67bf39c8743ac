package dev.charms.etcd.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.ops.ActionFailedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
    private static final String SECRET = "s3cr3t-value-never-shown";
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";

    private static Map<String, String> data() {
        Map<String, String> d = new HashMap<>();
        d.put("bucket", "etcd-backups");
        d.put("access-key", "AKIA123");
        d.put("secret-key", SECRET);
        d.put("endpoint", "http://10.0.0.1:9000");
        return d;
    }

    @Test
    void readsWhatS3IntegratorWrites() {
        Map<String, String> d = data();
        d.put("path", "/cluster-a/");
        d.put("region", "eu-west-1");
        d.put("s3-uri-style", "host");
        d.put("s3-api-version", "4");
        d.put("storage-class", "STANDARD");
        d.put("tls-ca-chain", "[\"" + Base64.getEncoder().encodeToString(PEM.getBytes(StandardCharsets.US_ASCII)) + "\"]");
        S3Settings s = S3Settings.parse(d);
        assertEquals("etcd-backups", s.bucket());
        assertEquals("cluster-a", s.path());
        assertEquals("eu-west-1", s.region());
        assertFalse(s.pathStyle());
        assertEquals(List.of(PEM), s.caChain());
        assertEquals("s3://etcd-backups/cluster-a at http://10.0.0.1:9000", s.where());
    }

    @Test
    void defaultsAnOwnEndpointToPathStyleAndAwsToHostStyle() {
        S3Settings own = S3Settings.parse(data());
        assertTrue(own.pathStyle());
        assertEquals("us-east-1", own.region());
        Map<String, String> aws = data();
        aws.remove("endpoint");
        assertFalse(S3Settings.parse(aws).pathStyle());
    }

    @Test
    void caChainAsPemListOrSingleString() {
        assertEquals(List.of(PEM, PEM), S3Settings.caChain("[\"" + PEM.replace("\n", "\\n") + "\", \""
                + PEM.replace("\n", "\\n") + "\"]"));
        assertEquals(List.of(PEM), S3Settings.caChain(PEM));
        assertEquals(List.of(), S3Settings.caChain(""));
    }

    @Test
    void badDataIsRefusedNamingTheFieldNeverTheSecret() {
        assertMessage(Map.of(), "has not published its settings");
        for (String field : List.of("bucket", "access-key", "secret-key")) {
            Map<String, String> d = data();
            d.remove(field);
            assertMessage(d, "lack '" + field + "'");
        }
        Map<String, String> d = data();
        d.put("endpoint", "ftp://host/");
        assertMessage(d, "must be an http:// or https:// URL");
        d = data();
        d.put("endpoint", "http://user:" + SECRET + "@host/");
        assertMessage(d, "must not carry credentials");
        d = data();
        d.put("s3-uri-style", "virtual");
        assertMessage(d, "s3-uri-style 'virtual' must be path or host");
        d = data();
        d.put("s3-api-version", "2");
        assertMessage(d, "only signature version 4");
        d = data();
        d.put("bucket", "Not_A Bucket");
        assertMessage(d, "is not a valid bucket name");
        d = data();
        d.put("tls-ca-chain", "[not json");
        assertMessage(d, "tls-ca-chain");
        d = data();
        d.put("tls-ca-chain", "[\"aGVsbG8=\"]");
        assertMessage(d, "not a PEM certificate");
    }

    @Test
    void toStringHidesTheKeys() {
        String s = S3Settings.parse(data()).toString();
        assertFalse(s.contains(SECRET), s);
        assertFalse(s.contains("AKIA123"), s);
    }

    private static void assertMessage(Map<String, String> d, String expected) {
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> S3Settings.parse(d));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }
}
