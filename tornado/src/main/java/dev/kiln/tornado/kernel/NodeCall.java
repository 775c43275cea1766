package dev.kiln.tornado.kernel;

import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.IntTuple;

import java.util.List;

/**
 * One node being checked or lowered: the op's name, its attributes, the input and output shapes (all float32), the
 * flavour, the mode (null when the lowering was not told) and, when lowering, the buffer table. Lowerings read
 * attributes through the typed getters.
 */
record NodeCall(OpNode node, List<Shape> in, List<Shape> out, ArrayFlavor flavor, Boolean training,
                BufferTable buffers) {

    String op() {
        return node.op().name();
    }

    Attrs attrs() {
        return node.params();
    }

    Object attr(String name) {
        return attrs().values().get(name);
    }

    int intAttr(String name) {
        return ((Number) attr(name)).intValue();
    }

    double doubleAttr(String name) {
        return ((Number) attr(name)).doubleValue();
    }

    boolean boolAttr(String name) {
        return Boolean.TRUE.equals(attr(name));
    }

    String stringAttr(String name) {
        Object v = attr(name);
        return v == null ? null : v.toString();
    }

    /** A tuple attribute as ints ({@code null} entries and a missing value give an empty array). */
    int[] tupleAttr(String name) {
        return attr(name) instanceof IntTuple t ? t.toArray() : new int[0];
    }

    Shape in(int i) {
        return in.get(i);
    }

    Shape out(int i) {
        return out.get(i);
    }

    /** A label for generated kernels: the op's name and the node's. */
    String label() {
        return op();
    }

    /** A kernel of this call's flavour. */
    KernelClass kernel(String label, java.util.function.Consumer<KernelWriter> body) {
        return KernelCache.kernel(flavor, label, body);
    }

    /** A launch of {@code kernel} over the given buffers. */
    KernelLaunch launch(KernelClass kernel, int... buffers) {
        return launch(kernel, buffers, List.of());
    }

    /**
     * A launch of {@code kernel} on {@code buffers}, then, when there are any, the launch values {@code values} as
     * one float array its last parameter takes ({@link KernelArg.FloatValues}).
     */
    KernelLaunch launch(KernelClass kernel, int[] buffers, java.util.Collection<Float> values) {
        List<KernelArg> args = new java.util.ArrayList<>();
        for (int b : buffers) {
            args.add(new KernelArg.Buffer(b));
        }
        float[] packed = new float[values.size()];
        int k = 0;
        for (float v : values) {
            packed[k++] = v;
        }
        if (packed.length > 0) {
            args.add(new KernelArg.FloatValues(packed));
        }
        return new KernelLaunch(node.name() + ":" + kernel.methodName(), kernel, args);
    }

    /** An error naming the node, the op and the shapes. */
    IllegalArgumentException error(String message) {
        return new IllegalArgumentException("node '" + node.name() + "' (" + op() + ", inputs " + in + "): " + message);
    }
}
