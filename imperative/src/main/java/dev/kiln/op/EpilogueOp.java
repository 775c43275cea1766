package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;

/**
 * An op whose kernel can run an {@link OutputEpilogue} on its single output block by block (the graph compiler fuses
 * bias and activation chains into GEMM and convolution this way). The output equals {@link OpDef#compute}'s before
 * the epilogue touches it, and the epilogue sees every element once.
 */
public interface EpilogueOp {
    /**
     * Whether {@link #computeWithEpilogue} serves these attributes with a {@code dtype} output whose backing array
     * is the output itself (float32 or float64 and the op's native layout).
     */
    boolean acceptsEpilogue(Attrs attrs, DType dtype);

    /** The op's output, computed as {@link OpDef#compute} does, with {@code epilogue} applied to each finished range. */
    NDArray computeWithEpilogue(Invocation call, OutputEpilogue epilogue);

    /**
     * {@link #computeWithEpilogue(Invocation, OutputEpilogue)} for a caller that keeps {@code derived} from call to
     * call and promises that the weight input changes only through counted writes ({@link DerivedWeights}): the op
     * may reuse what it derived from the weight in an earlier call. Ops that derive nothing ignore it. A null
     * {@code epilogue} asks for the product alone (a caller that only keeps the derived weights).
     */
    default NDArray computeWithEpilogue(Invocation call, OutputEpilogue epilogue, DerivedWeights derived) {
        return computeWithEpilogue(call, epilogue);
    }
}
