package dev.charms.etcd.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.Usage;
import dev.charms.ops.Json;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The original tls-certificates protocol as the charm speaks it with easyrsa: the requirer's unit bag,
 * checked against the spec's JSON schema (charm/src/test/resources/tls-certificates/v0, from
 * canonical/charm-relation-interfaces interfaces/tls_certificates/v0/schemas; see docs/certificates.md),
 * and the provider's answer as juju-solutions/interface-tls-certificates writes it, with the checks on it.
 */
class TlsCertificatesV0Test {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SANS = Set.of("10.1.2.3", "etcd-0.local", "127.0.0.1");
    private static final CertificateAuthority PROVIDER = CertificateAuthority.create("easyrsa CA", 30, KeyType.RSA_2048);

    private static JsonNode schema(String name) throws IOException {
        try (InputStream in = TlsCertificatesV0Test.class.getResourceAsStream("/tls-certificates/v0/" + name)) {
            return JSON.readTree(in);
        }
    }

    private static List<String> errors(JsonNode schema, JsonNode data) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema).validate(data).stream()
                .map(ValidationMessage::getMessage).toList();
    }

    /** A key and a certificate for it, as easyrsa's build-server-full makes them. */
    private static String[] issue(CertificateAuthority ca, Set<String> sans, int days) {
        KeyPair key = Keys.generate(KeyType.RSA_2048);
        String cert = ca.sign(Csr.parse(Csr.create(key, "10.1.2.3", sans)), sans, days, Usage.SERVER_AND_CLIENT);
        return new String[] {cert, Keys.privateKeyPem(key.getPrivate())};
    }

    private static Map<String, String> easyrsaBag(String unit, String cert, String key) {
        Map<String, String> bag = new LinkedHashMap<>();
        bag.put("ca", PROVIDER.certificatePem());
        bag.put("client.cert", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----");
        bag.put(TlsCertificatesV0.serverCertKey(unit), cert);
        bag.put(TlsCertificatesV0.serverKeyKey(unit), key);
        return bag;
    }

    @Test
    void theRequestAUnitWritesIsTheOriginalEtcdCharmsAndFollowsTheSchemasProperties() throws IOException {
        Map<String, String> bag = TlsCertificatesV0.request("etcd/0", "etcd0", SANS);
        assertEquals("etcd_0", bag.get("unit_name"));
        assertEquals("etcd0", bag.get("common_name"));
        assertEquals("etcd_0", bag.get("certificate_name"));
        assertEquals(List.of("10.1.2.3", "127.0.0.1", "etcd-0.local"), Json.parse(bag.get("sans")));
        // The databag as the schema sees it: each value decoded as the interface code decodes it.
        ObjectNode decoded = JSON.createObjectNode();
        decoded.put("unit_name", bag.get("unit_name"));
        decoded.put("common_name", bag.get("common_name"));
        decoded.put("certificate_name", bag.get("certificate_name"));
        decoded.set("sans", JSON.readTree(bag.get("sans")));
        ObjectNode properties = (ObjectNode) schema("requirer.json").deepCopy();
        // The schema's anyOf asks for cert_requests as a list; the interface code every v0 provider runs reads
        // it as an object keyed by common name, and reads the single request from common_name and sans,
        // which is the form the charm writes (as the original etcd charm did). The properties must hold.
        properties.remove("anyOf");
        assertEquals(List.of(), errors(properties, decoded));
        ObjectNode wrong = decoded.deepCopy();
        wrong.put("sans", "10.1.2.3");
        assertFalse(errors(properties, wrong).isEmpty(), "the schema refuses sans that are not a list");
    }

    @Test
    void providerDataIsRecognisedAndTheUnitsAnswerReadFromItsKeys() throws IOException {
        String[] issued = issue(PROVIDER, SANS, 30);
        Map<String, String> bag = easyrsaBag("etcd/0", issued[0], issued[1]);
        ObjectNode decoded = JSON.createObjectNode();
        decoded.put("ca", bag.get("ca"));
        decoded.put("chain", bag.get("ca"));
        assertEquals(List.of(), errors(schema("provider.json"), decoded), "ca and chain as the schema has them");
        assertTrue(TlsCertificatesV0.spokenBy(List.of(Map.of(), bag)));
        assertFalse(TlsCertificatesV0.spokenBy(List.of(Map.of("certificates", "[]"))), "a v1 provider writes no unit bag");
        Optional<TlsCertificatesV0.Answer> answer = TlsCertificatesV0.answerFor(List.of(Map.of(), bag), "etcd/0");
        assertTrue(answer.isPresent());
        assertEquals(issued[0], answer.get().certificate());
        assertEquals(Optional.empty(), TlsCertificatesV0.problem(answer.get(), SANS, Instant.now()));
        assertFalse(answer.get().toString().contains("PRIVATE"), "no key material in its text");
        assertTrue(TlsCertificatesV0.answerFor(List.of(bag), "etcd/1").isEmpty(), "no answer for another unit");
        Map<String, String> noCa = new LinkedHashMap<>(bag);
        noCa.remove("ca");
        assertTrue(TlsCertificatesV0.answerFor(List.of(noCa), "etcd/0").isEmpty(), "no answer without the CA");
    }

    @Test
    void anRsaKeyInPkcs1FormIsReadAndStoredAsPkcs8() {
        String[] issued = issue(PROVIDER, SANS, 30);
        java.security.PrivateKey key = Keys.readPrivateKey(issued[1]);
        java.security.interfaces.RSAPrivateCrtKey rsa = (java.security.interfaces.RSAPrivateCrtKey) key;
        String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(pkcs1(rsa)) + "\n-----END RSA PRIVATE KEY-----\n";
        TlsCertificatesV0.Answer answer = new TlsCertificatesV0.Answer(issued[0], pkcs1, PROVIDER.certificatePem(), "");
        assertEquals(Optional.empty(), TlsCertificatesV0.problem(answer, SANS, Instant.now()));
        assertTrue(TlsCertificatesV0.normalisedKey(answer).startsWith("-----BEGIN PRIVATE KEY-----"));
    }

    private static byte[] pkcs1(java.security.interfaces.RSAPrivateCrtKey k) {
        try {
            return new org.bouncycastle.asn1.pkcs.RSAPrivateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                    k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient()).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void badAnswersAreNamedWithoutQuotingThem() {
        String[] good = issue(PROVIDER, SANS, 30);
        String[] other = issue(PROVIDER, SANS, 30);
        String[] fewer = issue(PROVIDER, Set.of("10.1.2.3"), 30);
        String[] foreign = issue(CertificateAuthority.create("another CA", 30, KeyType.DEFAULT), SANS, 30);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("the certificate is not for the key sent with it", check(good[0], other[1]));
        cases.put("the certificate lacks the SANs 127.0.0.1,etcd-0.local", check(fewer[0], fewer[1]));
        cases.put("the certificate is not signed by the CA sent with it", check(foreign[0], foreign[1]));
        cases.put("the certificate is not a PEM X.509 certificate", check("garbage", good[1]));
        cases.put("the key is not a PEM private key", check(good[0], "garbage"));
        cases.forEach((expected, actual) -> assertEquals(expected, actual));
        for (String message : cases.values()) {
            assertFalse(message.contains("BEGIN"), "no PEM in " + message);
        }
        assertTrue(TlsCertificatesV0.problem(new TlsCertificatesV0.Answer(good[0], good[1], PROVIDER.certificatePem(), ""),
                SANS, Instant.now().plus(Duration.ofDays(31))).orElseThrow().startsWith("the certificate expired at "));
    }

    private static String check(String cert, String key) {
        return TlsCertificatesV0.problem(new TlsCertificatesV0.Answer(cert, key, PROVIDER.certificatePem(), ""), SANS,
                Instant.now()).orElse("usable");
    }
}
