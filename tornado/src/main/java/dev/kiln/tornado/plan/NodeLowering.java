package dev.kiln.tornado.plan;

import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.kernel.BufferTable;
import dev.kiln.tornado.kernel.DeviceKernels;
import dev.kiln.tornado.kernel.KernelLaunch;

import java.util.List;
import java.util.Optional;

/**
 * What the planner asks of the kernels: whether a node runs on the device for its inputs, and the kernel launches
 * that compute it. {@link #kernels} is the one the backend uses ({@link DeviceKernels}); tests plug in others.
 */
public interface NodeLowering {
    /** Empty when {@code node} runs on the device for these inputs, else why not (op, dtype, attribute, shape). */
    Optional<String> unsupported(OpNode node, List<Shape> inShapes, List<DType> inTypes);

    /** The launches computing the node's outputs from its inputs, in order; every output element is written. */
    List<KernelLaunch> lower(OpNode node, List<Shape> inShapes, List<DType> inTypes, List<Shape> outShapes,
                             List<DType> outTypes, BufferTable buffers);

    /**
     * The generated device kernels of the given array flavour for graphs run in training mode or not (BatchNorm
     * normalises with batch statistics in training, with the moving ones otherwise).
     */
    static NodeLowering kernels(ArrayFlavor flavor, boolean training) {
        DeviceKernels kernels = new DeviceKernels(flavor, training);
        return new NodeLowering() {
            @Override
            public Optional<String> unsupported(OpNode node, List<Shape> inShapes, List<DType> inTypes) {
                return kernels.unsupported(node, inShapes, inTypes);
            }

            @Override
            public List<KernelLaunch> lower(OpNode node, List<Shape> inShapes, List<DType> inTypes,
                                            List<Shape> outShapes, List<DType> outTypes, BufferTable buffers) {
                return kernels.lower(node, inShapes, inTypes, outShapes, outTypes, buffers);
            }
        };
    }
}
