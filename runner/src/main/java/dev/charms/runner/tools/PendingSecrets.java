package dev.charms.runner.tools;

import dev.charms.runner.model.Model;
import dev.charms.runner.model.Secret;
import dev.charms.runner.model.SecretGrant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Secret changes a hook made (add/set/remove/grant/revoke), held until the hook succeeds. */
final class PendingSecrets {
    /** Secret metadata a secret-add or secret-set gave; null fields are left as they are. */
    record Meta(String label, String description, Instant expiry, String rotation) {
    }

    private sealed interface Op permits Create, Update, Remove, Grant, Revoke {
    }

    private record Create(String id, String ownerApp, String ownerUnit, Meta meta, Map<String, String> content)
            implements Op {
    }

    private record Update(String id, Meta meta, Map<String, String> content) implements Op {
    }

    private record Remove(String id, Integer revision) implements Op {
    }

    private record Grant(String id, int relationId, String subject) implements Op {
    }

    private record Revoke(String id, Integer relationId, String subject) implements Op {
    }

    /** What applying changed. */
    record Applied(List<String> created, List<String> newRevision, List<String> removed) {
    }

    private final List<Op> ops = new ArrayList<>();

    void create(String id, String ownerApp, String ownerUnit, Meta meta, Map<String, String> content) {
        ops.add(new Create(id, ownerApp, ownerUnit, meta, Map.copyOf(content)));
    }

    void update(String id, Meta meta, Map<String, String> content) {
        ops.add(new Update(id, meta, content == null ? null : Map.copyOf(content)));
    }

    void remove(String id, Integer revision) {
        ops.add(new Remove(id, revision));
    }

    void grant(String id, int relationId, String subject) {
        ops.add(new Grant(id, relationId, subject));
    }

    void revoke(String id, Integer relationId, String subject) {
        ops.add(new Revoke(id, relationId, subject));
    }

    boolean isEmpty() {
        return ops.isEmpty();
    }

    /** Ids of secrets this hook created (not yet committed). */
    List<String> createdIds() {
        return ops.stream().filter(o -> o instanceof Create).map(o -> ((Create) o).id()).toList();
    }

    /** The label a pending create or update gives {@code id}, if any. */
    Optional<String> pendingLabel(String id) {
        String label = null;
        for (Op op : ops) {
            if (op instanceof Create c && c.id().equals(id) && c.meta().label() != null) {
                label = c.meta().label();
            } else if (op instanceof Update u && u.id().equals(id) && u.meta().label() != null) {
                label = u.meta().label();
            }
        }
        return Optional.ofNullable(label);
    }

    /** Applies every change in order; call holding the model lock. */
    Applied apply(Model model) {
        Set<String> created = new LinkedHashSet<>();
        Set<String> newRevision = new LinkedHashSet<>();
        Set<String> removed = new LinkedHashSet<>();
        for (Op op : ops) {
            if (op instanceof Create c) {
                Secret s = model.createSecret(c.id(), c.ownerApp(), c.ownerUnit());
                applyMeta(s, c.meta());
                s.addRevision(c.content());
                created.add(s.uri());
            } else if (op instanceof Update u) {
                Optional<Secret> s = model.secret(u.id());
                if (s.isEmpty()) {
                    continue;
                }
                applyMeta(s.get(), u.meta());
                int latest = s.get().latestRevision();
                if (u.content() != null && !s.get().content(latest).map(u.content()::equals).orElse(false)) {
                    s.get().addRevision(u.content());
                    if (!created.contains(s.get().uri())) {
                        newRevision.add(s.get().uri());
                    }
                }
            } else if (op instanceof Remove r) {
                model.secret(r.id()).ifPresent(s -> {
                    if (r.revision() != null) {
                        s.removeRevision(r.revision());
                    }
                    if (r.revision() == null || s.revisions().isEmpty()) {
                        model.removeSecret(s.id());
                        removed.add(s.uri());
                    }
                });
            } else if (op instanceof Grant g) {
                model.secret(g.id()).ifPresent(s -> s.grant(new SecretGrant(g.relationId(), g.subject())));
            } else if (op instanceof Revoke v) {
                model.secret(v.id()).ifPresent(s -> s.revoke(v.relationId(), v.subject()));
            }
        }
        newRevision.removeAll(removed);
        return new Applied(List.copyOf(created), List.copyOf(newRevision), List.copyOf(removed));
    }

    private static void applyMeta(Secret s, Meta meta) {
        if (meta.label() != null) {
            s.setLabel(meta.label());
        }
        if (meta.description() != null) {
            s.setDescription(meta.description());
        }
        if (meta.expiry() != null) {
            s.setExpiry(meta.expiry());
        }
        if (meta.rotation() != null) {
            s.setRotation(meta.rotation());
        }
    }
}
