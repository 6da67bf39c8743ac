package dev.charms.etcd.workload;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the files etcd runs from, with their modes and owners: config (0640 root:etcd), unit
 * (0644), profile script (0644), TLS files (keys 0600) and the data dir (0700 etcd). Every write is
 * atomic and reports whether the content changed, so the caller knows when to restart.
 */
public final class EtcdFiles {
    private static final String USER = EtcdPaths.SERVICE_USER;

    private final EtcdPaths paths;
    private final EtcdTemplates templates;

    /** Files of {@code paths}, rendered with {@code templates}. */
    public EtcdFiles(EtcdPaths paths, EtcdTemplates templates) {
        this.paths = paths;
        this.templates = templates;
    }

    /** Renders and writes the etcd config for etcd {@code version}; true when its content changed. */
    public boolean writeConfig(EtcdConfig config, EtcdVersion version) throws IOException {
        AtomicFiles.ensureDirectory(paths.configDir(), AtomicFiles.Ownership.of(null, USER, "rwxr-x---"));
        return write(paths.configFile(), templates.config(config, version), AtomicFiles.Ownership.of(null, USER, "rw-r-----"));
    }

    /** Renders and writes our systemd unit for {@code installation}; true when changed (daemon-reload needed). */
    public boolean writeUnit(EtcdInstallation installation) throws IOException {
        return write(paths.unitFile(), templates.unit(installation.etcd(), paths.configFile(), USER),
                AtomicFiles.Ownership.mode("rw-r--r--"));
    }

    /** Writes /etc/profile.d/etcdctl.sh for root's etcdctl; true when changed. */
    public boolean writeProfile(List<URI> endpoints) throws IOException {
        return write(paths.profileScript(), templates.profile(endpoints, TlsPaths.client(paths)),
                AtomicFiles.Ownership.mode("rw-r--r--"));
    }

    /** Writes the TLS files; true when any changed (etcd must restart to load them). */
    public boolean writeTls(TlsMaterial tls) throws IOException {
        AtomicFiles.ensureDirectory(paths.configDir(), AtomicFiles.Ownership.of(null, USER, "rwxr-x---"));
        AtomicFiles.ensureDirectory(paths.pkiDir(), AtomicFiles.Ownership.of(null, USER, "rwxr-x---"));
        boolean changed = write(paths.caCert(), tls.caCert(), AtomicFiles.Ownership.mode("rw-r--r--"));
        changed |= write(paths.serverCert(), tls.serverCert(), AtomicFiles.Ownership.of(USER, USER, "rw-r--r--"));
        changed |= write(paths.serverKey(), tls.serverKey(), AtomicFiles.Ownership.of(USER, USER, "rw-------"));
        changed |= write(paths.clientCert(), tls.clientCert(), AtomicFiles.Ownership.mode("rw-r--r--"));
        changed |= write(paths.clientKey(), tls.clientKey(), AtomicFiles.Ownership.mode("rw-------"));
        return changed;
    }

    /** Writes the client port's trust (0644, certificates only), or removes it when {@code pem} is empty. */
    public boolean writeClientTrust(String pem) throws IOException {
        if (pem == null || pem.isBlank()) {
            return Files.deleteIfExists(paths.clientTrust());
        }
        return write(paths.clientTrust(), pem, AtomicFiles.Ownership.mode("rw-r--r--"));
    }

    /** Creates the data dir (0700, owned by etcd) and its parent if missing; never touches their content. */
    /** Creates /etc/etcd and /etc/etcd/pki (0750 root:etcd) before the unit's key is written there. */
    public void ensurePkiDir() throws IOException {
        AtomicFiles.ensureDirectory(paths.configDir(), AtomicFiles.Ownership.of(null, USER, "rwxr-x---"));
        AtomicFiles.ensureDirectory(paths.pkiDir(), AtomicFiles.Ownership.of(null, USER, "rwxr-x---"));
    }

    public Path ensureDataDir() throws IOException {
        if (!Files.exists(paths.stateDir())) {
            AtomicFiles.ensureDirectory(paths.stateDir(), AtomicFiles.Ownership.of(USER, USER, "rwx------"));
        }
        AtomicFiles.ensureDirectory(paths.dataDir(), AtomicFiles.Ownership.of(USER, USER, "rwx------"));
        return paths.dataDir();
    }

    private static boolean write(Path file, String content, AtomicFiles.Ownership ownership) throws IOException {
        return AtomicFiles.writeIfChanged(file, content.getBytes(StandardCharsets.UTF_8), ownership);
    }
}
