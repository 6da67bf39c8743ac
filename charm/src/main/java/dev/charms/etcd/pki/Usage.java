package dev.charms.etcd.pki;

/** What a certificate issued by {@link CertificateAuthority} may be used for. */
public enum Usage {
    /** A unit certificate: serves the client and peer ports and authenticates to other members. */
    SERVER_AND_CLIENT,
    /** A client certificate for etcdctl or an application: TLS client authentication only. */
    CLIENT
}
