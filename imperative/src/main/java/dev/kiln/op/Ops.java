package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.anomaly.Anomaly;
import dev.kiln.anomaly.AnomalyCheck;
import dev.kiln.autograd.Tape;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Eager execution of registered ops on NDArrays: checks inputs (count, devices), runs dtype and shape inference from
 * the op's definition, then its kernel. {@code Ops.call("FullyConnected", Map.of("num_hidden", 10), x, w, b)}. In
 * anomaly mode ({@link Anomaly}) the outputs are checked for NaN and infinity.
 */
public final class Ops {
    private Ops() {
    }

    /** Applies the op named {@code name} and returns its only output. */
    public static NDArray call(String name, Map<String, ?> attrs, NDArray... inputs) {
        return single(OpRegistry.global().get(name), invoke(name, attrs, inputs));
    }

    /** Applies the op named {@code name} with default attributes and returns its only output. */
    public static NDArray call(String name, NDArray... inputs) {
        return call(name, Map.of(), inputs);
    }

    /** Applies the op named {@code name} and returns all outputs. */
    public static List<NDArray> invoke(String name, Map<String, ?> attrs, NDArray... inputs) {
        OpDef op = OpRegistry.global().get(name);
        return invoke(op, op.attrs(attrs), Arrays.asList(inputs));
    }

    /** Applies {@code op} with checked attributes to {@code inputs} and returns its visible outputs. */
    public static List<NDArray> invoke(OpDef op, Attrs attrs, List<NDArray> inputs) {
        List<NDArray> out = invokeAll(op, attrs, inputs);
        int visible = op.numVisibleOutputs(attrs);
        return visible == out.size() ? out : out.subList(0, visible);
    }

    /**
     * Applies {@code op} and returns every output, the hidden ones (Dropout's mask) included: what a graph
     * interpreter keeps so the gradient rules can read them.
     */
    public static List<NDArray> invokeAll(OpDef op, Attrs attrs, List<NDArray> inputs) {
        List<String> names = op.inputNames(attrs);
        if (inputs.size() != names.size()) {
            throw op.error("expects " + names.size() + " inputs " + names + ", got " + inputs.size());
        }
        Device device = commonDevice(op, names, inputs);
        List<Shape> shapes = new ArrayList<>(inputs.size());
        List<DType> types = new ArrayList<>(inputs.size());
        for (NDArray a : inputs) {
            shapes.add(a.shape());
            types.add(a.dtype());
        }
        List<DType> outTypes = op.inferTypes(attrs, types);
        List<Shape> outShapes = op.inferShapes(attrs, shapes);
        List<NDArray> in = List.copyOf(inputs);
        boolean recording = OpContext.isRecording() && OpContext.setRecording(false); // kernels may call ops
        List<NDArray> out;
        try {
            out = op.compute(new Invocation(op, attrs, in, outShapes, outTypes, device));
        } finally {
            if (recording) {
                OpContext.setRecording(true);
            }
        }
        if (out.size() != outShapes.size()) {
            throw new IllegalStateException("kernel of " + op.name() + " returned " + out.size() + " outputs, inference "
                    + "said " + outShapes.size());
        }
        if (Anomaly.isEnabled()) {
            AnomalyCheck.outputs(op, attrs, in, out);
        }
        if (recording) {
            out = Tape.record(op, attrs, in, out);
        }
        return out;
    }

    /**
     * Applies a one-output op and writes the result into {@code out} (MXNet's {@code out=} argument): the result
     * must have {@code out}'s shape; values are cast to {@code out}'s dtype. Returns {@code out}.
     */
    public static NDArray into(NDArray out, String name, Map<String, ?> attrs, NDArray... inputs) {
        Tape.checkInPlace(out, name);
        NDArray result = call(name, attrs, inputs);
        if (!result.shape().equals(out.shape())) {
            throw OpRegistry.global().get(name).error("result of shape " + result.shape()
                    + " cannot be written into an array of shape " + out.shape());
        }
        return result.copyTo(out);
    }

    /** Builds an attribute map from alternating names and values: {@code attrs("axis", 1, "keepdims", true)}. */
    public static Map<String, Object> attrs(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new KilnException("attrs(...) needs name/value pairs, got " + namesAndValues.length + " items");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    private static NDArray single(OpDef op, List<NDArray> out) {
        if (out.size() != 1) {
            throw op.error("has " + out.size() + " outputs; use Ops.invoke to get all of them");
        }
        return out.get(0);
    }

    private static Device commonDevice(OpDef op, List<String> names, List<NDArray> inputs) {
        Device d = null;
        int first = -1;
        for (int i = 0; i < inputs.size(); i++) {
            NDArray a = inputs.get(i);
            if (a == null) {
                throw op.error("input '" + names.get(i) + "' is null");
            }
            if (d == null) {
                d = a.device();
                first = i;
            } else if (!d.equals(a.device())) {
                throw op.error("inputs are on different devices: '" + names.get(first) + "' on " + d + ", '"
                        + names.get(i) + "' on " + a.device() + "; copy one with copyTo(device)");
            }
        }
        return d == null ? Device.cpu() : d;
    }
}
