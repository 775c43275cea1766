package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.List;
import java.util.function.IntFunction;

/**
 * One checked application of an op, as its kernel sees it: attributes, inputs, and the output shapes and dtypes that
 * inference already computed, so a kernel only allocates and fills. An executor that plans memory may also give the
 * arrays outputs are to be written into ({@code plannedOutputs}); kernels need not know, as they get them from
 * {@link #newOutput}.
 *
 * @param plannedOutputs per output index, the array {@link #newOutput} returns instead of a new one, or {@code null}
 *                       (the function or its result) to allocate; the array has the output's shape and dtype and is
 *                       zero-filled, unless the op's in-place declaration ({@link OpDef#inPlaceOptions}) lets it be the
 *                       storage of the input it overwrites or the op declares that it fills its outputs
 *                       ({@link OpDef#fillsOutputs}: it may then hold an earlier value)
 */
public record Invocation(OpDef op, Attrs attrs, List<NDArray> inputs, List<Shape> outputShapes,
                         List<DType> outputTypes, Device device, IntFunction<NDArray> plannedOutputs) {

    /** An application whose kernel allocates every output (eager execution). */
    public Invocation(OpDef op, Attrs attrs, List<NDArray> inputs, List<Shape> outputShapes, List<DType> outputTypes,
                      Device device) {
        this(op, attrs, inputs, outputShapes, outputTypes, device, null);
    }

    public NDArray input(int i) {
        return inputs.get(i);
    }

    public <T> T attr(AttrSpec<T> spec) {
        return attrs.get(spec);
    }

    /**
     * A zero-filled array for output {@code i}, with its inferred shape and dtype on the call's device: the planned
     * one when the executor gave one, else a new one. For an op that {@link OpDef#fillsOutputs fills its outputs} a
     * planned array may hold an earlier value.
     */
    public NDArray newOutput(int i) {
        if (plannedOutputs != null) {
            NDArray planned = plannedOutputs.apply(i);
            if (planned != null) {
                return planned;
            }
        }
        return NDArray.zeros(outputShapes.get(i), outputTypes.get(i), device);
    }

    /**
     * True if the executor said nothing reads output {@code i} ({@link OutputPlan}), so the kernel may skip computing
     * it and return any array of its shape and dtype (such as {@link #newOutput}); false in eager execution.
     */
    public boolean isOutputUnused(int i) {
        return plannedOutputs instanceof OutputPlan plan && plan.isUnused(i);
    }

    /** Wraps a filled backing array as output {@code i}. */
    public NDArray wrapOutput(int i, Object data) {
        return NDArray.wrap(outputShapes.get(i), outputTypes.get(i), device, data);
    }
}
