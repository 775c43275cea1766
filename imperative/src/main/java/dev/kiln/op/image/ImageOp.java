package dev.kiln.op.image;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * Base of MXNet's {@code _image_*} ops: one input {@code data}, an image {@code (H, W, C)} or a batch
 * {@code (N, H, W, C)} (or, after {@code to_tensor}, {@code (C, H, W)} / {@code (N, C, H, W)}), with the checks their
 * shape rules share.
 */
abstract class ImageOp extends OpDef {

    /** A forward op, also known by MXNet's NumPy-mode alias {@code _npx_<name>}. */
    ImageOp(String name, List<String> inputs, List<AttrSpec<?>> attrs) {
        super(name, OpFamily.IMAGE, inputs, attrs, "_npx_" + name);
    }

    /** A gradient op ({@code _backward_image_*}), which has no alias. */
    ImageOp(String name, List<String> inputs, List<AttrSpec<?>> attrs, boolean backward) {
        super(name, OpFamily.IMAGE, inputs, attrs);
    }

    /** Fails unless {@code data} is 3-D or 4-D, naming the expected layout. */
    final void requireRank34(Shape data, String layout) {
        if (data.rank() != 3 && data.rank() != 4) {
            throw error("data must be an image " + layout + " or a batch (N, " + layout.substring(1)
                    + ", got shape " + data);
        }
    }

    /** Fails unless the channel axis {@code axis} of {@code data} has 1 or 3 channels, as MXNet requires. */
    final void requireOneOrThreeChannels(Shape data, int axis) {
        int c = data.get(axis);
        if (c != 1 && c != 3) {
            throw error("data's channel axis " + axis + " must have 1 or 3 channels, got shape " + data);
        }
    }

    /** Fails unless {@code type} is one of {@code allowed}. */
    final void requireDType(DType type, List<DType> allowed) {
        if (!allowed.contains(type)) {
            throw error("data has dtype " + type + "; this op supports " + allowed);
        }
    }

    /**
     * Partial shape inference as MXNet's image rules do it for ops whose output dims, but for the batch, do not depend
     * on data's axes that {@code free} accepts (given data's rank): while only such axes are unknown, the op's rule
     * runs with 1 in their place and an unknown batch stays unknown in the output.
     */
    final void forwardWithFreeAxes(ShapeSlots slots, java.util.function.IntFunction<IntPredicate> free) {
        Shape data = slots.input(0);
        if (data != null && data.isRankKnown() && !data.isKnown() && (data.rank() == 3 || data.rank() == 4)) {
            int[] dims = data.dims();
            IntPredicate isFree = free.apply(dims.length);
            boolean inferable = true;
            for (int a = 0; a < dims.length; a++) {
                if (dims[a] == Shape.UNKNOWN) {
                    inferable &= isFree.test(a);
                    dims[a] = 1;
                }
            }
            if (inferable) {
                int[] out = inferShapes(slots.attrs(), List.of(Shape.of(dims))).get(0).dims();
                if (dims.length == 4 && data.get(0) == Shape.UNKNOWN) {
                    out[0] = Shape.UNKNOWN;
                }
                slots.assignOutput(0, Shape.partial(out));
            }
        }
        slots.forward();
    }
}
