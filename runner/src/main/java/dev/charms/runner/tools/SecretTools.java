package dev.charms.runner.tools;

import dev.charms.runner.model.Relation;
import dev.charms.runner.model.Secret;
import dev.charms.runner.model.Unit;
import dev.charms.runner.model.UnitNames;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** secret-add, secret-set, secret-remove, secret-grant and secret-revoke: owner-side writes, buffered. */
final class SecretTools {
    private static final Pattern APP = Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*");
    private static final Pattern URI = Pattern.compile("(?:secret:(?://[0-9a-f-]+/)?)?([0-9a-v]{20})");
    private SecretTools() {
    }

    static List<ToolSpec> specs() {
        return List.of(
                ToolSpec.of("secret-add", metaFlags(), SecretTools::add),
                ToolSpec.of("secret-set", metaFlags(), SecretTools::set),
                ToolSpec.of("secret-remove", new Flags().value("revision"), SecretTools::remove),
                ToolSpec.of("secret-grant", new Flags().value("r", "relation").value("unit"), SecretTools::grant),
                ToolSpec.of("secret-revoke", new Flags().value("r", "relation").value("app", "application")
                        .value("unit"), SecretTools::revoke));
    }

    private static Flags metaFlags() {
        return new Flags().value("label").value("description").value("expire").value("rotate").value("file")
                .value("owner");
    }

    private static PendingSecrets.Meta meta(ToolCall call) throws ToolException {
        return new PendingSecrets.Meta(call.value("label"), call.value("description"),
                SecretContent.expiry(call.value("expire")), SecretContent.rotation(call.value("rotate")));
    }

    private static Object add(ToolCall call) throws ToolException {
        if (call.args().isEmpty() && call.value("file") == null) {
            throw ToolException.usage("missing secret value or filename");
        }
        PendingSecrets.Meta meta = meta(call);
        String owner = call.value("owner") == null ? "application" : call.value("owner");
        if (!owner.equals("application") && !owner.equals("unit")) {
            throw ToolException.usage("secret owner " + ToolCall.goQuote(owner) + " not valid");
        }
        Map<String, String> content = SecretContent.parse(call, call.args(), call.value("file"));
        if (content.isEmpty()) {
            throw ToolException.failure("empty secret value not valid");
        }
        Unit unit = call.unit();
        if (owner.equals("application") && !call.ctx().isLeader()) {
            throw ToolException.failure("this unit is not the leader");
        }
        String ownerUnit = owner.equals("unit") ? unit.name() : null;
        if (meta.label() != null) {
            checkLabelFree(call, meta.label(), null);
        }
        String id = call.model().newSecretId();
        call.ctx().secrets().create(id, unit.applicationName(), ownerUnit, meta, content);
        return "secret:" + id + "\n";
    }

    private static void checkLabelFree(ToolCall call, String label, String exceptId) throws ToolException {
        for (Secret s : call.model().secrets()) {
            if (s.isOwnedBy(call.unit()) && s.label().equals(label) && !s.id().equals(exceptId)) {
                throw ToolException.failure("secret with label " + ToolCall.goQuote(label) + " already exists");
            }
        }
        PendingSecrets pending = call.ctx().secrets();
        for (String id : pending.createdIds()) {
            if (!id.equals(exceptId) && pending.pendingLabel(id).map(label::equals).orElse(false)) {
                throw ToolException.failure("secret with label " + ToolCall.goQuote(label) + " already exists");
            }
        }
    }

    /**
     * The id of secret {@code uri} that the calling unit may change: it must exist (or have been added in
     * this hook) and be owned by the unit or, if application-owned, the unit must be the leader.
     */
    static String ownedForWrite(ToolCall call, String uri) throws ToolException {
        String id = idOf(uri);
        if (call.ctx().secrets().createdIds().contains(id)) {
            return id;
        }
        Secret s = call.model().secret(id).orElseThrow(() -> ToolException.failure("secret "
                + ToolCall.goQuote(id) + " not found"));
        if (!s.isOwnedBy(call.unit())) {
            throw ToolException.failure("permission denied");
        }
        if (s.ownerUnit().isEmpty() && !call.ctx().isLeader()) {
            throw ToolException.failure("this unit is not the leader");
        }
        return id;
    }

    /**
     * The id part of {@code secret:<id>}, {@code secret://<model-uuid>/<id>} or a bare id; anything else is
     * {@code secret URI "x" not valid} (exit 2).
     */
    static String idOf(String uri) throws ToolException {
        Matcher m = URI.matcher(uri);
        if (!m.matches()) {
            throw ToolException.usage("secret URI " + ToolCall.goQuote(uri) + " not valid");
        }
        return m.group(1);
    }

    private static Object set(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("missing secret URI");
        }
        idOf(call.args().get(0));
        PendingSecrets.Meta meta = meta(call);
        String owner = call.value("owner");
        if (owner != null && !owner.equals("application") && !owner.equals("unit")) {
            throw ToolException.usage("secret owner " + ToolCall.goQuote(owner) + " not valid");
        }
        Map<String, String> content = SecretContent.parse(call, call.args().subList(1, call.args().size()),
                call.value("file"));
        String id = ownedForWrite(call, call.args().get(0));
        if (meta.label() != null) {
            checkLabelFree(call, meta.label(), id);
        }
        call.ctx().secrets().update(id, meta, content.isEmpty() ? null : content);
        return null;
    }

    private static Object remove(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("missing secret URI");
        }
        call.noMoreArgs(1);
        Integer revision = null;
        if (call.value("revision") != null) {
            try {
                revision = Integer.parseInt(call.value("revision"));
            } catch (NumberFormatException e) {
                throw ToolException.usage("invalid value " + ToolCall.goQuote(call.value("revision"))
                        + " for option --revision: parse error");
            }
        }
        String id = ownedForWrite(call, call.args().get(0));
        call.ctx().secrets().remove(id, revision);
        return null;
    }

    private static Object grant(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("missing secret URI");
        }
        idOf(call.args().get(0));
        Relation rel = Optional.ofNullable(call.relationFlag())
                .orElseThrow(() -> ToolException.usage("no relation id specified"));
        String remoteApp = rel.remoteApplication(call.unit().applicationName());
        String unit = call.value("unit");
        if (unit != null && !UnitNames.isUnitName(unit)) {
            throw ToolException.usage("unit " + ToolCall.goQuote(unit) + " not valid");
        }
        if (unit != null && !UnitNames.application(unit).equals(remoteApp)) {
            throw ToolException.usage("cannot specify unit " + ToolCall.goQuote(unit) + " in relation to application "
                    + ToolCall.goQuote(remoteApp));
        }
        call.noMoreArgs(1);
        String id = ownedForWrite(call, call.args().get(0));
        call.ctx().secrets().grant(id, rel.id(), unit != null ? unit : remoteApp);
        return null;
    }

    private static Object revoke(ToolCall call) throws ToolException {
        if (call.args().isEmpty()) {
            throw ToolException.usage("missing secret URI");
        }
        String uri = call.args().get(0);
        idOf(uri);
        String app = call.value("app");
        String unit = call.value("unit");
        if (app != null && !APP.matcher(app).matches()) {
            throw ToolException.usage("application " + ToolCall.goQuote(app) + " not valid");
        }
        if (unit != null && !UnitNames.isUnitName(unit)) {
            throw ToolException.usage("unit " + ToolCall.goQuote(unit) + " not valid");
        }
        if (app != null && unit != null) {
            throw ToolException.usage("specify only one of application or unit");
        }
        Relation rel = call.relationFlag();
        if (rel != null) {
            if (app != null) {
                throw ToolException.usage("do not specify both relation and app");
            }
            app = rel.remoteApplication(call.unit().applicationName());
        }
        if (app == null && unit == null) {
            throw ToolException.usage("missing relation or application or unit");
        }
        call.noMoreArgs(1);
        String id = ownedForWrite(call, uri);
        call.ctx().secrets().revoke(id, null, unit != null ? unit : app);
        return null;
    }
}
