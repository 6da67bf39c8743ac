package dev.charms.etcd.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An object store in memory, as S3 behaves for the calls {@link Backups} makes: a put is whole or
 * absent. {@link #failPutsOf} makes the puts of keys ending so fail, as a cut connection would.
 */
final class InMemoryObjectStore implements ObjectStore {
    record Obj(byte[] data, Map<String, String> meta) {
    }

    final TreeMap<String, Obj> objects = new TreeMap<>();
    String failPutsOf = null;
    boolean failDeletes = false;

    @Override
    public List<Entry> list(String prefix) {
        List<Entry> out = new ArrayList<>();
        objects.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.add(new Entry(k, v.data.length, Instant.EPOCH));
            }
        });
        return out;
    }

    @Override
    public void put(String key, Path file, Map<String, String> metadata) {
        failIfAsked(key);
        try {
            objects.put(key, new Obj(Files.readAllBytes(file), Map.copyOf(metadata)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void putText(String key, String text) {
        failIfAsked(key);
        objects.put(key, new Obj(text.getBytes(StandardCharsets.UTF_8), Map.of()));
    }

    private void failIfAsked(String key) {
        if (failPutsOf != null && key.endsWith(failPutsOf)) {
            throw new ObjectStoreException("cannot upload " + key + ": the object store did not answer (connection reset)");
        }
    }

    @Override
    public Optional<Map.Entry<Long, Map<String, String>>> head(String key) {
        Obj o = objects.get(key);
        return o == null ? Optional.empty() : Optional.of(Map.entry((long) o.data.length, o.meta));
    }

    @Override
    public Optional<String> getText(String key) {
        Obj o = objects.get(key);
        return o == null ? Optional.empty() : Optional.of(new String(o.data, StandardCharsets.UTF_8));
    }

    @Override
    public InputStream get(String key) {
        Obj o = objects.get(key);
        if (o == null) {
            throw new ObjectStoreException("cannot download " + key + ": HTTP 404 NoSuchKey");
        }
        return new ByteArrayInputStream(o.data);
    }

    @Override
    public void delete(String key) {
        if (failDeletes) {
            throw new ObjectStoreException("cannot delete " + key + ": the object store did not answer");
        }
        objects.remove(key);
    }

    @Override
    public void close() {
    }
}
