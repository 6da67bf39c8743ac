package dev.charms.etcd.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
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
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The current tls-certificates protocol as the charm speaks it, checked against the spec's JSON schemas
 * (charm/src/test/resources/tls-certificates/v1, from canonical/charm-relation-interfaces
 * docs/json_schemas/tls_certificates/v1; see docs/certificates.md), and the checks on a provider's answer.
 */
class TlsCertificatesV1Test {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SANS = Set.of("10.1.2.3", "etcd-0.local", "127.0.0.1");
    private static final CertificateAuthority PROVIDER = CertificateAuthority.create("provider CA", 30, KeyType.DEFAULT);
    private static final KeyPair UNIT = Keys.generate(KeyType.DEFAULT);
    private static final String CSR = Csr.create(UNIT, "etcd0", SANS);

    private static JsonNode schema(String name) throws IOException {
        try (InputStream in = TlsCertificatesV1Test.class.getResourceAsStream("/tls-certificates/v1/" + name)) {
            return JSON.readTree(in);
        }
    }

    /** Errors of {@code data} against the databag schema {@code name}, and of the JSON text of {@code key} against its content schema. */
    private static List<String> errors(String name, ObjectNode databag, String bag, String key, String contentDef) throws IOException {
        JsonNode root = schema(name);
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        List<String> out = new java.util.ArrayList<>(factory.getSchema(root).validate(databag).stream()
                .map(ValidationMessage::getMessage).toList());
        // The value is a JSON string whose content the schema gives as contentSchema: checked on its own.
        ObjectNode content = JSON.createObjectNode();
        content.set("$defs", root.get("$defs"));
        content.put("type", "array");
        content.putObject("items").put("$ref", "#/$defs/" + contentDef);
        JsonSchema contentSchema = factory.getSchema(content);
        JsonNode decoded = JSON.readTree(databag.get(bag).get(key).asText());
        out.addAll(contentSchema.validate(decoded).stream().map(ValidationMessage::getMessage).toList());
        return out;
    }

    @Test
    void theRequestsAUnitWritesFollowTheRequirerSchema() throws IOException {
        ObjectNode databag = JSON.createObjectNode();
        String value = TlsCertificatesV1.requests(List.of(CSR));
        databag.putObject("unit").put(TlsCertificatesV1.REQUESTS, value);
        databag.putObject("app").put(TlsCertificatesV1.REQUESTS, TlsCertificatesV1.requests(List.of()));
        assertEquals(List.of(), errors("requirer.json", databag, "unit", TlsCertificatesV1.REQUESTS, "CertificateSigningRequest"));
        Map<?, ?> item = (Map<?, ?>) ((List<?>) Json.parse(value)).get(0);
        assertEquals(CSR.strip(), item.get("certificate_signing_request"));
        assertEquals(false, item.get("ca"));
    }

    @Test
    void aRequestWithoutItsCaFlagIsWhatTheSchemaRefuses() throws IOException {
        ObjectNode databag = JSON.createObjectNode();
        databag.putObject("unit").put(TlsCertificatesV1.REQUESTS, "[{\"certificate_signing_request\": \"x\"}]");
        databag.putObject("app").put(TlsCertificatesV1.REQUESTS, "[]");
        assertFalse(errors("requirer.json", databag, "unit", TlsCertificatesV1.REQUESTS, "CertificateSigningRequest").isEmpty(),
                "the schema check can fail");
    }

    private static String providerValue(String cert, String csr, boolean revoked) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("ca", PROVIDER.certificatePem());
        item.put("certificate_signing_request", csr);
        item.put("certificate", cert);
        item.put("chain", List.of(cert, PROVIDER.certificatePem()));
        item.put("recommended_expiry_notification_time", null);
        item.put("revoked", revoked);
        return Json.write(List.of(item));
    }

    @Test
    void providerDataOfTheSchemaIsReadAndMatchedByTheExactRequest() throws IOException {
        String cert = PROVIDER.sign(Csr.parse(CSR), SANS, 30, Usage.SERVER_AND_CLIENT);
        String value = providerValue(cert, CSR, false);
        ObjectNode databag = JSON.createObjectNode();
        databag.putObject("app").put(TlsCertificatesV1.CERTIFICATES, value);
        assertEquals(List.of(), errors("provider.json", databag, "app", TlsCertificatesV1.CERTIFICATES, "Certificate"));
        List<TlsCertificatesV1.Provided> provided = TlsCertificatesV1.parse(value);
        assertEquals(cert, TlsCertificatesV1.answerFor(provided, CSR).orElseThrow().certificate());
        assertTrue(TlsCertificatesV1.answerFor(provided, Csr.create(UNIT, "etcd0", Set.of("10.9.9.9"))).isEmpty(),
                "another request of the same key is not answered by it");
        assertTrue(TlsCertificatesV1.answerFor(TlsCertificatesV1.parse(providerValue(cert, CSR, true)), CSR).isEmpty(),
                "a revoked certificate is no answer");
        assertEquals(java.util.Optional.empty(), TlsCertificatesV1.problem(provided.get(0), UNIT.getPublic(), SANS, Instant.now()));
    }

    @Test
    void theChainMayAlsoBeOneStringAsTheOlderSchemaFileHasIt() {
        String cert = PROVIDER.sign(Csr.parse(CSR), SANS, 30, Usage.SERVER_AND_CLIENT);
        String value = "[{\"ca\": " + Json.write(PROVIDER.certificatePem()) + ", \"chain\": " + Json.write(PROVIDER.certificatePem())
                + ", \"certificate_signing_request\": " + Json.write(CSR) + ", \"certificate\": " + Json.write(cert) + "}]";
        assertEquals(1, TlsCertificatesV1.parse(value).get(0).chain().size());
    }

    @Test
    void badAnswersAreNamedWithoutQuotingThem() {
        KeyPair other = Keys.generate(KeyType.DEFAULT);
        String wrongKey = PROVIDER.sign(Csr.parse(Csr.create(other, "etcd0", SANS)), SANS, 30, Usage.SERVER_AND_CLIENT);
        assertEquals("the certificate is not for this unit's key", problem(wrongKey));
        String fewer = PROVIDER.sign(Csr.parse(CSR), Set.of("10.1.2.3"), 30, Usage.SERVER_AND_CLIENT);
        assertEquals("the certificate lacks the SANs 127.0.0.1,etcd-0.local", problem(fewer));
        String good = PROVIDER.sign(Csr.parse(CSR), SANS, 30, Usage.SERVER_AND_CLIENT);
        TlsCertificatesV1.Provided answer = new TlsCertificatesV1.Provided(good, CSR, PROVIDER.certificatePem(), List.of(), false);
        assertTrue(TlsCertificatesV1.problem(answer, UNIT.getPublic(), SANS, Instant.now().plus(Duration.ofDays(31)))
                .orElseThrow().startsWith("the certificate expired at "));
        assertEquals("the certificate is not a PEM X.509 certificate", problem("garbage"));
        CertificateAuthority stranger = CertificateAuthority.create("another CA", 30, KeyType.DEFAULT);
        String foreign = stranger.sign(Csr.parse(CSR), SANS, 30, Usage.SERVER_AND_CLIENT);
        assertEquals("the certificate is not signed by the CA sent with it", problem(foreign));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlsCertificatesV1.parse("secret-garbage{"));
        assertEquals("'certificates' is not JSON", e.getMessage());
        assertEquals("'certificates' item 0 has no string 'certificate'",
                assertThrows(IllegalArgumentException.class, () -> TlsCertificatesV1.parse("[{\"ca\": \"x\"}]")).getMessage());
    }

    private static String problem(String cert) {
        return TlsCertificatesV1.problem(new TlsCertificatesV1.Provided(cert, CSR, PROVIDER.certificatePem(), List.of(), false),
                UNIT.getPublic(), SANS, Instant.now()).orElse("none");
    }

    @Test
    void renewalIsDueOnceNineTenthsOfTheLifetimePassed() {
        dev.charms.etcd.pki.CertificateInfo cert = dev.charms.etcd.pki.CertificateInfo.parse(
                PROVIDER.sign(Csr.parse(CSR), SANS, 10, Usage.SERVER_AND_CLIENT));
        long life = cert.notAfter().toEpochMilli() - cert.notBefore().toEpochMilli();
        assertFalse(TlsCertificatesV1.renewalDue(cert, Instant.now()));
        assertFalse(TlsCertificatesV1.renewalDue(cert, cert.notBefore().plusMillis(life * 9 / 10 - 1)));
        assertTrue(TlsCertificatesV1.renewalDue(cert, cert.notBefore().plusMillis(life * 9 / 10)));
    }
}
