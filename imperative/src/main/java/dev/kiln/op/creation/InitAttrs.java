package dev.kiln.op.creation;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.IntTuple;
import dev.kiln.op.OpDef;

/**
 * The attributes MXNet's zero-input ops share ({@code shape}, {@code ctx}, {@code dtype}), and how they are read: the
 * output lives on the device named by {@code ctx} (empty means {@code cpu(0)}), because such ops have no input to
 * take a device from.
 */
public final class InitAttrs {
    /** {@code shape}: the output shape; MXNet's default is the empty tuple. */
    public static final AttrSpec<IntTuple> SHAPE = AttrSpec.of("shape", AttrType.TUPLE, IntTuple.of(),
            "The shape of the output");
    /** {@code ctx}: MXNet's device string, e.g. {@code cpu(0)}; empty means the CPU. */
    public static final AttrSpec<String> CTX = AttrSpec.of("ctx", AttrType.STRING, "",
            "Context of output, in format [cpu|gpu|cpu_pinned](n)");
    /** {@code dtype}: the output type, float32 by default. */
    public static final AttrSpec<DType> DTYPE = AttrSpec.of("dtype", AttrType.DTYPE, DType.FLOAT32,
            "Target data type");

    private InitAttrs() {
    }

    /** The device named by the {@code ctx} attribute. */
    public static Device device(OpDef op, Attrs attrs) {
        String ctx = attrs.get(CTX);
        if (ctx == null || ctx.isBlank()) {
            return Device.cpu();
        }
        try {
            return Device.parse(ctx);
        } catch (KilnException e) {
            throw op.error("bad attribute 'ctx': " + e.getMessage());
        }
    }

    /** The {@code shape} attribute as a concrete shape; negative or None dims are errors naming the op. */
    public static Shape shape(OpDef op, Attrs attrs, AttrSpec<IntTuple> spec) {
        IntTuple t = attrs.get(spec);
        int[] dims = new int[t.size()];
        for (int i = 0; i < dims.length; i++) {
            if (t.isNone(i) || t.get(i) < 0) {
                throw op.error("attribute '" + spec.name() + "' must hold sizes >= 0, got " + t);
            }
            dims[i] = t.get(i);
        }
        Shape s = Shape.of(dims);
        if (s.sizeLong() > Integer.MAX_VALUE - 8) {
            throw op.error("attribute '" + spec.name() + "' = " + t + " has " + s.sizeLong()
                    + " elements, more than a Java array holds");
        }
        return s;
    }
}
