package dev.charms.etcd;

/**
 * Keys of the peer relation's data bags, each named once. Application bag (written by the leader only):
 * cluster token, CA certificate, where the CA key is kept, the roster ({@link Roster}), signed unit
 * certificates ({@code cert-<member>}, {@link Units#certKey}), the rolling-restart turn
 * ({@link dev.charms.etcd.state.RestartTurn}) and the restore generation. Unit bags (each unit its own):
 * addresses, URLs, CSR, the etcd version it runs, progress ({@link dev.charms.etcd.state.UnitProgress}),
 * member id, the restart it asks for and the one it made (configuration fingerprints) and the restore
 * generation it has left.
 */
public final class PeerData {
    private PeerData() {
    }

    /** The endpoint name of the peer relation. */
    public static final String PEER = "cluster";
    /** The client endpoint. */
    public static final String DB = "db";

    // application bag
    public static final String TOKEN = "cluster-token";
    public static final String CA_CERT = "ca-cert";
    public static final String CA_KEY_SECRET = "ca-key-secret";
    /** Juju 2.9 only (no secrets): the CA key in the peer application bag. */
    public static final String CA_KEY = "ca-key";
    public static final String MEMBERS = "members";
    public static final String RESTART_TURN = "restart-turn";
    public static final String RESTORE = "restore";
    /** rotate-ca: the cluster CA the members move to, and where its key is kept (as for the CA itself). */
    public static final String CA_NEXT_CERT = "ca-next-cert";
    public static final String CA_NEXT_KEY_SECRET = "ca-next-key-secret";
    /** Juju 2.9 only (no secrets): the next CA's key in the peer application bag. */
    public static final String CA_NEXT_KEY = "ca-next-key";
    /** The CA certificates every member trusts (PEM bundle); absent: the cluster CA alone. */
    public static final String TLS_TRUST = "tls-trust";
    /** The CA whose certificates members serve (PEM); absent: the cluster CA. */
    public static final String TLS_SERVING_CA = "tls-serving-ca";
    /**
     * Leader-written once etcd's authentication was first turned on for this application ("on"): from then
     * on the users of clients issued before are no longer made (a revoked one stays revoked).
     */
    public static final String AUTH = "auth";

    // unit bags
    public static final String ADDRESS = "address";
    public static final String MEMBER_NAME = "member-name";
    public static final String PEER_URL = "peer-url";
    public static final String CLIENT_URL = "client-url";
    public static final String CSR = "csr";
    public static final String STATE = "state";
    public static final String MEMBER_ID = "member-id";
    public static final String RESTART_REQUEST = "restart-request";
    public static final String RESTARTED = "restarted";
    public static final String RESTORED = "restored";
    /**
     * The id (hex) of this unit's member whose data was lost or damaged and has been set aside: the
     * leader removes that member and admits the unit again as a learner.
     */
    public static final String DATA_LOST = "data-lost";
    /** The snapshot this unit saved before the cluster moved to a newer etcd minor version: "version path". */
    public static final String UPGRADE_SNAPSHOT = "upgrade-snapshot";
    /** The etcd version this unit runs ({@link dev.charms.etcd.workload.EtcdVersion}). */
    public static final String ETCD_VERSION = "etcd-version";
    /** What this unit's running etcd trusts and serves ({@link dev.charms.etcd.certs.CaMove#report}). */
    public static final String TLS_RUNNING = "tls-running";
    /** "root" once this unit's charm talks to etcd with its root client certificate ({@link RootIdentity}). */
    public static final String IDENTITY = "identity";
    /** Leader: the etcd-client certificates every member trusts on its client port besides its CAs (PEM bundle). */
    public static final String CLIENT_TRUST = "client-trust";
    /** Unit: a fingerprint of the etcd-client certificates its running etcd trusts. */
    public static final String CLIENT_TRUST_RUNNING = "client-trust-running";
    /** Leader: what each etcd-client relation holds (JSON list, {@link dev.charms.etcd.etcdclient.Grant}). */
    public static final String ETCD_CLIENT_GRANTS = "etcd-client-grants";
    /** Leader: what the etcd-client requests were when the leader last brought etcd's users up to date. */
    public static final String ETCD_CLIENT_CHECKED = "etcd-client-checked";
    /** Leader: the refused etcd-client requests and why, for the leader's status. */
    public static final String ETCD_CLIENT_REFUSED = "etcd-client-refused";
}
