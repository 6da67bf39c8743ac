package dev.charms.etcd.backup;

import dev.charms.ops.ActionFailedException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the provider of the {@code s3-parameters} relation (interface {@code s3}, v0: an
 * {@code s3-integrator}) puts in its application databag: {@code bucket}, {@code access-key} and
 * {@code secret-key} (required), {@code endpoint}, {@code region}, {@code path}, {@code s3-uri-style}
 * ({@code path} or {@code host}), {@code tls-ca-chain} (a JSON list of PEM certificates, each PEM or
 * base64 of PEM). The keys never appear in {@link #toString()} nor in any message of this class.
 *
 * @param bucket the bucket
 * @param accessKey the access key id
 * @param secretKey the secret key
 * @param endpoint the endpoint URL; empty for AWS itself
 * @param region the region ({@code us-east-1} when the provider gives none)
 * @param path the prefix inside the bucket, without leading or trailing slashes; may be empty
 * @param pathStyle whether buckets are addressed by path ({@code s3-uri-style=path}) rather than host
 * @param caChain PEM certificates to trust for an HTTPS endpoint; empty: the JDK's trust store
 */
public record S3Settings(String bucket, String accessKey, String secretKey, String endpoint, String region,
                         String path, boolean pathStyle, List<String> caChain) {
    /** The endpoint name in metadata.yaml. */
    public static final String ENDPOINT = "s3-parameters";
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.\\-_]{1,254}$");
    private static final Pattern PEM = Pattern.compile("-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----");

    /**
     * Reads the provider's application data; a missing or unusable field fails with a message naming it
     * (never its value when it is a credential).
     */
    public static S3Settings parse(Map<String, String> data) {
        if (data == null || data.isEmpty()) {
            throw new ActionFailedException("the s3 provider has not published its settings yet (relation "
                    + ENDPOINT + " has no application data)");
        }
        String bucket = required(data, "bucket");
        String access = required(data, "access-key");
        String secret = required(data, "secret-key");
        if (!BUCKET.matcher(bucket).matches()) {
            throw new ActionFailedException("the s3 provider's bucket '" + bucket + "' is not a valid bucket name");
        }
        String endpoint = data.getOrDefault("endpoint", "").strip();
        if (!endpoint.isEmpty()) {
            URI uri;
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                throw new ActionFailedException("the s3 provider's endpoint '" + endpoint + "' is not a URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new ActionFailedException("the s3 provider's endpoint '" + endpoint
                        + "' must be an http:// or https:// URL with a host");
            }
            if (uri.getUserInfo() != null) {
                throw new ActionFailedException("the s3 provider's endpoint must not carry credentials in its URL");
            }
        }
        String region = data.getOrDefault("region", "").strip();
        String style = data.getOrDefault("s3-uri-style", "").strip().toLowerCase(Locale.ROOT);
        if (!style.isEmpty() && !style.equals("path") && !style.equals("host")) {
            throw new ActionFailedException("the s3 provider's s3-uri-style '" + style + "' must be path or host");
        }
        String apiVersion = data.getOrDefault("s3-api-version", "").strip();
        if (!apiVersion.isEmpty() && !apiVersion.equals("4")) {
            throw new ActionFailedException("the s3 provider's s3-api-version " + apiVersion
                    + " is not supported: only signature version 4 is");
        }
        String path = data.getOrDefault("path", "").strip().replaceAll("^/+|/+$", "");
        // An endpoint of its own (MinIO, Ceph, S3Proxy) is addressed by path unless the provider says host.
        boolean pathStyle = style.isEmpty() ? !endpoint.isEmpty() : style.equals("path");
        return new S3Settings(bucket, access, secret, endpoint, region.isEmpty() ? "us-east-1" : region, path, pathStyle,
                caChain(data.getOrDefault("tls-ca-chain", "")));
    }

    private static String required(Map<String, String> data, String key) {
        String v = data.get(key);
        if (v == null || v.isBlank()) {
            throw new ActionFailedException("the s3 provider's settings lack '" + key + "'");
        }
        return v.strip();
    }

    /** The certificates of {@code tls-ca-chain}: a JSON list of strings, or one string; PEM or base64 of PEM. */
    static List<String> caChain(String raw) {
        String s = raw == null ? "" : raw.strip();
        if (s.isEmpty()) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        if (s.startsWith("[")) {
            try {
                com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
                for (com.fasterxml.jackson.databind.JsonNode item : node) {
                    items.add(item.asText());
                }
            } catch (java.io.IOException e) {
                throw new ActionFailedException("the s3 provider's tls-ca-chain is not a JSON list of certificates");
            }
        } else {
            items.add(s);
        }
        List<String> pems = new ArrayList<>();
        for (String item : items) {
            String text = item.contains("-----BEGIN") ? item : decode(item);
            Matcher m = PEM.matcher(text);
            boolean any = false;
            while (m.find()) {
                pems.add(m.group());
                any = true;
            }
            if (!any) {
                throw new ActionFailedException("the s3 provider's tls-ca-chain holds an entry that is not a PEM certificate");
            }
        }
        return List.copyOf(pems);
    }

    private static String decode(String b64) {
        try {
            return new String(Base64.getMimeDecoder().decode(b64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ActionFailedException("the s3 provider's tls-ca-chain holds an entry that is neither PEM nor base64");
        }
    }

    /** Where backups go, for messages: {@code s3://bucket/path at endpoint}. */
    public String where() {
        return "s3://" + bucket + (path.isEmpty() ? "" : "/" + path) + (endpoint.isEmpty() ? "" : " at " + endpoint);
    }

    @Override
    public String toString() {
        return "S3Settings[" + where() + ", region " + region + (pathStyle ? ", path style" : ", host style")
                + ", " + caChain.size() + " CA certificates]";
    }
}
