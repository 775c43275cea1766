package dev.kiln.tornado.kernel;

import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpFamily;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Device lowering of graph nodes, op nodes of the registry and the compiler's fused elementwise groups, into kernels
 * of TornadoVM's programming model (see {@link KernelWriter}) for float32 data. {@link #unsupported} is exact: every
 * node it accepts lowers, and the launches compute the op's CPU results within float tolerance.
 */
public final class DeviceKernels {
    private final ArrayFlavor flavor;
    private final Boolean training;
    private final Map<String, Family> families = new HashMap<>();

    /**
     * Kernels for graphs of either mode: nodes whose result depends on the mode (BatchNorm without
     * {@code use_global_stats}, Dropout with p > 0) are unsupported.
     */
    public DeviceKernels(ArrayFlavor flavor) {
        this(flavor, null);
    }

    /**
     * Kernels for graphs run in training mode or in predict mode: in predict mode BatchNorm normalises with the
     * moving statistics and Dropout is the identity; in training BatchNorm normalises with the batch statistics and
     * moves the moving ones in place ({@link #mutatedInputs}), and Dropout with p > 0 (random) is unsupported.
     */
    public DeviceKernels(ArrayFlavor flavor, boolean training) {
        this(flavor, Boolean.valueOf(training));
    }

    private DeviceKernels(ArrayFlavor flavor, Boolean training) {
        this.flavor = flavor;
        this.training = training;
        LayoutKernels.register(families);
        GatherKernels.register(families);
        IndexKernels.register(families);
        MatmulKernels.register(families);
        ConvKernels.register(families);
        PoolKernels.register(families);
        ReduceKernels.register(families);
        RowKernels.register(families);
        NormKernels.register(families);
        OptimizerKernels.register(families);
        LossKernels.register(families);
        DeconvKernels.register(families);
        UpSamplingKernels.register(families);
    }

    public ArrayFlavor flavor() {
        return flavor;
    }

    /** These kernels, for the same mode, in another array flavour. */
    public DeviceKernels withFlavor(ArrayFlavor other) {
        return new DeviceKernels(other, training);
    }

    /** Empty when the node runs on the device for these inputs, else the reason (op, dtype, attribute, shape). */
    public Optional<String> unsupported(OpNode node, List<Shape> inShapes, List<DType> inTypes) {
        String op = node.op().name();
        for (int i = 0; i < inTypes.size(); i++) {
            if (inTypes.get(i) != DType.FLOAT32) {
                return Optional.of(op + " '" + node.name() + "': input " + i + " is " + inTypes.get(i)
                        + "; device kernels compute float32");
            }
        }
        for (Shape s : inShapes) {
            if (!s.isKnown() || s.size() == 0) {
                return Optional.of(op + " '" + node.name() + "': input shape " + s
                        + (s.isKnown() ? " is empty" : " is not fully known"));
            }
        }
        List<Shape> outShapes;
        List<DType> outTypes;
        try {
            outShapes = node.op().inferShapes(node.params(), inShapes);
            outTypes = node.op().inferTypes(node.params(), inTypes);
        } catch (RuntimeException e) {
            return Optional.of(op + " '" + node.name() + "': " + e.getMessage());
        }
        for (DType t : outTypes) {
            if (t != DType.FLOAT32) {
                return Optional.of(op + " '" + node.name() + "': an output is " + t
                        + "; device kernels compute float32");
            }
        }
        Family f = family(node, inShapes, outShapes);
        if (f == null) {
            return Optional.of(op + " '" + node.name() + "': no device kernel for op " + op);
        }
        String reason;
        try {
            reason = f.check(new NodeCall(node, inShapes, outShapes, flavor, training, null));
        } catch (RuntimeException e) {
            reason = "its attributes do not lower: " + e.getMessage();
        }
        return Optional.ofNullable(reason == null ? null : op + " '" + node.name() + "': " + reason);
    }

    /**
     * The launches computing the node's outputs from its inputs (same values as the op's CPU kernel, within float
     * tolerance). Every output element is written.
     */
    public List<KernelLaunch> lower(OpNode node, List<Shape> inShapes, List<DType> inTypes,
                                    List<Shape> outShapes, List<DType> outTypes, BufferTable buffers) {
        Optional<String> reason = unsupported(node, inShapes, inTypes);
        if (reason.isPresent()) {
            throw new IllegalArgumentException("cannot lower node '" + node.name() + "' for the device: "
                    + reason.get());
        }
        Family f = family(node, inShapes, outShapes);
        return f.lower(new NodeCall(node, inShapes, outShapes, flavor, training, buffers));
    }

    /**
     * The inputs the node's launches write in place besides its outputs, as its CPU kernel does: BatchNorm with
     * batch statistics (training) moves its moving mean and variance (inputs 3 and 4). A runtime keeping those
     * buffers on the device must treat them as updated. The optimizer updates ({@code sgd_mom_update},
     * {@code adam_update}, ...) rewrite their states (momentum, moments: the op's auxiliary inputs) in place.
     */
    public List<Integer> mutatedInputs(OpNode node) {
        NodeCall c = new NodeCall(node, List.of(), List.of(), flavor, training, null);
        if (node.op().family() == OpFamily.OPTIMIZER) {
            return node.op().auxInputIndices(node.params());
        }
        return node.op().name().equals("BatchNorm") && NormKernels.batchStatistics(c) ? List.of(3, 4) : List.of();
    }

    private Family family(OpNode node, List<Shape> in, List<Shape> out) {
        Family f = families.get(node.op().name());
        if (f != null) {
            return f;
        }
        NodeCall probe = new NodeCall(node, in, out, flavor, training, null);
        return ElementwiseKernels.handles(probe) ? Family.of(ElementwiseKernels::check, ElementwiseKernels::lower)
                : null;
    }
}
