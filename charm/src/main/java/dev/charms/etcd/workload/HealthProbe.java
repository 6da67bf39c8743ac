package dev.charms.etcd.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * Cheap health check of one member: HTTPS GET /health and /version with the client certificate,
 * over a blocking {@link HttpsURLConnection} (no jetcd, no background threads), short timeouts.
 */
public final class HealthProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private final TlsPaths tls;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private SSLContext sslContext;

    /** A probe presenting the client identity {@code tls}. */
    public HealthProbe(TlsPaths tls, Duration connectTimeout, Duration readTimeout) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** A probe with a 2 s connect and 4 s read limit (etcd's quorum read gives up after 1 s). */
    public HealthProbe(TlsPaths tls) {
        this(tls, Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    /** Checks {@code clientUrl}; never throws for an unhealthy or unreachable member. */
    public Health check(URI clientUrl) {
        long start = System.nanoTime();
        String reason;
        boolean healthy = false;
        try {
            Response r = get(clientUrl, "/health");
            JsonNode body = JSON.readTree(r.body());
            healthy = r.code() == 200 && "true".equals(body.path("health").asText());
            reason = healthy ? "" : "unhealthy (HTTP " + r.code() + ")"
                    + (body.path("reason").asText().isEmpty() ? "" : ": " + body.path("reason").asText());
        } catch (IOException e) {
            reason = "unreachable: " + describe(e);
        }
        return new Health(clientUrl, healthy, reason, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The versions {@code clientUrl} reports; throws {@link IOException} naming the URL when unreachable. */
    public ServerVersion version(URI clientUrl) throws IOException {
        Response r = get(clientUrl, "/version");
        if (r.code() != 200) {
            throw new IOException(clientUrl + "/version answered HTTP " + r.code());
        }
        JsonNode body = JSON.readTree(r.body());
        return new ServerVersion(body.path("etcdserver").asText(), body.path("etcdcluster").asText());
    }

    private Response get(URI clientUrl, String path) throws IOException {
        URL url = clientUrl.resolve(path).toURL();
        HttpsURLConnection conn = (HttpsURLConnection) url.openConnection();
        conn.setSSLSocketFactory(context().getSocketFactory());
        conn.setConnectTimeout((int) connectTimeout.toMillis());
        conn.setReadTimeout((int) readTimeout.toMillis());
        conn.setUseCaches(false);
        conn.setInstanceFollowRedirects(false);
        try {
            int code = conn.getResponseCode();
            InputStream in = code >= 400 ? conn.getErrorStream() : conn.getInputStream();
            byte[] body = in == null ? new byte[0] : readLimited(in);
            return new Response(code, body);
        } finally {
            conn.disconnect();
        }
    }

    private synchronized SSLContext context() {
        if (sslContext == null) {
            sslContext = TlsContexts.sslContext(tls);
        }
        return sslContext;
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        try (in) {
            byte[] body = in.readNBytes(MAX_BODY);
            return body.length == 0 ? "{}".getBytes() : body;
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " (" + CommandRunner.oneLine(m) + ")");
    }

    private record Response(int code, byte[] body) {
    }
}
