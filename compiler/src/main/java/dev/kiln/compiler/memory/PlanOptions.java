package dev.kiln.compiler.memory;

import dev.kiln.KilnException;

/**
 * How {@link MemoryPlanner} assigns values to buffers.
 *
 * @param matchRange     how far a freed buffer's size may be from a request and still be reused: a request for
 *                       {@code n} elements takes a free buffer of {@code n} to {@code n * matchRange} elements (the
 *                       smallest first) or, failing that, of {@code n / matchRange} to {@code n} (the largest first,
 *                       grown to {@code n}); 1 reuses only buffers of exactly the requested size, so every value can
 *                       be viewed as an array of its own shape (MXNet's {@code NNVM_EXEC_MATCH_RANGE}, default 16)
 * @param reuse          whether a buffer freed after its last reader is given to a later value
 * @param inPlace        whether an op's output may take an input's buffer as the op declares
 *                       ({@link dev.kiln.op.OpDef#inPlaceOptions})
 * @param outputsInArena whether graph outputs are planned like every other value, inside the buffers allocated once;
 *                       the executor must then copy them out before the next run. False (the default) gives each graph
 *                       output a buffer of its own that the executor allocates afresh per run and hands out as is
 * @param backwardFrom   the first node of a part that may run again on the same forward values (a backward run again
 *                       for {@code retainGraph}); values computed before it and read from it on are kept to the end, so
 *                       that part never overwrites them; 0 for none
 * @param searchRange    whether to plan with every power-of-two match range up to {@code matchRange} and keep the
 *                       plan of fewest bytes, the smaller range on ties (MXNet's {@code NNVM_AUTO_SEARCH_MATCH_RANGE});
 *                       the chosen plan's options name the range it used
 */
public record PlanOptions(int matchRange, boolean reuse, boolean inPlace, boolean outputsInArena, int backwardFrom,
                          boolean searchRange) {
    /** MXNet's default match range. */
    public static final int DEFAULT_MATCH_RANGE = 16;

    public PlanOptions {
        if (matchRange < 1) {
            throw new KilnException("memory plan: match range must be at least 1, got " + matchRange);
        }
        if (backwardFrom < 0) {
            throw new KilnException("memory plan: backwardFrom must be a node index >= 0, got " + backwardFrom);
        }
    }

    /** Reuse with MXNet's match range, in place where ops allow, graph outputs in buffers of their own. */
    public static PlanOptions defaults() {
        return new PlanOptions(DEFAULT_MATCH_RANGE, true, true, false, 0, false);
    }

    /** Every value in its own buffer, as eager execution and the reference interpreter allocate. */
    public static PlanOptions noReuse() {
        return new PlanOptions(1, false, false, false, 0, false);
    }

    /** These options with buffers reused only at exactly the requested size (match range 1). */
    public PlanOptions exactSizes() {
        return withMatchRange(1);
    }

    public PlanOptions withMatchRange(int range) {
        return new PlanOptions(range, reuse, inPlace, outputsInArena, backwardFrom, searchRange);
    }

    public PlanOptions withReuse(boolean on) {
        return new PlanOptions(matchRange, on, inPlace, outputsInArena, backwardFrom, searchRange);
    }

    public PlanOptions withInPlace(boolean on) {
        return new PlanOptions(matchRange, reuse, on, outputsInArena, backwardFrom, searchRange);
    }

    public PlanOptions withOutputsInArena(boolean on) {
        return new PlanOptions(matchRange, reuse, inPlace, on, backwardFrom, searchRange);
    }

    public PlanOptions withBackwardFrom(int node) {
        return new PlanOptions(matchRange, reuse, inPlace, outputsInArena, node, searchRange);
    }

    /** These options searching the match ranges 1, 2, 4, ... up to {@link #matchRange} for the smallest plan. */
    public PlanOptions searchingRanges() {
        return new PlanOptions(matchRange, reuse, inPlace, outputsInArena, backwardFrom, true);
    }
}
