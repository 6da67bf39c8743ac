package dev.charms.etcd.etcdclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.ops.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd_client protocol as the charm speaks it, checked against the spec's JSON schemas
 * (charm/src/test/resources/etcd-client/v0, from canonical/charm-relation-interfaces
 * docs/json_schemas/etcd_client/v0 at commit 4cf84d192962b8a31958fdc2ceffd05e2142cf0f; see
 * docs/client-access.md). The schemas name the fields as the pydantic models do (secret_tls); the spec's
 * README example and data-platform-libs write them with dashes (secret-tls), as the charm does: the bags
 * are checked with dashes turned into underscores.
 */
class EtcdClientV0Test {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private static List<String> errors(String schema, Map<String, String> bag) throws IOException {
        JsonNode root;
        try (InputStream in = EtcdClientV0Test.class.getResourceAsStream("/etcd-client/v0/" + schema)) {
            root = JSON.readTree(in);
        }
        ObjectNode data = JSON.createObjectNode();
        bag.forEach((k, v) -> data.put(k.replace('-', '_'), v));
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root).validate(data).stream()
                .map(ValidationMessage::getMessage).toList();
    }

    private static Map<String, String> requirerBag(String prefix, String secretUri) {
        return Map.of("prefix", prefix, "secret-mtls", secretUri, "requested-secrets", "[\"username\", \"uris\", \"tls\", \"tls-ca\"]",
                "provided-secrets", "[\"mtls-cert\"]");
    }

    @Test
    void whatTheCharmWritesFollowsTheProviderSchemaAndItsSecretsHoldTheSpecsFields() throws IOException {
        Deployment model = new Deployment(root).deploy(1).settle();
        model.relateEtcdClient(5, "app", Map.of("prefix", "/app/", "requested-secrets", "[\"username\", \"uris\", \"tls\", \"tls-ca\"]",
                "provided-secrets", "[\"mtls-cert\"]"), ClientCertificates.selfSigned("app", Duration.ofDays(10)));
        model.settle();
        Map<String, String> bag = model.etcdClientAppBag(5);
        assertEquals(List.of(), errors("provider.json", bag));
        assertEquals(List.of("endpoints", "secret-tls", "secret-user", "version"), bag.keySet().stream().sorted().toList());
        assertTrue(bag.get("secret-user").startsWith("secret:"), bag.toString());
        assertEquals(List.of("uris", "username"), model.appSecret(bag.get("secret-user")).orElseThrow().keySet().stream().sorted().toList());
        assertEquals(List.of("tls", "tls-ca"), model.appSecret(bag.get("secret-tls")).orElseThrow().keySet().stream().sorted().toList());
        // what a requirer writes, as the test requirer charm and EtcdRequires do, follows the requirer schema
        assertEquals(List.of(), errors("requirer.json", requirerBag("/app/", "secret:abc")));
        assertEquals(List.of("username", "uris", "tls", "tls-ca"), Json.parse(requirerBag("/a/", "s").get("requested-secrets")));
    }

    @Test
    void theSchemasRefuseABagMissingARequiredField() throws IOException {
        assertFalse(errors("provider.json", Map.of("endpoints", "10.0.0.1:2379", "version", "3.5.16", "secret-user", "secret:x")).isEmpty());
        assertFalse(errors("requirer.json", Map.of("prefix", "/a/", "secret-mtls", "secret:x")).isEmpty());
    }

    @Test
    void theFieldAndLabelNamesAreTheLibrarys() {
        assertEquals("etcd-client.3.tls.secret", EtcdClientV0.secretLabel(3, "tls"));
        assertEquals(Map.of("username", "u", "uris", "https://10.0.0.1:2379,https://10.0.0.2:2379"),
                EtcdClientV0.userSecret("u", List.of("https://10.0.0.1:2379", "https://10.0.0.2:2379")));
        assertEquals(Map.of("tls", "True", "tls-ca", "CA"), EtcdClientV0.tlsSecret("CA"));
    }
}
