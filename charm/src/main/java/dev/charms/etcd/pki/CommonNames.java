package dev.charms.etcd.pki;

/** Validation of certificate subject common names. */
final class CommonNames {
    private static final int MAX_LENGTH = 64;

    private CommonNames() {
    }

    /**
     * Returns {@code commonName} stripped of surrounding blanks.
     *
     * @throws PkiException if it is empty, longer than 64 characters or contains control characters
     */
    static String validate(String commonName) {
        if (commonName == null || commonName.isBlank()) {
            throw new PkiException("invalid common name: empty");
        }
        String name = commonName.strip();
        if (name.length() > MAX_LENGTH) {
            throw new PkiException("invalid common name: longer than " + MAX_LENGTH + " characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new PkiException("invalid common name: contains control characters");
        }
        return name;
    }
}
