package dev.kiln.random;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.Ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Base of the random ops. An eager call ({@link Ops}) draws from the global generator ({@link Random#global()});
 * {@link #invokeWith} runs the same definition with an explicit {@link Generator}.
 */
public abstract class RandomOp extends OpDef {

    RandomOp(String name, List<String> inputs, List<AttrSpec<?>> attrs, String... aliases) {
        super(name, OpFamily.RANDOM, inputs, attrs, aliases);
    }

    @Override
    public final List<NDArray> compute(Invocation call) {
        return draw(Random.global(), call);
    }

    /** Computes the outputs of {@code call} with values from {@code generator}. */
    abstract List<NDArray> draw(Generator generator, Invocation call);

    /**
     * Applies this op to {@code inputs} drawing from {@code generator}: the same checks and inference as an eager
     * call, then the kernel.
     */
    public final List<NDArray> invokeWith(Generator generator, Map<String, ?> rawAttrs, NDArray... inputs) {
        Attrs attrs = attrs(rawAttrs);
        List<String> names = inputNames(attrs);
        if (inputs.length != names.size()) {
            throw error("expects " + names.size() + " inputs " + names + ", got " + inputs.length);
        }
        List<Shape> shapes = new ArrayList<>();
        List<DType> types = new ArrayList<>();
        Device device = Device.cpu();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw error("input '" + names.get(i) + "' is null");
            }
            shapes.add(inputs[i].shape());
            types.add(inputs[i].dtype());
            device = inputs[0].device();
        }
        List<DType> outTypes = inferTypes(attrs, types);
        List<Shape> outShapes = inferShapes(attrs, shapes);
        return draw(generator, new Invocation(this, attrs, List.of(inputs), outShapes, outTypes, device));
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    /** Sampling has no gradient at all: backward through a draw is an error, as in MXNet. */
    @Override
    public boolean hasZeroGradient() {
        return false;
    }
}
