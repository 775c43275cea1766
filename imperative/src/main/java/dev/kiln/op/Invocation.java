package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.List;

/**
 * One checked application of an op, as its kernel sees it: attributes, inputs, and the output shapes and dtypes that
 * inference already computed, so a kernel only allocates and fills.
 */
public record Invocation(OpDef op, Attrs attrs, List<NDArray> inputs, List<Shape> outputShapes,
                         List<DType> outputTypes, Device device) {

    public NDArray input(int i) {
        return inputs.get(i);
    }

    public <T> T attr(AttrSpec<T> spec) {
        return attrs.get(spec);
    }

    /** A zero-filled array for output {@code i}, with its inferred shape and dtype on the call's device. */
    public NDArray newOutput(int i) {
        return NDArray.zeros(outputShapes.get(i), outputTypes.get(i), device);
    }

    /** Wraps a filled backing array as output {@code i}. */
    public NDArray wrapOutput(int i, Object data) {
        return NDArray.wrap(outputShapes.get(i), outputTypes.get(i), device, data);
    }
}
