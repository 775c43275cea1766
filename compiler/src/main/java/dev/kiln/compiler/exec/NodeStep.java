package dev.kiln.compiler.exec;

import dev.kiln.KilnException;
import dev.kiln.graph.NodeExecutionException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;

import java.util.Arrays;
import java.util.List;

/**
 * One op node resolved for one signature: its op and parsed attributes, the output shapes and dtypes inference gave,
 * and the frame slots it reads and writes. {@link #run} only gathers the inputs, calls the kernel with the planned
 * output arrays, and stores the outputs, as {@link dev.kiln.graph.Interpreter} would after its per-call checks. A
 * record, so HotSpot trusts its fields as constants when the generated program's static final field holds it.
 *
 * @param name        the node's name, for errors
 * @param node        the node's index in the graph
 * @param op          the op
 * @param attrs       its attributes
 * @param outputShapes the output shapes, as the op's inference gives them for the input shapes
 * @param outputTypes the output dtypes
 * @param inputs      the slot of each input
 * @param firstOutput the slot of output 0; output {@code k} is at {@code firstOutput + k}
 * @param sharedInput the input whose elements the single output is, unchanged, in the same planned buffer (reshape
 *                    and the other identities of the memory plan); -1 for none. The step then relabels that input's
 *                    array instead of running the kernel, which would copy it.
 */
record NodeStep(String name, int node, OpDef op, Attrs attrs, List<Shape> outputShapes, List<DType> outputTypes,
                int[] inputs, int firstOutput, int sharedInput) {
    private static final Device CPU = Device.cpu();

    NodeStep {
        outputShapes = List.copyOf(outputShapes);
        outputTypes = List.copyOf(outputTypes);
    }

    /** Computes the node's outputs into {@code frame}. */
    void run(Frame frame) {
        NDArray[] values = frame.values;
        if (sharedInput >= 0 && frame.arena != null) {
            NDArray shared = frame.arena.share(firstOutput, inputs[sharedInput], values[inputs[sharedInput]],
                    outputShapes.get(0), outputTypes.get(0));
            if (shared != null) {
                values[firstOutput] = shared;
                return;
            }
        }
        NDArray[] in = new NDArray[inputs.length];
        List<NDArray> outputs;
        try {
            Device device = null;
            for (int k = 0; k < in.length; k++) {
                NDArray a = values[inputs[k]];
                in[k] = a;
                device = sameDevice(device, a, k);
            }
            if (device == null) {
                device = CPU;
            }
            ExecArena arena = frame.arena;
            outputs = op.compute(new Invocation(op, attrs, Arrays.asList(in), outputShapes, outputTypes, device,
                    arena != null && device.equals(CPU) ? arena.outputsOf(node) : null));
        } catch (KilnException e) {
            throw new NodeExecutionException(name, op.name(), e.getMessage(), e);
        }
        int n = outputShapes.size();
        if (outputs.size() != n) {
            throw new IllegalStateException("kernel of " + op.name() + " returned " + outputs.size()
                    + " outputs, inference said " + n);
        }
        ExecArena arena = frame.arena;
        for (int k = 0; k < n; k++) {
            NDArray o = outputs.get(k);
            values[firstOutput + k] = arena == null ? o : arena.settle(firstOutput + k, o, in, inputs);
        }
    }

    /** The device all inputs so far share, as eager execution requires. */
    private Device sameDevice(Device device, NDArray a, int k) {
        if (a == null) {
            throw op.error("input '" + op.inputNames(attrs).get(k) + "' is null");
        }
        Device d = a.device();
        if (device != null && !device.equals(d)) {
            List<String> names = op.inputNames(attrs);
            throw op.error("inputs are on different devices: '" + names.get(0) + "' on " + device + ", '"
                    + names.get(k) + "' on " + d + "; copy one with copyTo(device)");
        }
        return d;
    }

    @Override
    public String toString() {
        return "step " + name + " (" + op.name() + ")";
    }
}
