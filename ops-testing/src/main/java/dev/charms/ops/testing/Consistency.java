package dev.charms.ops.testing;

import dev.charms.charmfiles.CharmFiles;
import dev.charms.charmfiles.ConfigOption;
import dev.charms.charmfiles.Endpoint;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rejects a state or an event Juju could not produce, before the charm runs, so a test cannot pass
 * against a situation that never happens. Every message names the offending item.
 */
final class Consistency {
    private static final Pattern UNIT = Pattern.compile("^[a-z][a-z0-9]*(?:-[a-z0-9]+)*/[0-9]+$");
    private static final Pattern PORT = Pattern.compile("^(?:icmp|[0-9]+(?:-[0-9]+)?/(?:tcp|udp))$");
    private static final Pattern VERSION = Pattern.compile("^[0-9]+\\.[0-9]+(?:[.-].*)?$");
    private static final Pattern SECRET_KEY = Pattern.compile("^([a-z](?:-?[a-z0-9]){2,})$");

    private final CharmFiles files;
    private final State state;

    private Consistency(CharmFiles files, State state) {
        this.files = files;
        this.state = state;
    }

    /** Throws {@link InconsistentStateException} if Juju could not run {@code event} against {@code state}. */
    static void check(CharmFiles files, State state, JujuEvent event) {
        Consistency c = new Consistency(files, state);
        c.checkState();
        c.checkEvent(event);
    }

    private static InconsistentStateException bad(String message) {
        return new InconsistentStateException(message);
    }

    /** {@code value} as config-get gives it for {@code option}, or the refusal Juju would give a value of the wrong type. */
    static Object configValue(ConfigOption option, Object value) {
        return option.typed(value).orElseThrow(() -> bad("config option '" + option.name() + "' expected "
                + option.type() + ", got " + describe(value)));
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        String shown = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        return value.getClass().getSimpleName() + " " + shown;
    }

    private int jujuMajor() {
        return Integer.parseInt(state.jujuVersion().split("\\.")[0]);
    }

    private void checkState() {
        if (!VERSION.matcher(state.jujuVersion()).matches()) {
            throw bad("juju version '" + state.jujuVersion() + "' is not a version like 3.6.4");
        }
        if (!UNIT.matcher(state.unitName()).matches()) {
            throw bad("unit name '" + state.unitName() + "' is not like app/0");
        }
        state.config().forEach((key, value) -> configValue(files.config().option(key)
                .orElseThrow(() -> bad("config option '" + key + "' is not in config.yaml")), value));
        checkRelations();
        state.networks().keySet().forEach(binding -> {
            if (!files.metadata().hasBinding(binding)) {
                throw bad("network binding '" + binding + "' is neither an endpoint nor an extra binding in"
                        + " metadata.yaml");
            }
        });
        state.resources().keySet().forEach(name -> {
            if (!files.metadata().resources().containsKey(name)) {
                throw bad("resource '" + name + "' is not in metadata.yaml");
            }
        });
        state.openedPorts().forEach(p -> {
            if (!PORT.matcher(p).matches()) {
                throw bad("opened port '" + p + "' is not like 2379/tcp, 8000-8999/udp or icmp");
            }
        });
        checkSecrets();
    }

    private void checkRelations() {
        Set<Integer> ids = new HashSet<>();
        Map<String, Integer> perEndpoint = new HashMap<>();
        for (RelationState r : state.relations()) {
            if (r.id() < 0 || !ids.add(r.id())) {
                throw bad("relation id " + r.id() + " is used twice (or is negative)");
            }
            Endpoint ep = files.metadata().endpoints().get(r.endpoint());
            if (ep == null) {
                throw bad("relation " + r.endpoint() + ":" + r.id() + ": endpoint '" + r.endpoint()
                        + "' is not in metadata.yaml");
            }
            boolean peerEndpoint = ep.role() == Endpoint.Role.PEER;
            if (peerEndpoint != (r instanceof PeerRelation)) {
                throw bad("relation " + r.endpoint() + ":" + r.id() + ": endpoint '" + r.endpoint() + "' is a "
                        + ep.role().section() + " endpoint, so use " + (peerEndpoint ? "PeerRelation" : "Relation"));
            }
            int count = perEndpoint.merge(r.endpoint(), 1, Integer::sum);
            if (peerEndpoint && count > 1) {
                throw bad("peer endpoint '" + r.endpoint() + "' has more than one relation; Juju makes exactly one");
            }
            if (ep.limit() > 0 && count > ep.limit()) {
                throw bad("endpoint '" + r.endpoint() + "' has more relations than its limit " + ep.limit());
            }
            String remoteApp = r instanceof Relation other ? other.remoteApp() : state.appName();
            if (r instanceof Relation other && (other.remoteApp().isBlank() || other.remoteApp().contains("/"))) {
                throw bad("relation " + r.endpoint() + ":" + r.id() + ": remote application '" + other.remoteApp()
                        + "' is not an application name");
            }
            for (String unit : r.remoteUnitsData().keySet()) {
                if (unit.equals(state.unitName())) {
                    throw bad("relation " + r.endpoint() + ":" + r.id() + ": unit " + unit + " is listed among its own"
                            + " peers; Juju never does that");
                }
                if (!UNIT.matcher(unit).matches() || !unit.startsWith(remoteApp + "/")) {
                    throw bad("relation " + r.endpoint() + ":" + r.id() + ": '" + unit + "' is not a unit of "
                            + remoteApp);
                }
            }
        }
    }

    private void checkSecrets() {
        if (!state.secrets().isEmpty() && jujuMajor() < 3) {
            throw bad("Juju " + state.jujuVersion() + " has no secrets (they exist from 3.0 on)");
        }
        Set<String> ids = new HashSet<>();
        for (Secret s : state.secrets()) {
            if (!ids.add(s.id())) {
                throw bad("secret " + s.id() + " is listed twice");
            }
            for (Map<String, String> revision : s.revisions()) {
                for (String key : revision.keySet()) {
                    if (!SECRET_KEY.matcher(key).matches()) {
                        throw bad("secret " + s.id() + ": content key '" + key + "' is not valid in Juju (3+ lowercase"
                                + " letters, digits and single hyphens, starting with a letter)");
                    }
                }
            }
        }
    }

    private void checkEvent(JujuEvent event) {
        if (event instanceof JujuEvent.Hook h) {
            checkHook(h);
        } else if (event instanceof JujuEvent.RelationHook h) {
            checkRelationHook(h);
        } else if (event instanceof JujuEvent.StorageHook h) {
            if (!files.metadata().storage().containsKey(h.storage())) {
                throw bad("storage '" + h.storage() + "' is not in metadata.yaml");
            }
        } else if (event instanceof JujuEvent.SecretHook h) {
            checkSecretHook(h);
        } else if (event instanceof JujuEvent.ActionCall a && files.actions().action(a.name()).isEmpty()) {
            throw bad("action '" + a.name() + "' is not in actions.yaml");
        }
    }

    private void checkHook(JujuEvent.Hook h) {
        switch (h.name()) {
            case "leader-elected" -> {
                if (!state.leader()) {
                    throw bad("leader-elected runs only on the leader; set leader(true)");
                }
            }
            case "leader-settings-changed" -> {
                if (state.leader()) {
                    throw bad("leader-settings-changed runs only on non-leaders; set leader(false)");
                }
                if (jujuMajor() >= 4) {
                    throw bad("Juju 4 no longer runs leader-settings-changed");
                }
            }
            case "pre-series-upgrade", "post-series-upgrade" -> {
                if (jujuMajor() >= 4) {
                    throw bad("Juju 4 no longer runs " + h.name());
                }
            }
            default -> {
            }
        }
    }

    private void checkRelationHook(JujuEvent.RelationHook h) {
        String name = h.hookName();
        RelationState r = state.relation(h.relationId()).orElseThrow(() -> bad(name + ": relation id "
                + h.relationId() + " is not in the state"));
        if (!r.endpoint().equals(h.endpoint())) {
            throw bad(name + ": relation id " + h.relationId() + " belongs to endpoint '" + r.endpoint() + "'");
        }
        boolean peer = r instanceof PeerRelation;
        switch (h.kind()) {
            case "joined", "changed" -> {
                if (h.remoteUnit() == null) {
                    if (h.kind().equals("joined")) {
                        throw bad(name + ": Juju always names the remote unit in -relation-joined");
                    }
                } else if (!r.remoteUnitsData().containsKey(h.remoteUnit())) {
                    throw bad(name + ": remote unit " + h.remoteUnit() + " is not in the relation's "
                            + (peer ? "peersData" : "remoteUnitsData"));
                }
            }
            case "departed" -> {
                if (h.remoteUnit() == null || h.departingUnit() == null) {
                    throw bad(name + ": Juju always sets JUJU_REMOTE_UNIT and JUJU_DEPARTING_UNIT in -relation-departed");
                }
                if (!r.remoteUnitsData().containsKey(h.remoteUnit())) {
                    throw bad(name + ": remote unit " + h.remoteUnit() + " is not in the relation (its data stays"
                            + " readable in -departed, so keep it in the state)");
                }
                if (!h.departingUnit().equals(h.remoteUnit()) && !h.departingUnit().equals(state.unitName())) {
                    throw bad(name + ": the departing unit " + h.departingUnit() + " is neither the remote unit nor"
                            + " this unit");
                }
            }
            case "broken" -> {
                if (peer) {
                    throw bad(name + ": peer relations never get -relation-broken");
                }
            }
            case "created" -> {
            }
            default -> throw bad("unknown relation hook kind '" + h.kind() + "'");
        }
    }

    private void checkSecretHook(JujuEvent.SecretHook h) {
        Secret s = state.secrets().stream().filter(x -> x.id().equals(h.secretId())).findFirst()
                .orElseThrow(() -> bad(h.hookName() + ": secret " + h.secretId() + " is not in the state"));
        if (h.kind().equals("changed")) {
            if (s.ownedHere()) {
                throw bad("secret-changed goes to consumers; " + s.id() + " is owned here");
            }
            return;
        }
        if (!s.ownedHere()) {
            throw bad(h.hookName() + " goes to the owner; " + s.id() + " is owned by another application");
        }
        if (s.owner() == Secret.Owner.APPLICATION && !state.leader()) {
            throw bad(h.hookName() + " for an application-owned secret runs on the leader only");
        }
        if (h.revision() != null && (h.revision() < 1 || h.revision() > s.latestRevision())) {
            throw bad(h.hookName() + ": secret " + s.id() + " has no revision " + h.revision());
        }
    }
}
