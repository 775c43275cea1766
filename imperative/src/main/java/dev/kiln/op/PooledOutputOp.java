package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.List;

/**
 * An {@link EpilogueOp} that can pool its output image by image as each image is finished (the graph compiler fuses a
 * Pooling that alone reads a convolution and its epilogue this way): each image is pooled while it is still in cache
 * and the full-size output is never stored. The result equals the op's output, then its epilogue, then the pooling.
 * The epilogue is handed one image at a time, its offsets those of the first image, so it may only compute from the
 * output itself (no operands read by position).
 */
public interface PooledOutputOp extends EpilogueOp {
    /**
     * Whether {@link #computePooled} pools image by image for these attributes, input shapes and output dtype,
     * followed by {@code pooling} with {@code poolAttrs}; otherwise it still computes the same result, pooling the
     * whole output afterwards.
     */
    boolean poolsEachImage(Attrs attrs, List<Shape> inputs, DType dtype, OpDef pooling, Attrs poolAttrs);

    /**
     * The op's output with {@code epilogue} (unless null) run on each finished image, then pooled by {@code pooling}
     * with {@code poolAttrs}: {@code call}'s output is the pooled one, its shape the pooling's. Keeps what it derives
     * from a fixed weight in {@code derived} as {@link EpilogueOp#computeWithEpilogue} does.
     */
    NDArray computePooled(Invocation call, OutputEpilogue epilogue, DerivedWeights derived, OpDef pooling,
                          Attrs poolAttrs);
}
