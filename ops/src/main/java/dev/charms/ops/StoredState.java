package dev.charms.ops;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-unit state that survives between hooks (a JSON file beside the charm, like ops' unit state). It
 * is saved only when the hook succeeds, atomically, so a failed hook leaves the previous state intact.
 * A corrupt file is reported by path and never overwritten.
 */
public final class StoredState {
    private final Path file;
    private final Map<String, Object> values;
    private final java.util.function.Consumer<Map<String, Object>> onSave;
    private boolean dirty;

    private StoredState(Path file, Map<String, Object> values, java.util.function.Consumer<Map<String, Object>> onSave) {
        this.file = file;
        this.values = values;
        this.onSave = onSave;
    }

    /** A state kept only in memory (tests). */
    public static StoredState inMemory(Map<String, Object> initial) {
        return new StoredState(null, new LinkedHashMap<>(initial), null);
    }

    /** A state kept in memory whose {@link #save} hands a copy of the values to {@code onSave} (the test harness's "file"). */
    public static StoredState inMemory(Map<String, Object> initial, java.util.function.Consumer<Map<String, Object>> onSave) {
        return new StoredState(null, new LinkedHashMap<>(initial), onSave);
    }

    @SuppressWarnings("unchecked")
    public static StoredState load(Path file) {
        try {
            String text = Files.readString(file);
            Object parsed = Json.parse(text);
            if (!(parsed instanceof Map<?, ?>)) {
                throw new IllegalStateException("stored state " + file + " is corrupt: not a JSON object");
            }
            return new StoredState(file, new LinkedHashMap<>((Map<String, Object>) parsed), null);
        } catch (NoSuchFileException e) {
            return new StoredState(file, new LinkedHashMap<>(), null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read stored state " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("stored state " + file + " is corrupt (" + e.getMessage()
                    + "); move it aside to start afresh");
        }
    }

    public Object get(String key) {
        return values.get(key);
    }

    public String getString(String key, String fallback) {
        return values.get(key) instanceof String s ? s : fallback;
    }

    public long getLong(String key, long fallback) {
        return values.get(key) instanceof Number n ? n.longValue() : fallback;
    }

    public boolean getBoolean(String key) {
        return Boolean.TRUE.equals(values.get(key));
    }

    /** Sets a value (string, number, boolean, list or map of those); null removes the key. */
    public void put(String key, Object value) {
        Object old = value == null ? values.remove(key) : values.put(key, value);
        if (!java.util.Objects.equals(old, value)) {
            dirty = true;
        }
    }

    /** A read-only copy of the top-level values (a JSON null loaded from the file is kept as null). */
    public Map<String, Object> snapshot() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean isDirty() {
        return dirty;
    }

    /** Writes the state if anything changed (temp file, 0600, rename). */
    public void save() {
        if (!dirty || file == null) {
            if (dirty && onSave != null) {
                onSave.accept(new LinkedHashMap<>(values));
            }
            dirty = false;
            return;
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Json.write(values));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            dirty = false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot save stored state " + file + ": " + e.getMessage());
        }
    }
}
