package dev.kiln.op;

/**
 * Work an {@link EpilogueOp} runs on its output while the output is being produced: called once per disjoint range
 * {@code [from, to)} of the output's backing array ({@code float[]} or {@code double[]}) as soon as the elements of
 * that range hold their final values, so the range is still in cache. Ranges may be handed over on several threads at
 * once; together they cover the whole output exactly once.
 */
@FunctionalInterface
public interface OutputEpilogue {
    void apply(Object output, int from, int to);
}
