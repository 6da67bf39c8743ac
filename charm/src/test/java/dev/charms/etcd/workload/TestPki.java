package dev.charms.etcd.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Test-only PKI made with the openssl CLI: an EC P-256 CA, a member cert (127.0.0.1) and a client cert. */
final class TestPki {
    private static final CommandRunner RUN = new CommandRunner();
    private static final Duration T = Duration.ofSeconds(30);

    private TestPki() {
    }

    /** Creates the PEMs in {@code dir} and returns them. */
    static TlsMaterial create(Path dir) throws IOException {
        Files.createDirectories(dir);
        String d = dir.toString();
        key(d + "/ca.key");
        openssl("req", "-x509", "-new", "-key", d + "/ca.key", "-subj", "/CN=test-etcd-ca", "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-out", d + "/ca.crt");
        issue(d, "server", "/CN=etcd-member", "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n");
        issue(d, "client", "/CN=root", "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n");
        return new TlsMaterial(read(dir, "ca.crt"), read(dir, "server.crt"), read(dir, "server.key"),
                read(dir, "client.crt"), read(dir, "client.key"));
    }

    private static void issue(String d, String name, String subject, String ext) throws IOException {
        key(d + "/" + name + ".key");
        openssl("req", "-new", "-key", d + "/" + name + ".key", "-subj", subject, "-out", d + "/" + name + ".csr");
        Files.writeString(Path.of(d, name + ".ext"), ext);
        openssl("x509", "-req", "-in", d + "/" + name + ".csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", d + "/" + name + ".ext", "-out", d + "/" + name + ".crt");
    }

    private static void key(String path) {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path);
    }

    private static void openssl(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        RUN.check(cmd, T);
    }

    private static String read(Path dir, String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }
}
