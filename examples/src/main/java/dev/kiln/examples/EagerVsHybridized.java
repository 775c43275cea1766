package dev.kiln.examples;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridBlock;
import dev.kiln.ndarray.NDArray;

import static dev.kiln.op.surface.ND.nd;

/**
 * One input through a block twice in predict mode, first eagerly and then after {@code hybridize()}, so an example
 * can show that the compiled graph computes what the eager code does.
 *
 * @param eager      the output before hybridizing
 * @param hybridized the output of the compiled graph
 */
public record EagerVsHybridized(NDArray eager, NDArray hybridized) {
    /** Calls {@code block} on {@code x}, hybridizes it, and calls it again. */
    public static EagerVsHybridized run(HybridBlock block, NDArray x) {
        try (var predict = Autograd.predictMode()) {
            NDArray eager = block.call(x);
            block.hybridize();
            return new EagerVsHybridized(eager, block.call(x));
        }
    }

    /** The largest absolute difference between the two outputs. */
    public double maxDifference() {
        return nd.max(nd.abs(nd.elemwiseSub(eager, hybridized))).getDouble(0);
    }
}
