package dev.charms.etcd;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of some strings, for remembering between hooks that a CSR, certificate or credential set was
 * already checked, so steady-state hooks need not load BouncyCastle or the CA key at all.
 */
final class Fingerprint {
    private Fingerprint() {
    }

    static String of(String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                md.update((p == null ? "" : p).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether {@code stored[key]} records that {@code basis} was checked and is still good now. */
    static boolean checkedAndFresh(dev.charms.ops.StoredState stored, String key, String basis) {
        String checked = stored.getString(key, "");
        return checked.startsWith(basis + "@")
                && System.currentTimeMillis() < Long.parseLong(checked.substring(basis.length() + 1));
    }

    /** Records in {@code stored[key]} that {@code basis} was checked and stays good until {@code untilMillis}. */
    static void recordChecked(dev.charms.ops.StoredState stored, String key, String basis, long untilMillis) {
        stored.put(key, basis + "@" + untilMillis);
    }
}
