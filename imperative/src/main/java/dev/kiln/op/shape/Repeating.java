package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.List;

/**
 * Ops that duplicate elements: {@code tile}, {@code repeat}, and the broadcasts {@code broadcast_to},
 * {@code broadcast_like} and {@code broadcast_axis}. Each reads the input through a view with zero strides, so each
 * gradient sums the output gradient over the copies: the broadcasts by {@code _sum_like}, tile and repeat by their
 * backward ops ({@link RepeatBackward}).
 */
final class Repeating {
    private Repeating() {
    }

    /** Reads input 0 (same rank as the output, dims equal or 1) broadcast to output 0's shape. */
    static NDArray broadcast(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        int[] in = x.shape().dims();
        int[] dims = out.shape().dims();
        int[] strides = x.shape().strides();
        for (int i = 0; i < in.length; i++) {
            if (in[i] != dims[i]) {
                strides[i] = 0;
            }
        }
        Strided.gather(x.data(), 0, dims, strides, out.data());
        return out;
    }

    /** Output types for ops whose second input only lends its shape. */
    static List<DType> firstType(List<DType> in) {
        return List.of(in.get(0));
    }

    /** {@code tile}: repeats the whole array {@code reps[i]} times along axis {@code i}, aligning from the right. */
    static final class Tile extends ShapeOp {
        static final AttrSpec<IntTuple> REPS = AttrSpec.required("reps", AttrType.TUPLE,
                "repetitions per axis; the shorter of reps and the shape is padded with leading 1s");

        Tile() {
            super("tile", DATA, List.of(REPS));
        }

        @Override
        public String doc() {
            return "Repeats the whole array along each axis.";
        }

        /** Input dims and reps, both padded to the output rank. */
        int[][] aligned(Attrs attrs, Shape in) {
            IntTuple reps = attrs.get(REPS);
            int r = Math.max(in.rank(), reps.size());
            int[] x = new int[r];
            int[] p = new int[r];
            for (int i = 0; i < r; i++) {
                int xi = i - (r - in.rank());
                int pi = i - (r - reps.size());
                x[i] = xi >= 0 ? in.get(xi) : 1;
                p[i] = pi >= 0 ? reps.get(pi) : 1;
                if (p[i] < 0) {
                    throw error("attribute reps=" + reps + " has a negative entry (input shape " + in + ")");
                }
            }
            return new int[][] {x, p};
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            int[][] a = aligned(attrs, in.get(0));
            int[] out = new int[a[0].length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.multiplyExact(a[0][i], a[1][i]);
            }
            return List.of(Shape.of(out));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            NDArray x = call.input(0);
            NDArray out = call.newOutput(0);
            int[][] a = aligned(call.attrs(), x.shape());
            int r = a[0].length;
            int[] inStrides = Strided.stridesOf(a[0]);
            int[] dims = new int[2 * r];
            int[] strides = new int[2 * r];
            for (int i = 0; i < r; i++) {
                dims[2 * i] = a[1][i];
                dims[2 * i + 1] = a[0][i];
                strides[2 * i + 1] = inStrides[i];
            }
            Strided.gather(x.data(), 0, dims, strides, out.data());
            return List.of(out);
        }

        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return viaBackwardOp(g);
        }
    }

    /**
     * {@code repeat}: repeats each element {@code repeats} times along {@code axis}, or over the flattened input when
     * {@code axis} is None. As in MXNet, {@code repeats=0} gives shape {@code (0,)}.
     */
    static final class Repeat extends ShapeOp {
        static final AttrSpec<Integer> REPEATS = AttrSpec.required("repeats", AttrType.INT,
                "how many times each element is repeated");
        static final AttrSpec<Integer> AXIS = AttrSpec.optional("axis", AttrType.INT,
                "the axis to repeat along; None flattens the input first");

        Repeat() {
            super("repeat", DATA, List.of(REPEATS, AXIS));
        }

        @Override
        public String doc() {
            return "Repeats each element of the array.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            Shape s = in.get(0);
            int repeats = attrs.get(REPEATS);
            if (repeats < 0) {
                throw error("attribute repeats=" + repeats + " cannot be negative");
            }
            Integer axis = attrs.get(AXIS);
            int a = axis == null ? -1 : axis(axis, s.rank(), "axis", s);
            if (repeats == 0) {
                return List.of(Shape.of(0));
            }
            if (axis == null) {
                return List.of(Shape.of(Math.multiplyExact(s.size(), repeats)));
            }
            return List.of(s.with(a, Math.multiplyExact(s.get(a), repeats)));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            NDArray x = call.input(0);
            NDArray out = call.newOutput(0);
            int repeats = call.attr(REPEATS);
            if (repeats == 0) {
                return List.of(out);
            }
            Integer axis = call.attr(AXIS);
            int[] dims;
            int[] strides;
            if (axis == null) {
                dims = new int[] {x.size(), repeats};
                strides = new int[] {1, 0};
            } else {
                int a = axis(axis, x.rank(), "axis", x.shape());
                int[] in = x.shape().dims();
                int[] inStrides = x.shape().strides();
                dims = new int[in.length + 1];
                strides = new int[in.length + 1];
                for (int i = 0, o = 0; i < in.length; i++) {
                    dims[o] = in[i];
                    strides[o++] = inStrides[i];
                    if (i == a) {
                        dims[o++] = repeats;
                    }
                }
            }
            Strided.gather(x.data(), 0, dims, strides, out.data());
            return List.of(out);
        }

        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return viaBackwardOp(g);
        }
    }

    /** Base of the broadcasts: reads input 0 {@link #broadcast} and sums the gradient back with {@code _sum_like}. */
    abstract static class Broadcast extends ShapeOp {
        Broadcast(String name, List<String> inputs, List<AttrSpec<?>> attrs, String... aliases) {
            super(name, inputs, attrs, aliases);
        }

        @Override
        public final List<NDArray> compute(Invocation call) {
            return List.of(broadcast(call));
        }

        @Override
        public final <T> List<T> gradient(Gradient<T> g) {
            return firstOnly(g, g.sumLike(g.outGrad(0), g.input(0)));
        }
    }

    /** {@code broadcast_to}: broadcasts to {@code shape} of the same rank; a 0 in {@code shape} keeps that dim. */
    static final class BroadcastTo extends Broadcast {
        static final AttrSpec<IntTuple> SHAPE = AttrSpec.of("shape", AttrType.TUPLE, IntTuple.of(),
                "the target shape, of the input's rank; 0 keeps the input dim");

        BroadcastTo() {
            super("broadcast_to", DATA, List.of(SHAPE));
        }

        @Override
        public String doc() {
            return "Broadcasts the input to a new shape.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            return List.of(outShape(attrs, in.get(0)));
        }

        /**
         * Once the input's rank is known the output follows: the target's dims, and the input's (known or not) where
         * the target has 0; an unknown input dim is checked against the target once known.
         */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            slots.forwardFromRank(s -> outShape(slots.attrs(), s));
        }

        private Shape outShape(Attrs attrs, Shape s) {
            IntTuple target = attrs.get(SHAPE);
            if (target.size() != s.rank()) {
                throw error("cannot broadcast input shape " + s + " to shape=" + target + ": ranks differ");
            }
            int[] out = new int[s.rank()];
            for (int i = 0; i < out.length; i++) {
                int t = target.get(i);
                int d = s.get(i);
                if (t == 0) {
                    out[i] = d;
                } else if (t > 0 && (d == t || d == 1 || d == Shape.UNKNOWN)) {
                    out[i] = t;
                } else {
                    throw error("cannot broadcast input shape " + s + " to shape=" + target + " (axis " + i + ")");
                }
            }
            return Shape.partial(out);
        }
    }

    /**
     * {@code broadcast_like}: broadcasts lhs to rhs's shape, or only along {@code lhs_axes}, taking the sizes of
     * {@code rhs_axes}.
     */
    static final class BroadcastLike extends Broadcast {
        static final AttrSpec<IntTuple> LHS_AXES = AttrSpec.optional("lhs_axes", AttrType.TUPLE,
                "the lhs axes to broadcast; None broadcasts to rhs's whole shape");
        static final AttrSpec<IntTuple> RHS_AXES = AttrSpec.optional("rhs_axes", AttrType.TUPLE,
                "the rhs axes whose sizes lhs_axes take");

        BroadcastLike() {
            super("broadcast_like", List.of("lhs", "rhs"), List.of(LHS_AXES, RHS_AXES));
        }

        @Override
        public String doc() {
            return "Broadcasts lhs to the shape of rhs.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            Shape l = in.get(0);
            Shape r = in.get(1);
            IntTuple la = attrs.get(LHS_AXES);
            IntTuple ra = attrs.get(RHS_AXES);
            if (la == null || ra == null) {
                if (l.rank() != r.rank() || !l.broadcastsTo(r)) {
                    throw error("cannot broadcast lhs shape " + l + " to rhs shape " + r);
                }
                return List.of(r);
            }
            if (la.size() != ra.size() || la.isEmpty()) {
                throw error("lhs_axes=" + la + " and rhs_axes=" + ra + " must be non-empty and of equal length");
            }
            int[] out = l.dims();
            for (int i = 0; i < la.size(); i++) {
                int from = axis(la.get(i), l.rank(), "lhs_axes", l);
                int to = axis(ra.get(i), r.rank(), "rhs_axes", r);
                if (l.get(from) != 1) {
                    throw error("lhs axis " + la.get(i) + " of shape " + l + " has size " + l.get(from)
                            + ", not 1, so it cannot broadcast to " + r.get(to));
                }
                out[from] = r.get(to);
            }
            return List.of(Shape.of(out));
        }

        @Override
        public List<DType> inferTypes(Attrs attrs, List<DType> in) {
            return firstType(in);
        }

        /** The output takes the first input's dtype; the second lends only its shape. */
        @Override
        public void inferTypesPartial(TypeSlots slots) {
            typeOfFirstInput(slots);
        }
    }

    /** {@code broadcast_axis} (alias {@code broadcast_axes}): gives size-1 axes {@code axis[i]} size {@code size[i]}. */
    static final class BroadcastAxis extends Broadcast {
        static final AttrSpec<IntTuple> AXIS = AttrSpec.of("axis", AttrType.TUPLE, IntTuple.of(),
                "the size-1 axes to broadcast");
        static final AttrSpec<IntTuple> SIZE = AttrSpec.of("size", AttrType.TUPLE, IntTuple.of(),
                "the target size of each axis");

        BroadcastAxis() {
            super("broadcast_axis", DATA, List.of(AXIS, SIZE), "broadcast_axes");
        }

        @Override
        public String doc() {
            return "Broadcasts the input along size-1 axes.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            Shape s = in.get(0);
            IntTuple axes = attrs.get(AXIS);
            IntTuple sizes = attrs.get(SIZE);
            if (axes.size() != sizes.size()) {
                throw error("axis=" + axes + " and size=" + sizes + " must have the same length");
            }
            int[] out = s.dims();
            for (int i = 0; i < axes.size(); i++) {
                int a = axis(axes.get(i), s.rank(), "axis", s);
                if (s.get(a) != 1) {
                    throw error("axis " + axes.get(i) + " of input shape " + s + " has size " + s.get(a)
                            + "; only size-1 axes can be broadcast");
                }
                if (sizes.get(i) < 0) {
                    throw error("size=" + sizes + " has a negative entry");
                }
                out[a] = sizes.get(i);
            }
            return List.of(Shape.of(out));
        }
    }
}
