package dev.charms.runner.model;

import dev.charms.charmfiles.Storage;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A storage directive as Juju's {@code --storage name=...} spells it: comma-separated pool, count and size
 * in any order (an integer is the count, a number with a suffix M, G, T, P or E the size, anything else
 * the pool). The local runner's pools: {@code tmpfs} (the default), a file system of exactly the size
 * mounted at the storage's location inside the unit's machine, and {@code rootfs}, a directory on the
 * machine's root file system (the size is not enforced, as with Juju's rootfs pool).
 *
 * @param pool   {@code tmpfs} or {@code rootfs}
 * @param count  instances (1 unless given)
 * @param sizeMb size in MiB (the charm's {@code minimum-size}, else 1 GiB, unless given)
 */
public record StorageDirective(String pool, int count, long sizeMb) {
    public static final String TMPFS = "tmpfs";
    public static final String ROOTFS = "rootfs";
    private static final Pattern COUNT = Pattern.compile("[0-9]+");
    private static final Pattern SIZE = Pattern.compile("[0-9]+(\\.[0-9]+)?[MGTPE](i?B)?");
    private static final long DEFAULT_SIZE_MB = 1024;

    /** Parses and checks every directive against the charm's storage; nothing is changed on error. */
    public static Map<String, StorageDirective> parseAll(Map<String, String> directives, String charmName,
                                                  Map<String, Storage> declared) {
        Map<String, StorageDirective> out = new LinkedHashMap<>();
        directives.forEach((name, text) -> {
            Storage storage = declared.get(name);
            if (storage == null) {
                throw new ModelException("charm storage \"" + name + "\" not found");
            }
            out.put(name, parse(text, storage).checkedAgainst(charmName, storage));
        });
        return out;
    }

    public static StorageDirective parse(String text, Storage storage) {
        String pool = null;
        Integer count = null;
        Long size = null;
        for (String field : text.split(",", -1)) {
            String f = field.strip();
            if (f.isEmpty()) {
                throw new ModelException("cannot parse storage directive \"" + text + "\": empty field");
            }
            if (COUNT.matcher(f).matches()) {
                if (count != null) {
                    throw new ModelException("cannot parse storage directive \"" + text + "\": more than one count");
                }
                count = Integer.parseInt(f);
            } else if (SIZE.matcher(f.toUpperCase(Locale.ROOT)).matches()) {
                if (size != null) {
                    throw new ModelException("cannot parse storage directive \"" + text + "\": more than one size");
                }
                size = Storage.parseSizeMb(f.toUpperCase(Locale.ROOT));
            } else {
                if (pool != null) {
                    throw new ModelException("cannot parse storage directive \"" + text + "\": more than one pool");
                }
                pool = f;
            }
        }
        if (pool != null && !pool.equals(TMPFS) && !pool.equals(ROOTFS)) {
            throw new ModelException("storage pool \"" + pool + "\" not found (the local runner has tmpfs and rootfs)");
        }
        long defaultSize = storage.minimumSizeMb() > 0 ? storage.minimumSizeMb() : DEFAULT_SIZE_MB;
        return new StorageDirective(pool == null ? TMPFS : pool, count == null ? Math.max(1, storage.minCount()) : count,
                size == null ? defaultSize : size);
    }

    private StorageDirective checkedAgainst(String charmName, Storage storage) {
        String what = "charm \"" + charmName + "\" store \"" + storage.name() + "\"";
        if (count < storage.minCount() || (storage.maxCount() >= 0 && count > storage.maxCount())) {
            String range = storage.maxCount() < 0 ? storage.minCount() + "+" : storage.minCount() + "-" + storage.maxCount();
            throw new ModelException(what + ": " + count + " instances requested, the charm allows " + range);
        }
        if (count > 0 && sizeMb < storage.minimumSizeMb()) {
            throw new ModelException(what + ": minimum storage size is " + humanBytes(storage.minimumSizeMb())
                    + ", " + humanBytes(sizeMb) + " specified");
        }
        if (count > 0 && pool.equals(TMPFS) && !"filesystem".equals(storage.type())) {
            throw new ModelException(what + ": the tmpfs pool gives filesystem storage only, not " + storage.type());
        }
        return this;
    }

    /** Whether the unit gets a file system of its own at the storage's location. */
    public boolean mountsFileSystem() {
        return pool.equals(TMPFS) && count > 0;
    }

    /** MiB as Juju prints them in this message (go-humanize's SI units: 1024 MiB is "1.1 GB"). */
    static String humanBytes(long mb) {
        double bytes = mb * 1024.0 * 1024.0;
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        int i = 0;
        while (bytes >= 1000 && i < units.length - 1) {
            bytes /= 1000;
            i++;
        }
        return (bytes < 10 ? String.format(Locale.ROOT, "%.1f", bytes) : String.format(Locale.ROOT, "%.0f", Math.floor(bytes)))
                + " " + units[i];
    }
}
