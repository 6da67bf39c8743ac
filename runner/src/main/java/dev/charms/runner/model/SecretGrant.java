package dev.charms.runner.model;

/**
 * Read access to a secret, given over a relation.
 *
 * @param relationId the relation the grant was made in
 * @param subject    an application name or a unit name ({@code app/n})
 */
public record SecretGrant(int relationId, String subject) {
    /** Whether the grant lets {@code unit} read the secret. */
    public boolean covers(Unit unit) {
        return subject.equals(unit.name()) || subject.equals(unit.applicationName());
    }
}
