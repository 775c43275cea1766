package dev.kiln.op;

import dev.kiln.ndarray.NDArray;

import java.util.function.IntFunction;

/**
 * The planned outputs of an {@link Invocation} from an executor that also knows which outputs nothing reads (MXNet's
 * {@code kNullOp} request): a kernel may then skip computing such an output, as the convolution backward skips the
 * data gradient of a first layer, whose data needs none.
 */
public interface OutputPlan extends IntFunction<NDArray> {
    /** True if nothing reads output {@code i}: its values may be left unspecified. */
    boolean isUnused(int i);
}
