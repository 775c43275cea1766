package dev.kiln.op.shape;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;
import java.util.Map;

/**
 * Ops that reorder axes or elements along axes: {@code transpose}, {@code SwapAxis} and {@code reverse}. Each gradient
 * is the inverse reordering of the output gradient.
 */
final class Permuting {
    private Permuting() {
    }

    /** Output axis {@code i} is input axis {@code perm[i]}: a strided read of the input. */
    static NDArray permute(Invocation call, int[] perm) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        int[] inStrides = x.shape().strides();
        int[] strides = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            strides[i] = inStrides[perm[i]];
        }
        Strided.gather(x.data(), 0, out.shape().dims(), strides, out.data());
        return out;
    }

    static Shape permuted(Shape in, int[] perm) {
        int[] d = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            d[i] = in.get(perm[i]);
        }
        return Shape.partial(d);
    }

    /** Base of transpose and SwapAxis: output axis {@code i} is input axis {@code perm[i]}. */
    abstract static class AxisPermutation extends ShapeOp {
        AxisPermutation(String name, List<AttrSpec<?>> attrs, String... aliases) {
            super(name, DATA, attrs, aliases);
        }

        /** The permutation for an input of this shape (only its rank matters). */
        abstract int[] perm(Attrs attrs, Shape in);

        @Override
        public final List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            return List.of(permuted(in.get(0), perm(attrs, in.get(0))));
        }

        /** Input and output have one rank; each dim moves by the permutation, unknown dims included, either way. */
        @Override
        public final void inferShapesPartial(ShapeSlots slots) {
            Shape out = slots.output(0);
            if (!ShapeSlots.isRankKnown(slots.input(0)) && ShapeSlots.isRankKnown(out)) {
                slots.assignInput(0, ShapeSlots.unknownDims(out.rank()));
            }
            Shape in = slots.input(0);
            if (ShapeSlots.isRankKnown(in)) {
                int[] p = perm(slots.attrs(), in);
                if (ShapeSlots.isRankKnown(out) && out.rank() == p.length) {
                    int[] back = new int[p.length];
                    for (int i = 0; i < p.length; i++) {
                        back[p[i]] = out.get(i);
                    }
                    slots.learnInput(0, Shape.partial(back));
                }
                slots.assignOutput(0, permuted(slots.input(0), p));
            }
            slots.forward();
        }

        @Override
        public final List<NDArray> compute(Invocation call) {
            return List.of(permute(call, perm(call.attrs(), call.input(0).shape())));
        }
    }

    /** {@code transpose}: permutes axes by {@code axes}; empty {@code axes} reverses them. */
    static final class Transpose extends AxisPermutation {
        static final AttrSpec<IntTuple> AXES = AttrSpec.of("axes", AttrType.TUPLE, IntTuple.of(),
                "the new order of the axes; empty reverses them");

        Transpose() {
            super("transpose", List.of(AXES));
        }

        @Override
        public String doc() {
            return "Permutes the axes of the input.";
        }

        @Override
        int[] perm(Attrs attrs, Shape in) {
            int r = in.rank();
            IntTuple axes = attrs.get(AXES);
            int[] p = new int[r];
            if (axes.isEmpty()) {
                for (int i = 0; i < r; i++) {
                    p[i] = r - 1 - i;
                }
                return p;
            }
            if (axes.size() != r) {
                throw error("attribute axes=" + axes + " has " + axes.size() + " entries but input shape " + in
                        + " has rank " + r);
            }
            boolean[] seen = new boolean[r];
            for (int i = 0; i < r; i++) {
                p[i] = axis(axes.get(i), r, "axes", in);
                if (seen[p[i]]) {
                    throw error("attribute axes=" + axes + " is not a permutation: axis " + p[i] + " repeats");
                }
                seen[p[i]] = true;
            }
            return p;
        }

        /** Transposes back with the inverse permutation; the default (reversed axes) is its own inverse. */
        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            IntTuple axes = g.attr(AXES);
            if (axes.isEmpty()) {
                return g.grads(g.apply("transpose", g.outGrad(0)));
            }
            int r = axes.size();
            int[] inverse = new int[r];
            for (int i = 0; i < r; i++) {
                int a = axes.get(i);
                inverse[a < 0 ? a + r : a] = i;
            }
            return g.grads(g.apply("transpose", Map.of("axes", inverse), g.outGrad(0)));
        }
    }

    /** {@code SwapAxis} (alias {@code swapaxes}): exchanges axes {@code dim1} and {@code dim2}. */
    static final class SwapAxis extends AxisPermutation {
        static final AttrSpec<Integer> DIM1 = AttrSpec.of("dim1", AttrType.INT, 0, "the first axis to swap");
        static final AttrSpec<Integer> DIM2 = AttrSpec.of("dim2", AttrType.INT, 0, "the second axis to swap");

        SwapAxis() {
            super("SwapAxis", List.of(DIM1, DIM2), "swapaxes");
        }

        @Override
        public String doc() {
            return "Interchanges two axes of the input.";
        }

        @Override
        int[] perm(Attrs attrs, Shape in) {
            int r = in.rank();
            int a = axis(attrs.get(DIM1), r, "dim1", in);
            int b = axis(attrs.get(DIM2), r, "dim2", in);
            int[] p = new int[r];
            for (int i = 0; i < r; i++) {
                p[i] = i;
            }
            p[a] = b;
            p[b] = a;
            return p;
        }

        /** Swapping the same two axes again. */
        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return g.grads(g.apply("SwapAxis", g.attrs().values(), g.outGrad(0)));
        }
    }

    /**
     * {@code reverse} (alias {@code flip}): reverses the order of elements along each axis in {@code axis}. As in
     * MXNet, an axis named twice is reversed twice.
     */
    static final class Reverse extends ShapeOp {
        static final AttrSpec<IntTuple> AXIS = AttrSpec.required("axis", AttrType.TUPLE, "the axes to reverse");

        Reverse() {
            super("reverse", DATA, List.of(AXIS), "flip");
        }

        @Override
        public String doc() {
            return "Reverses the order of elements along the given axes.";
        }

        boolean[] flipped(Attrs attrs, Shape in) {
            IntTuple axes = attrs.get(AXIS);
            boolean[] flip = new boolean[in.rank()];
            for (int i = 0; i < axes.size(); i++) {
                int a = axis(axes.get(i), in.rank(), "axis", in);
                flip[a] = !flip[a];
            }
            return flip;
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            flipped(attrs, in.get(0));
            return List.of(in.get(0));
        }

        /** Input and output share one shape. */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            slots.unifyAll();
            slots.forward();
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            NDArray x = call.input(0);
            NDArray out = call.newOutput(0);
            boolean[] flip = flipped(call.attrs(), x.shape());
            int[] dims = x.shape().dims();
            int[] strides = x.shape().strides();
            int offset = 0;
            for (int i = 0; i < dims.length; i++) {
                if (flip[i] && dims[i] > 0) {
                    offset += (dims[i] - 1) * strides[i];
                    strides[i] = -strides[i];
                }
            }
            Strided.gather(x.data(), offset, dims, strides, out.data());
            return List.of(out);
        }

        /** Reversing the same axes again. */
        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return g.grads(g.apply("reverse", g.attrs().values(), g.outGrad(0)));
        }
    }
}
