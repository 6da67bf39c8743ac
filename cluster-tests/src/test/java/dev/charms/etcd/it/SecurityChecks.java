package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.controller.ExecResult;
import dev.charms.runner.model.ActionTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The security checks of the fault suite, on a running deployment (docs/reliability.md, "Security checks"):
 * <ul>
 * <li>every private key and snapshot file on every unit is mode 0600 or 0400 and owned by root or the etcd
 * user, except what an action wrote for the operator into a directory under /home/ubuntu, which is owned
 * like that directory (so that {@code juju scp} can fetch it); the data directory is 0700;</li>
 * <li>the client port refuses a client certificate from another CA, a client without a certificate and
 * plaintext HTTP; the peer port refuses a certificate from another CA and a client without one, and
 * accepts, at the TLS level, a client certificate of the cluster's own CA (etcd checks the chain and the
 * clientAuth usage only);</li>
 * <li>no private key material ("PRIVATE KEY" or the body of any unit's key) is in the debug log, the status
 * or the output of any action but {@code generate-client-certificates}.</li>
 * </ul>
 */
final class SecurityChecks {
    private static final Set<String> PRIVATE_MODES = Set.of("600", "400");
    private static final Set<String> SERVICE_OWNERS = Set.of("root", "etcd");

    private SecurityChecks() {
    }

    static FaultScenario scenario() {
        return FaultScenario.of("security checks", 3, SecurityChecks::check);
    }

    static void check(FaultScenario.FaultRun run) throws Exception {
        LocalCluster c = run.cluster();
        String leader = c.leaderUnit();
        Map<String, ActionTask> outputs = new LinkedHashMap<>();
        for (String action : List.of("health", "member-list", "alarm-list", "check-consistency", "snapshot")) {
            outputs.put(action, c.runOk(leader, action, Map.of()));
        }
        ActionTask credentials = c.runOk(leader, "generate-client-certificates", Map.of("common-name", "security-check"));

        int files = 0;
        List<String> keyBodies = new ArrayList<>();
        for (String unit : c.units()) {
            files += checkModes(c, unit, keyBodies);
        }
        run.note(files + " key and snapshot files checked");

        checkClientPort(c);
        checkPeerPort(c, credentials);

        List<String> texts = new ArrayList<>();
        texts.add(Files.readString(c.controller().debugLogFile()));
        texts.add(c.status().toString());
        outputs.forEach((action, task) -> texts.add(action + ": " + task.message() + " " + task.results()));
        String clientKey = LocalCluster.result(credentials, "client-key");
        assertTrue(clientKey != null && clientKey.contains("PRIVATE KEY"), "generate-client-certificates gave no key");
        keyBodies.add(body(clientKey));
        assertTrue(keyBodies.size() > c.units().size(), "too few keys found: " + keyBodies.size());
        for (String text : texts) {
            assertFalse(text.contains("PRIVATE KEY"), "private key material in " + head(text));
            for (String b : keyBodies) {
                // Each base64 line of a key's body but the first (keys of one type share their first
                // characters; a one-line body is kept whole) would not occur by chance.
                List<String> all = b.lines().map(String::strip).filter(l -> l.length() >= 40).toList();
                List<String> lines = all.size() > 1 ? all.subList(1, all.size()) : all;
                assertFalse(lines.isEmpty(), "a key body too short to look for: " + b.length() + " characters");
                for (String line : lines) {
                    assertFalse(text.contains(line), "the body of a private key in " + head(text));
                }
            }
        }
        run.note("no key material in debug-log, status or " + outputs.size() + " action outputs");
    }

    /**
     * Checks the modes and owners on {@code unit}; adds the body of every private key found to
     * {@code keyBodies}; returns how many files were checked.
     */
    private static int checkModes(LocalCluster c, String unit, List<String> keyBodies) throws Exception {
        String script = "{ grep -rlI -e 'PRIVATE KEY' /etc/etcd /var/lib/etcd /var/lib/juju/agents /home/ubuntu /tmp 2>/dev/null;"
                + " find /etc/etcd /var/lib/etcd /home/ubuntu /tmp -type f \\( -name '*.db' -o -name '*.key' -o -name '*.pem'"
                + " -o -name '*credentials*' -o -name '*.snap' -o -name '*.wal' \\) 2>/dev/null; } | sort -u"
                + " | while read -r f; do stat -c '%a %U %n' \"$f\"; done; echo; stat -c '%a %U %n' /var/lib/etcd/data /home/ubuntu";
        ExecResult r = c.controller().exec(unit, script, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), unit + ": " + r.stderr());
        String[] parts = r.stdout().split("\n\n", 2);
        List<String> dirs = parts[1].strip().lines().toList();
        assertEquals("700 etcd /var/lib/etcd/data", dirs.get(0).replace("700 root", "700 etcd"), unit + ": data dir " + dirs);
        String homeOwner = dirs.get(1).split(" ")[1];
        int n = 0;
        for (String line : parts[0].strip().lines().toList()) {
            String[] f = line.split(" ", 3);
            String mode = f[0];
            String owner = f[1];
            String path = f[2];
            assertTrue(PRIVATE_MODES.contains(mode), unit + ": " + path + " has mode " + mode);
            boolean forOperator = path.startsWith("/home/ubuntu/");
            assertTrue(SERVICE_OWNERS.contains(owner) || forOperator && owner.equals(homeOwner),
                    unit + ": " + path + " is owned by " + owner);
            Path onHost = c.controller().hostPath(unit, path);
            if (!path.endsWith(".gz") && Files.size(onHost) < 100_000) {
                String text = Files.readString(onHost, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (text.contains("PRIVATE KEY-----")) {
                    keyBodies.add(body(text));
                }
            }
            n++;
        }
        assertTrue(n >= 2, unit + ": no key files found: " + r.stdout());
        return n;
    }

    /** The client port refuses another CA's client certificate, no certificate and plaintext. */
    private static void checkClientPort(LocalCluster c) throws Exception {
        Path other = otherCa(c);
        Path ca = c.controller().hostPath(c.units().get(0), "/etc/etcd/pki/ca.crt");
        for (String unit : c.units()) {
            String https = "https://" + c.address(unit) + ":" + c.controller().config("etcd").get("port");
            LocalCluster.Result foreign = LocalCluster.run(List.of("etcdctl", "--endpoints", https, "--dial-timeout=3s",
                    "--command-timeout=5s", "--cacert", ca.toString(), "--cert", other.resolve("client.crt").toString(),
                    "--key", other.resolve("client.key").toString(), "get", "x"));
            assertNotEquals(0, foreign.code(), unit + ": a client certificate of another CA was served: " + foreign.output());
            LocalCluster.Result none = LocalCluster.run(List.of("etcdctl", "--endpoints", https, "--dial-timeout=3s",
                    "--command-timeout=5s", "--cacert", ca.toString(), "get", "x"));
            assertNotEquals(0, none.code(), unit + ": a client without a certificate was served: " + none.output());
            String http = https.replace("https://", "http://");
            LocalCluster.Result plain = LocalCluster.run(List.of("curl", "-sS", "--max-time", "5", http + "/version"));
            assertFalse(plain.output().contains("etcdserver"), unit + ": plaintext HTTP was served: " + plain.output());
            LocalCluster.Result plainPut = LocalCluster.run(List.of("etcdctl", "--endpoints", http, "--dial-timeout=3s",
                    "--command-timeout=5s", "put", "plaintext", "x"));
            assertNotEquals(0, plainPut.code(), unit + ": a plaintext client was served: " + plainPut.output());
        }
    }

    /**
     * The peer port refuses another CA's certificate and a client without one; a client certificate of the
     * cluster's own CA passes its TLS check (etcd cannot tell it from a peer's: both carry clientAuth).
     */
    private static void checkPeerPort(LocalCluster c, ActionTask credentials) throws Exception {
        Path other = otherCa(c);
        Path ca = c.controller().hostPath(c.units().get(0), "/etc/etcd/pki/ca.crt");
        Path client = Files.createTempDirectory(c.work(), "client-");
        Files.writeString(client.resolve("client.crt"), LocalCluster.result(credentials, "client-cert"));
        Files.writeString(client.resolve("client.key"), LocalCluster.result(credentials, "client-key"));
        for (String unit : c.units()) {
            String url = "https://" + c.address(unit) + ":" + c.controller().config("etcd").get("management_port") + "/version";
            String foreign = httpCode(List.of("--cacert", ca.toString(), "--cert", other.resolve("client.crt").toString(),
                    "--key", other.resolve("client.key").toString(), url));
            assertEquals("refused", foreign, unit + ": another CA's certificate was answered on the peer port");
            String none = httpCode(List.of("--cacert", ca.toString(), url));
            assertEquals("refused", none, unit + ": a client without a certificate was answered on the peer port");
            String ours = httpCode(List.of("--cacert", ca.toString(), "--cert", client.resolve("client.crt").toString(),
                    "--key", client.resolve("client.key").toString(), url));
            assertNotEquals("refused", ours, unit + ": etcd's peer port check changed (docs/reliability.md says a client"
                    + " certificate of the cluster's CA passes it)");
        }
    }

    /**
     * The HTTP status code curl (HTTP/1.1) got for {@code args}, or {@code refused} when the TLS handshake
     * or the connection failed before any HTTP answer.
     */
    private static String httpCode(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--http1.1", "--max-time", "5", "-o", "/dev/null",
                "-w", "%{http_code}"));
        cmd.addAll(args);
        LocalCluster.Result r = LocalCluster.run(cmd);
        String code = r.output().strip();
        code = code.substring(Math.max(0, code.length() - 3));
        return r.code() != 0 || code.equals("000") ? "refused" : code;
    }

    /** A CA of its own and a client certificate (clientAuth and serverAuth) it signed, made once. */
    private static Path otherCa(LocalCluster c) throws Exception {
        Path dir = c.work().resolve("other-ca");
        if (Files.exists(dir.resolve("client.crt"))) {
            return dir;
        }
        Files.createDirectories(dir);
        String d = dir.toString();
        Files.writeString(dir.resolve("ext"), "extendedKeyUsage=clientAuth,serverAuth\n");
        for (List<String> cmd : List.of(
                List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", d + "/ca.key", "-out", d + "/ca.crt", "-subj", "/CN=another-ca", "-days", "2"),
                List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", d + "/client.key", "-out", d + "/client.csr", "-subj", "/CN=etcd-0"),
                List.of("openssl", "x509", "-req", "-in", d + "/client.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                        "-CAcreateserial", "-days", "2", "-extfile", d + "/ext", "-out", d + "/client.crt"))) {
            LocalCluster.Result r = LocalCluster.run(cmd);
            assertEquals(0, r.code(), cmd + ": " + r.output());
        }
        return dir;
    }

    /** The base64 body of the first PEM private key in {@code pem}, its lines as in the PEM. */
    private static String body(String pem) {
        int begin = pem.indexOf("PRIVATE KEY-----");
        int start = pem.indexOf('\n', begin) + 1;
        int end = pem.indexOf("-----END", start);
        return pem.substring(start, end);
    }

    private static String head(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
