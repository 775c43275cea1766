package dev.kiln.tornado.kernel;

import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.List;
import java.util.Optional;

/** STAND-IN (not committed): K1 owns this package. Supports nothing. */
public final class DeviceKernels {
    public DeviceKernels(ArrayFlavor flavor) {
    }

    public DeviceKernels(ArrayFlavor flavor, boolean training) {
    }

    public Optional<String> unsupported(OpNode node, List<Shape> inShapes, List<DType> inTypes) {
        return Optional.of("stand-in kernels support no op");
    }

    public List<KernelLaunch> lower(OpNode node, List<Shape> inShapes, List<DType> inTypes,
                                    List<Shape> outShapes, List<DType> outTypes, BufferTable buffers) {
        throw new UnsupportedOperationException();
    }
}
