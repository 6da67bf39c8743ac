package dev.charms.etcd.state;

import dev.charms.ops.StoredState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Everything this unit keeps between hooks (the framework's {@link StoredState}), each key named once
 * here and read and written as a typed value. The keys:
 * <ul>
 * <li>{@link #DEPARTING}: the unit is being removed (its first removal hook ran); {@link #LEFT}: it has
 * left the cluster;</li>
 * <li>{@link #RUNNING_FINGERPRINT}: the configuration fingerprint the member was last (re)started with;</li>
 * <li>{@link #OPENED_CLIENT_PORT}: the client port this unit opened; {@link #SERVING_CLIENT_PORT}: the one
 * its member was last started on; {@link #OPENED_METRICS_PORT}: the metrics port it opened (0: none);</li>
 * <li>{@link #COS_AGENT_PUBLISHED}: per cos-agent relation, the fingerprint of the {@code config} this unit
 * published there last;</li>
 * <li>{@link #WORKLOAD_VERSION}: the etcd version last set as the application version;</li>
 * <li>{@link #STARTED}: a {@code start} hook ran here; {@link #STARTED_AGAIN_AT}: when one last ran after
 * the first (after a reboot of the machine, or a refresh);</li>
 * <li>{@link #RELEASE_REFUSED}: why the attached {@code etcd} resource was refused when it was last weighed
 * (the unit's blocked status until a hook that installs accepts a release);</li>
 * <li>{@link #CSR_CHECKED}, {@link #CERT_CHECKED}, {@link #CERT_NOT_AFTER}: this unit's CSR and certificate
 * as last checked; {@link #ROOT_IDENTITY_CHECKED}, {@link #ROOT_IDENTITY_RENEW_AT}: the charm's own client
 * certificate (CN root) as last checked;</li>
 * <li>{@link #PEERS_SEEN}, {@link #UNSEEN_MISSING_SINCE}: the peers this unit has seen in the relation, and
 * (leader) since when roster units it never saw have been missing;</li>
 * <li>leader only: {@link #BOOTSTRAP_WAIT_SINCE} (since when it has waited for the units deployed with
 * it, before the cluster exists), {@link #ADMITTED} (the learner admitted last), {@link #AUDITED_AT}, {@link #ACCESS_CHECKED},
 * {@link #REMOVAL_REFUSED}, and per unit {@code signed-<member>} and per db
 * relation {@code db-credentials-<id>} ({@link CheckedUntil}).</li>
 * </ul>
 * The Host keeps its own cache of the installed binary under {@code etcd-binary} and
 * {@code etcd-binary-version} ({@link dev.charms.etcd.workload.MachineHost}).
 */
public final class UnitState {
    public static final String LEFT = "left-cluster";
    public static final String DEPARTING = "departing";
    public static final String RUNNING_FINGERPRINT = "running-fingerprint";
    public static final String OPENED_CLIENT_PORT = "opened-client-port";
    public static final String SERVING_CLIENT_PORT = "serving-client-port";
    public static final String OPENED_METRICS_PORT = "opened-metrics-port";
    public static final String COS_AGENT_PUBLISHED = "cos-agent-published-";
    public static final String WORKLOAD_VERSION = "host-version";
    public static final String RELEASE_REFUSED = "etcd-release-refused";
    public static final String CSR_CHECKED = "csr-checked";
    public static final String ACCESS_CHECKED = "access-checked";
    public static final String CERT_CHECKED = "cert-checked";
    public static final String CERT_NOT_AFTER = "cert-not-after";
    public static final String ROOT_IDENTITY_CHECKED = "root-identity-checked";
    public static final String ROOT_IDENTITY_RENEW_AT = "root-identity-renew-at";
    public static final String PEERS_SEEN = "peers-seen";
    public static final String UNSEEN_MISSING_SINCE = "peers-unseen-missing-since";
    public static final String ADMITTED = "learner-admitted";
    public static final String AUDITED_AT = "membership-audited-at";
    public static final String STARTED = "started";
    public static final String STARTED_AGAIN_AT = "started-again-at";
    public static final String MEMBER_DATA = "member-data";
    public static final String DATA_SET_ASIDE = "member-data-set-aside";
    public static final String BOOTSTRAP_WAIT_SINCE = "bootstrap-wait-since";
    /**
     * Why removing a departed unit's member was refused in the last attempt (absent: it was not). It
     * holds only while the roster still has departed units (a restore or rebuild drops them).
     */
    public static final String REMOVAL_REFUSED = "departed-removal-refused";
    private static final String SIGNED_PREFIX = "signed-";
    private static final String DB_CREDENTIALS_PREFIX = "db-credentials-";

    private final StoredState stored;

    public UnitState(StoredState stored) {
        this.stored = stored;
    }

    /** The client port this unit opened (0: none yet), read straight from {@code stored}. */
    public static int openedClientPort(StoredState stored) {
        return (int) stored.getLong(OPENED_CLIENT_PORT, 0);
    }

    public boolean left() {
        return stored.getBoolean(LEFT);
    }

    public void markLeft() {
        stored.put(LEFT, true);
    }

    /** Whether this unit is being removed: a removal hook ran (it may not have left yet). */
    public boolean departing() {
        return stored.getBoolean(DEPARTING);
    }

    public void markDeparting() {
        stored.put(DEPARTING, true);
    }

    public String runningFingerprint() {
        return stored.getString(RUNNING_FINGERPRINT, "");
    }

    public void runningFingerprint(String fingerprint) {
        stored.put(RUNNING_FINGERPRINT, fingerprint);
    }

    public int openedClientPort() {
        return openedClientPort(stored);
    }

    public void openedClientPort(int port) {
        stored.put(OPENED_CLIENT_PORT, (long) port);
    }

    public int openedMetricsPort() {
        return (int) stored.getLong(OPENED_METRICS_PORT, 0);
    }

    public void openedMetricsPort(int port) {
        stored.put(OPENED_METRICS_PORT, (long) port);
    }

    /** The fingerprint of the cos-agent {@code config} last published on relation {@code relationId} ("" if none). */
    public String cosAgentPublished(int relationId) {
        return stored.getString(COS_AGENT_PUBLISHED + relationId, "");
    }

    public void cosAgentPublished(int relationId, String fingerprint) {
        stored.put(COS_AGENT_PUBLISHED + relationId, fingerprint);
    }

    /** The client port the member was last started on, or {@code configured} when none is recorded or it is no port. */
    public int servingClientPortOr(int configured) {
        long port = stored.getLong(SERVING_CLIENT_PORT, 0);
        return port > 0 && port <= 65535 ? (int) port : configured;
    }

    public void servingClientPort(int port) {
        if (stored.getLong(SERVING_CLIENT_PORT, 0) != port) {
            stored.put(SERVING_CLIENT_PORT, (long) port);
        }
    }

    public String workloadVersion() {
        return stored.getString(WORKLOAD_VERSION, "");
    }

    public void workloadVersion(String version) {
        stored.put(WORKLOAD_VERSION, version);
    }

    /** Why the attached etcd release was refused ("etcd resource 3.6.0 refused: ..."); empty: it was not. */
    public Optional<String> releaseRefused() {
        return Optional.ofNullable(stored.getString(RELEASE_REFUSED, null)).filter(s -> !s.isEmpty());
    }

    /** Records why the attached etcd release was refused; empty: a release was accepted (or none weighed). */
    public void releaseRefused(Optional<String> why) {
        if (!why.equals(releaseRefused())) {
            stored.put(RELEASE_REFUSED, why.orElse(null));
        }
    }

    /**
     * The basis (identities and authentication) for which this unit, as leader, last made etcd's users and
     * roles complete and authentication on (see {@link dev.charms.etcd.steps.Authentication}).
     */
    public Optional<String> accessChecked() {
        return Optional.ofNullable(stored.getString(ACCESS_CHECKED, null));
    }

    public void accessChecked(String basis) {
        stored.put(ACCESS_CHECKED, basis);
    }

    /** The basis of the CSR last published (see {@link dev.charms.etcd.UnitTls#csr}). */
    public Optional<String> csrChecked() {
        return Optional.ofNullable(stored.getString(CSR_CHECKED, null));
    }

    public void csrChecked(String basis) {
        stored.put(CSR_CHECKED, basis);
    }

    /**
     * The charm's client certificate on this unit (CN root) as last found usable, and until when (its
     * renewal time); see {@link dev.charms.etcd.RootIdentity}.
     */
    public Optional<CheckedUntil> rootIdentityChecked() {
        String basis = stored.getString(ROOT_IDENTITY_CHECKED, null);
        return basis == null ? Optional.empty()
                : Optional.of(new CheckedUntil(basis, stored.getLong(ROOT_IDENTITY_RENEW_AT, 0)));
    }

    public void rootIdentityChecked(CheckedUntil checked) {
        stored.put(ROOT_IDENTITY_CHECKED, checked.basis());
        stored.put(ROOT_IDENTITY_RENEW_AT, checked.untilMillis());
    }

    /** This unit's certificate as last found fitting, and until when (its notAfter). */
    public Optional<CheckedUntil> certificateChecked() {
        String basis = stored.getString(CERT_CHECKED, null);
        return basis == null ? Optional.empty() : Optional.of(new CheckedUntil(basis, stored.getLong(CERT_NOT_AFTER, 0)));
    }

    public void certificateChecked(CheckedUntil checked) {
        stored.put(CERT_CHECKED, checked.basis());
        stored.put(CERT_NOT_AFTER, checked.untilMillis());
    }

    /** Peer units this unit has seen in the relation. */
    public List<String> peersSeen() {
        List<String> out = new ArrayList<>();
        if (stored.get(PEERS_SEEN) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    public void peersSeen(List<String> units) {
        stored.put(PEERS_SEEN, units.isEmpty() ? null : new ArrayList<>(units));
    }

    /** Since when each roster unit this unit never saw has been missing (epoch ms), as recorded. */
    public Map<String, Long> unseenMissingSince() {
        return millisByUnit(UNSEEN_MISSING_SINCE);
    }

    /** Records since when each of {@code units} has been missing (see {@link #noticedSince}). */
    public Map<String, Long> unseenMissingSince(List<String> units, long now) {
        return noticedSince(UNSEEN_MISSING_SINCE, units, now);
    }

    /**
     * When {@code unit} was first noticed by a record in {@code saved}: the recorded time, or {@code now}
     * when none is recorded or it lies in the future (the clock went back).
     */
    public static long sinceOrNow(Map<String, Long> saved, String unit, long now) {
        Long at = saved.get(unit);
        return at != null && at <= now ? at : now;
    }

    private Map<String, Long> noticedSince(String key, List<String> units, long now) {
        Map<String, Long> saved = millisByUnit(key);
        Map<String, Long> out = new TreeMap<>();
        for (String unit : units) {
            out.put(unit, sinceOrNow(saved, unit, now));
        }
        stored.put(key, out.isEmpty() ? null : out);
        return out;
    }

    private Map<String, Long> millisByUnit(String key) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (stored.get(key) instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (v instanceof Number n) {
                    out.put(String.valueOf(k), n.longValue());
                }
            });
        }
        return out;
    }

    public Optional<String> removalRefused() {
        return Optional.ofNullable(stored.getString(REMOVAL_REFUSED, null)).filter(s -> !s.isEmpty());
    }

    /** Records why removals were refused; empty: none was. */
    public void removalRefused(List<String> refusals) {
        stored.put(REMOVAL_REFUSED, refusals.isEmpty() ? null : String.join("; ", refusals));
    }

    /** The id (hex) of the member whose data this unit's data directory held when it last ran; empty: none. */
    public String memberData() {
        return stored.getString(MEMBER_DATA, "");
    }

    public void memberData(String memberId) {
        if (!memberId.equals(memberData())) {
            stored.put(MEMBER_DATA, memberId.isEmpty() ? null : memberId);
        }
    }

    /** What was said when this unit's lost or damaged member data was set aside; empty: nothing is pending. */
    public String dataSetAside() {
        return stored.getString(DATA_SET_ASIDE, "");
    }

    public void dataSetAside(String note) {
        if (!note.equals(dataSetAside())) {
            stored.put(DATA_SET_ASIDE, note.isEmpty() ? null : note);
        }
    }

    /** When this leader last compared etcd's member list with the roster (epoch ms; 0: never). */
    /**
     * A {@code start} hook ran: the first is the deploy's, a later one follows a reboot or a refresh
     * ({@link #startedAgainAt}).
     */
    public void startHookRan(long millis) {
        if (stored.getBoolean(STARTED)) {
            stored.put(STARTED_AGAIN_AT, millis);
        }
        stored.put(STARTED, true);
    }

    /**
     * When a {@code start} hook other than the first last ran on this unit (epoch millis; 0: never):
     * after a reboot of the machine or a refresh.
     */
    public long startedAgainAt() {
        return stored.getLong(STARTED_AGAIN_AT, 0);
    }

    /** Since when this leader has waited for the units deployed with it (0: it has not). */
    public long bootstrapWaitSince() {
        return stored.getLong(BOOTSTRAP_WAIT_SINCE, 0);
    }

    /** Records when this leader began to wait for the units deployed with it; 0 forgets it. */
    public void bootstrapWaitSince(long millis) {
        stored.put(BOOTSTRAP_WAIT_SINCE, millis <= 0 ? null : millis);
    }

    public long auditedAt() {
        return stored.getLong(AUDITED_AT, 0);
    }

    public void auditedAt(long millis) {
        stored.put(AUDITED_AT, millis);
    }

    /**
     * The learner this leader admitted last. Stored as {@code {"unit": ..., "at": ...}}; a charm revision
     * before this one stored {@code unit@epochMillis}, which a unit upgraded by {@code juju refresh} still
     * reads here.
     */
    public Optional<AdmittedLearner> admitted() {
        return nameAndMillis(stored.get(ADMITTED), "unit", "at", AdmittedLearner::new);
    }

    public void admitted(AdmittedLearner learner) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("unit", learner.unit());
        value.put("at", learner.atMillis());
        stored.put(ADMITTED, value);
    }

    /** The leader's check of {@code memberName}'s CSR and certificate. */
    public Optional<CheckedUntil> signed(String memberName) {
        return checked(SIGNED_PREFIX + memberName);
    }

    public void signed(String memberName, CheckedUntil checked) {
        putChecked(SIGNED_PREFIX + memberName, checked);
    }

    /** The check of the client credentials published on db relation {@code relationId}. */
    public Optional<CheckedUntil> dbCredentials(int relationId) {
        return checked(DB_CREDENTIALS_PREFIX + relationId);
    }

    public void dbCredentials(int relationId, CheckedUntil checked) {
        putChecked(DB_CREDENTIALS_PREFIX + relationId, checked);
    }

    /**
     * A {@link CheckedUntil}, stored as {@code {"basis": ..., "until": ...}}; a charm revision before this
     * one stored {@code basis@untilMillis}, which a unit upgraded by {@code juju refresh} still reads here.
     */
    private Optional<CheckedUntil> checked(String key) {
        return nameAndMillis(stored.get(key), "basis", "until", CheckedUntil::new);
    }

    /**
     * A stored {@code {nameKey: "...", millisKey: 123}} map, or the {@code name@millis} string a charm
     * revision before this one stored; empty for anything else.
     */
    private static <T> Optional<T> nameAndMillis(Object value, String nameKey, String millisKey,
                                                 BiFunction<String, Long, T> make) {
        if (value instanceof Map<?, ?> m && m.get(nameKey) instanceof String name && m.get(millisKey) instanceof Number millis) {
            return Optional.of(make.apply(name, millis.longValue()));
        }
        if (value instanceof String s) {
            int sep = s.lastIndexOf('@');
            Optional<Long> millis = sep < 0 ? Optional.empty() : parseLong(s.substring(sep + 1));
            return millis.map(ms -> make.apply(s.substring(0, sep), ms));
        }
        return Optional.empty();
    }

    private void putChecked(String key, CheckedUntil checked) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("basis", checked.basis());
        value.put("until", checked.untilMillis());
        stored.put(key, value);
    }

    private static Optional<Long> parseLong(String s) {
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
