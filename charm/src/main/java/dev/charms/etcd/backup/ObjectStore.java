package dev.charms.etcd.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few object-store calls the backups make. {@link S3ObjectStore} is the real one; every failure is
 * an {@link ObjectStoreException} whose message names the problem (never a credential).
 */
public interface ObjectStore extends AutoCloseable {
    /**
     * One object.
     *
     * @param key its key
     * @param size its size in bytes
     * @param modified when it was last written
     */
    record Entry(String key, long size, Instant modified) {
    }

    /** Every object whose key starts with {@code prefix}. */
    List<Entry> list(String prefix);

    /** Uploads {@code file} (streamed) as {@code key} with user metadata. */
    void put(String key, Path file, Map<String, String> metadata);

    /** Uploads a small text object. */
    void putText(String key, String text);

    /** The object's size and user metadata; empty when it does not exist. */
    Optional<Map.Entry<Long, Map<String, String>>> head(String key);

    /** A small text object; empty when it does not exist. */
    Optional<String> getText(String key);

    /** Streams the object's content; the caller closes it. */
    InputStream get(String key) throws IOException;

    /** Deletes the object (no error when it does not exist). */
    void delete(String key);

    @Override
    void close();
}
