package dev.qlens.core.io.hub;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Byte ranges fetched from remote files, kept in memory up to a budget shared by all files of the process
 * and dropped least-recently-used first, so streaming a tensor chunk by chunk costs one request per
 * read-ahead span and a header read twice costs one request.
 */
final class BlockCache {
    private record Key(Object file, long start) {
    }

    private final long capacity;
    private long used;
    private final LinkedHashMap<Key, byte[]> lru = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Object, TreeMap<Long, byte[]>> byFile = new HashMap<>();

    BlockCache(long capacity) {
        this.capacity = capacity;
    }

    /**
     * Copies the cached bytes at {@code pos} (up to {@code len}) into {@code dst} and returns how many, 0 when
     * no cached span holds {@code pos}.
     */
    synchronized int copy(Object file, long pos, byte[] dst, int off, int len) {
        TreeMap<Long, byte[]> spans = byFile.get(file);
        if (spans == null) {
            return 0;
        }
        Map.Entry<Long, byte[]> e = spans.floorEntry(pos);
        if (e == null || pos >= e.getKey() + e.getValue().length) {
            return 0;
        }
        lru.get(new Key(file, e.getKey())); // touch
        int n = (int) Math.min(len, e.getKey() + e.getValue().length - pos);
        System.arraycopy(e.getValue(), (int) (pos - e.getKey()), dst, off, n);
        return n;
    }

    /** The start of the first cached span after {@code pos}, or {@code Long.MAX_VALUE}. */
    synchronized long nextStart(Object file, long pos) {
        TreeMap<Long, byte[]> spans = byFile.get(file);
        Long k = spans == null ? null : spans.higherKey(pos);
        return k == null ? Long.MAX_VALUE : k;
    }

    /** Keeps {@code data}, the bytes of {@code file} from {@code start}. */
    synchronized void put(Object file, long start, byte[] data) {
        if (data.length > capacity) {
            return;
        }
        Key k = new Key(file, start);
        byte[] old = lru.put(k, data);
        used += data.length - (old == null ? 0 : old.length);
        byFile.computeIfAbsent(file, f -> new TreeMap<>()).put(start, data);
        Iterator<Map.Entry<Key, byte[]>> it = lru.entrySet().iterator();
        while (used > capacity && it.hasNext()) {
            Map.Entry<Key, byte[]> eldest = it.next();
            it.remove();
            used -= eldest.getValue().length;
            TreeMap<Long, byte[]> spans = byFile.get(eldest.getKey().file());
            spans.remove(eldest.getKey().start());
            if (spans.isEmpty()) {
                byFile.remove(eldest.getKey().file());
            }
        }
    }

    /** Forgets every span of {@code file}. */
    synchronized void drop(Object file) {
        TreeMap<Long, byte[]> spans = byFile.remove(file);
        if (spans != null) {
            for (Map.Entry<Long, byte[]> e : spans.entrySet()) {
                lru.remove(new Key(file, e.getKey()));
                used -= e.getValue().length;
            }
        }
    }

    /** Bytes held. */
    synchronized long used() {
        return used;
    }
}
