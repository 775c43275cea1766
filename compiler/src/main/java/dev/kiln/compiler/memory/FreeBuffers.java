package dev.kiln.compiler.memory;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The buffers no live value occupies, by storage type and size, and the best-fit choice among them within a match
 * range (the rule of MXNet's graph allocator): the smallest free buffer of at least the requested size and at most
 * {@code range} times it, else the largest one smaller than the request and at least a {@code range}-th of it, which
 * then grows. Equal sizes are ordered by buffer id, so plans are deterministic.
 */
final class FreeBuffers {
    private static final Comparator<BufferDraft> BY_SIZE =
            Comparator.<BufferDraft>comparingLong(b -> b.elements).thenComparingInt(b -> b.id);

    private final int range;
    private final Map<Class<?>, TreeSet<BufferDraft>> free = new HashMap<>();

    FreeBuffers(int range) {
        this.range = range;
    }

    /** Makes {@code b} available to later values. */
    void release(BufferDraft b) {
        free.computeIfAbsent(b.storage(), k -> new TreeSet<>(BY_SIZE)).add(b);
    }

    /** Takes the best free buffer of {@code storage} type for {@code n} elements, or returns null if none fits. */
    BufferDraft take(Class<?> storage, long n) {
        TreeSet<BufferDraft> set = free.get(storage);
        if (set == null || set.isEmpty()) {
            return null;
        }
        BufferDraft probe = new BufferDraft(-1, null, null);
        probe.elements = n;
        BufferDraft best = set.ceiling(probe);
        if (best == null || best.elements > (n > Long.MAX_VALUE / range ? Long.MAX_VALUE : n * range)) {
            best = set.lower(probe);
            if (best != null && best.elements < n / range) {
                best = null;
            }
        }
        if (best != null) {
            set.remove(best);
        }
        return best;
    }
}
