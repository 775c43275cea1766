package dev.kiln.op;

import dev.kiln.ndarray.NDArray;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A value an op derives from its weight input, kept by the caller from one call to the next. A compiled inference
 * graph gives each fused convolution one, and a convolution that runs as Winograd's F(2x2, 3x3) keeps its transformed
 * filters here instead of transforming the weight in every call. The kept value is reused for the same weight array
 * object with the same {@link NDArray#mutationCount()} and an equal key (what the value was derived for): the
 * contract under which inference graphs already reuse values computed from parameters, so writes through
 * {@link NDArray#data()} that skip {@link NDArray#markMutated()} are not seen. One value at a time, replaced whole;
 * safe to share between threads.
 */
public final class DerivedWeights {
    private record Kept(NDArray weight, long mutations, Object key, Object value) {
    }

    private volatile Kept kept;
    private final AtomicInteger derivations = new AtomicInteger();

    /**
     * The value derived from {@code weight} for {@code key}: the kept one while {@code weight} is the same array,
     * unwritten since, and the key is equal; otherwise {@code derive}'s result, which is then kept (unless the weight
     * was written while it was derived). {@code derive} must return a value that nothing else writes.
     */
    @SuppressWarnings("unchecked")
    public <T> T get(NDArray weight, Object key, Supplier<T> derive) {
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(key, "key");
        long mutations = weight.mutationCount();
        Kept k = kept;
        if (k != null && k.weight == weight && k.mutations == mutations && k.key.equals(key)) {
            return (T) k.value;
        }
        T value = derive.get();
        derivations.incrementAndGet();
        if (weight.mutationCount() == mutations) {
            kept = new Kept(weight, mutations, key, value);
        }
        return value;
    }

    /** How many times a value was derived rather than reused (for tests and diagnostics). */
    public int derivations() {
        return derivations.get();
    }
}
