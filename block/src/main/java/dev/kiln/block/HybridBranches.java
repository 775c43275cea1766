package dev.kiln.block;

import dev.kiln.parameter.ParameterDict;

/**
 * What the hybrid containers of side-by-side branches ({@link HybridConcatenate}, {@link Parallel}) share: adding,
 * indexing and counting their children. Self-typed so {@code add} returns the concrete container.
 *
 * @param <S> the concrete container
 */
abstract class HybridBranches<S extends HybridBranches<S>> extends HybridBlock {

    HybridBranches(String prefix, ParameterDict params) {
        super(prefix, params);
    }

    /** Appends hybrid blocks, registered as {@code "0"}, {@code "1"}, ...; returns this container. */
    @SuppressWarnings("unchecked")
    public S add(HybridBlock... blocks) {
        for (HybridBlock b : blocks) {
            registerChild(b);
        }
        return (S) this;
    }

    /** The child at {@code index} (negative counts from the end). */
    public HybridBlock get(int index) {
        return (HybridBlock) Containers.get(this, index);
    }

    public int size() {
        return children().size();
    }
}
