package dev.charms.runner.tools;

import dev.charms.runner.model.Secret;
import dev.charms.runner.model.SecretGrant;
import dev.charms.runner.model.Unit;
import dev.charms.runner.model.UnitNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * secret-get (owners see the latest revision; consumers are pinned to the revision they first read until
 * {@code --refresh}; {@code --peek} reads the latest without moving), secret-ids and secret-info-get.
 */
final class SecretReadTools {
    private SecretReadTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(
                ToolSpec.formatted("secret-get", new Flags().value("label").bool("peek").bool("refresh"),
                        SecretReadTools::get).yamlOrJson(),
                ToolSpec.formatted("secret-ids", new Flags(), SecretReadTools::ids),
                ToolSpec.formatted("secret-info-get", new Flags().value("label"), SecretReadTools::info).yamlOrJson());
    }

    private static Object get(ToolCall call) throws ToolException {
        String uri = call.args().isEmpty() ? null : call.args().get(0);
        String label = call.value("label");
        if (uri == null && label == null) {
            throw ToolException.usage("require either a secret URI or label");
        }
        if (call.has("peek") && call.has("refresh")) {
            throw ToolException.usage("specify one of --peek or --refresh but not both");
        }
        String key = call.args().size() > 1 ? call.args().get(1) : null;
        call.noMoreArgs(2);
        Unit unit = call.unit();
        Secret secret = uri != null ? byUri(call, uri) : byLabel(call, label)
                .orElseThrow(() -> ToolException.failure("secret with label " + ToolCall.goQuote(label) + " not found"));
        if (!secret.canRead(unit)) {
            throw ToolException.failure("permission denied");
        }
        boolean owner = secret.isOwnedBy(unit);
        if (uri != null && label != null && !owner) {
            secret.setConsumerLabel(unit.name(), label);
        } else if (uri != null && label != null) {
            call.ctx().secrets().update(secret.id(), new PendingSecrets.Meta(label, null, null, null), null);
        }
        int revision;
        if (owner || call.has("peek")) {
            revision = secret.latestRevision();
        } else if (call.has("refresh")) {
            revision = secret.latestRevision();
            secret.track(unit.name(), revision);
        } else {
            revision = secret.trackedRevision(unit.name()).orElse(secret.latestRevision());
            secret.track(unit.name(), revision);
        }
        Map<String, String> content = secret.content(revision).orElseThrow(() -> ToolException.failure(
                "secret " + ToolCall.goQuote(secret.id()) + " revision " + ToolCall.goQuote(String.valueOf(revision))
                        + " not found"));
        if (key == null) {
            Map<String, Object> out = new LinkedHashMap<>();
            content.forEach((k, v) -> out.put(k, SecretContent.decode(v)));
            return out;
        }
        boolean raw = key.endsWith("#base64");
        String bare = raw ? key.substring(0, key.length() - "#base64".length()) : key;
        String value = content.get(bare);
        if (value == null) {
            throw ToolException.failure("secret key value " + ToolCall.goQuote(bare) + " not found");
        }
        return raw ? value : SecretContent.decode(value);
    }

    private static Secret byUri(ToolCall call, String uri) throws ToolException {
        String id = SecretTools.idOf(uri);
        return call.model().secret(id).orElseThrow(() -> ToolException.failure("secret " + ToolCall.goQuote(id)
                + " not found"));
    }

    /** A secret the unit owns with owner label {@code label}, or one it consumes under that consumer label. */
    private static Optional<Secret> byLabel(ToolCall call, String label) {
        Unit unit = call.unit();
        return call.model().secrets().stream()
                .filter(s -> (s.isOwnedBy(unit) && s.label().equals(label))
                        || label.equals(s.consumerLabel(unit.name())))
                .findFirst();
    }

    /**
     * The secrets whose metadata the unit sees (secret-ids, secret-info-get): those it owns, plus the
     * application's when it is the leader; then the ones this hook added.
     */
    private static List<Secret> ownedMetadata(ToolCall call) {
        Unit unit = call.unit();
        boolean leader = call.ctx().isLeader();
        return call.model().secrets().stream()
                .filter(s -> s.isOwnedBy(unit) && (s.ownerUnit().isPresent() || leader)).toList();
    }

    private static Object ids(ToolCall call) throws ToolException {
        call.noMoreArgs(0);
        List<String> out = new ArrayList<>();
        ownedMetadata(call).forEach(s -> out.add(s.id()));
        out.addAll(call.ctx().secrets().createdIds());
        out.sort(null);
        return out;
    }

    private static Object info(ToolCall call) throws ToolException {
        String uri = call.args().isEmpty() ? null : call.args().get(0);
        String id = uri == null ? null : SecretTools.idOf(uri);
        String label = call.value("label");
        if (uri == null && label == null) {
            throw ToolException.usage("require either a secret URI or label");
        }
        if (uri != null && label != null) {
            throw ToolException.usage("specify either a secret URI or label but not both");
        }
        call.noMoreArgs(1);
        Secret secret = ownedMetadata(call).stream()
                .filter(s -> id != null ? s.id().equals(id) : s.label().equals(label)).findFirst()
                .orElseThrow(() -> ToolException.failure("secret " + ToolCall.goQuote(id != null ? id : label)
                        + " not found"));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("revision", secret.latestRevision());
        info.put("label", secret.label());
        info.put("owner", secret.ownerKind());
        if (!secret.description().isEmpty()) {
            info.put("description", secret.description());
        }
        if (!secret.rotation().isEmpty()) {
            info.put("rotation", secret.rotation());
        }
        if (secret.expiry() != null) {
            info.put("expiry", secret.expiry().toString());
        }
        List<Object> access = new ArrayList<>();
        for (SecretGrant g : secret.grants()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("target", UnitNames.isUnitName(g.subject()) ? UnitNames.tag(g.subject()) : "application-" + g.subject());
            a.put("scope", call.model().relation(g.relationId())
                    .map(r -> "relation-" + r.key().replace(':', '.').replace(' ', '#')).orElse(""));
            a.put("role", "view");
            access.add(a);
        }
        if (!access.isEmpty()) {
            info.put("access", access);
        }
        return Map.of(secret.id(), info);
    }
}
