package dev.charms.ops.testing;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Juju secret as this unit sees it: who owns it, its label, the content of every revision (revision
 * {@code n} is {@code revisions.get(n - 1)}) and the revision this unit tracks (0: never read; a consumer's
 * first {@code secret-get} pins the latest, {@code --refresh} moves to the latest).
 */
public record Secret(String id, Owner owner, String label, String description,
                     List<Map<String, String>> revisions, int trackedRevision) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID_CHARS = "0123456789abcdefghijklmnopqrstuv";

    /** Who owns the secret, seen from this unit. */
    public enum Owner {
        /** Owned by this unit's application: every unit may read it, only the leader may change it. */
        APPLICATION,
        /** Owned by this unit. */
        UNIT,
        /** Owned by another application and granted to this unit. */
        OTHER_APP
    }

    public Secret {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        if (!id.startsWith("secret:")) {
            throw new IllegalArgumentException("secret id '" + id + "' does not start with 'secret:'");
        }
        if (revisions.isEmpty()) {
            throw new IllegalArgumentException("secret " + id + " has no revision");
        }
        List<Map<String, String>> copy = new ArrayList<>();
        revisions.forEach(r -> copy.add(Copies.bag(r, "secret content")));
        revisions = List.copyOf(copy);
        if (trackedRevision < 0 || trackedRevision > revisions.size()) {
            throw new IllegalArgumentException("secret " + id + " tracks revision " + trackedRevision + " but has "
                    + revisions.size());
        }
    }

    /** A secret owned by this unit or its application, with one revision. */
    public static Secret owned(Owner owner, String label, Map<String, String> content) {
        return new Secret(newId(), owner, label, null, List.of(content), 1);
    }

    /** Another application's secret granted to this unit, never read yet. */
    public static Secret granted(String label, Map<String, String> content) {
        return new Secret(newId(), Owner.OTHER_APP, label, null, List.of(content), 0);
    }

    /** A fresh id in Juju's form: {@code secret:} and 20 base32 characters. */
    public static String newId() {
        StringBuilder sb = new StringBuilder("secret:");
        for (int i = 0; i < 20; i++) {
            sb.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
        }
        return sb.toString();
    }

    /** The same secret with one more revision (as when its owner runs {@code secret-set}). */
    public Secret withNewRevision(Map<String, String> content) {
        List<Map<String, String>> more = new ArrayList<>(revisions);
        more.add(content);
        return new Secret(id, owner, label, description, more, trackedRevision);
    }

    public Secret withTrackedRevision(int revision) {
        return new Secret(id, owner, label, description, revisions, revision);
    }

    public Secret withLabel(String newLabel) {
        return new Secret(id, owner, newLabel, description, revisions, trackedRevision);
    }

    public int latestRevision() {
        return revisions.size();
    }

    public Map<String, String> latestContent() {
        return revisions.get(revisions.size() - 1);
    }

    public boolean ownedHere() {
        return owner != Owner.OTHER_APP;
    }
}
