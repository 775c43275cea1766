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
 * Ops that take a regular sub-array: {@code slice} (alias {@code crop}), {@code slice_axis} and {@code slice_like}.
 * Their gradients scatter the output gradient into zeros of the input's shape ({@link SliceBackward}).
 */
final class Slicing {
    private Slicing() {
    }

    /**
     * Per axis of the input, the first index {@code begin}, the {@code step} and the {@code count} of elements taken.
     */
    record Ranges(int[] begin, int[] step, int[] count) {
        static Ranges whole(Shape in) {
            int r = in.rank();
            int[] b = new int[r];
            int[] s = new int[r];
            java.util.Arrays.fill(s, 1);
            return new Ranges(b, s, in.dims());
        }

        Shape shape() {
            return Shape.of(count);
        }

        /** Reads the ranges of {@code x} into a new array with {@code shape()}. */
        NDArray read(Invocation call) {
            NDArray x = call.input(0);
            NDArray out = call.newOutput(0);
            int[] view = viewStrides(x.shape());
            Strided.gather(x.data(), offset(x.shape()), count, view, out.data());
            return out;
        }

        /** Writes {@code part} (of {@code shape()}) into the ranges of {@code whole}: the adjoint of {@link #read}. */
        void write(NDArray part, NDArray whole) {
            Strided.scatter(part.data(), whole.data(), offset(whole.shape()), count, viewStrides(whole.shape()));
        }

        private int offset(Shape whole) {
            int[] strides = whole.strides();
            int offset = 0;
            for (int i = 0; i < strides.length; i++) {
                if (count[i] > 0) {
                    offset += begin[i] * strides[i];
                }
            }
            return offset;
        }

        private int[] viewStrides(Shape whole) {
            int[] strides = whole.strides();
            int[] view = new int[strides.length];
            for (int i = 0; i < strides.length; i++) {
                view[i] = step[i] * strides[i];
            }
            return view;
        }
    }

    /**
     * {@code slice} (alias {@code crop}): {@code begin}, {@code end} and {@code step} per leading axis, each may be
     * None; negative indices count from the end and out-of-range ones are clipped, as in Python slicing.
     */
    static final class Slice extends ShapeOp {
        static final AttrSpec<IntTuple> BEGIN = AttrSpec.required("begin", AttrType.TUPLE,
                "start index per axis (None: from the start, or the end for a negative step)");
        static final AttrSpec<IntTuple> END = AttrSpec.required("end", AttrType.TUPLE,
                "stop index per axis, exclusive (None: to the end, or the start for a negative step)");
        static final AttrSpec<IntTuple> STEP = AttrSpec.of("step", AttrType.TUPLE, IntTuple.of(),
                "step per axis (None or empty: 1); may be negative, never 0");

        Slice() {
            super("slice", DATA, List.of(BEGIN, END, STEP), "crop");
        }

        @Override
        public String doc() {
            return "Takes a regular sub-array given begin, end and step per axis.";
        }

        Ranges ranges(Attrs attrs, Shape in) {
            IntTuple begin = attrs.get(BEGIN);
            IntTuple end = attrs.get(END);
            IntTuple step = attrs.get(STEP);
            int r = in.rank();
            if (r == 0) {
                throw error("cannot slice a 0-d input of shape " + in);
            }
            if (begin.size() != end.size()) {
                throw error("begin=" + begin + " and end=" + end + " must have the same length");
            }
            if (begin.size() > r) {
                throw error("begin=" + begin + " has " + begin.size() + " entries but input shape " + in + " has rank "
                        + r);
            }
            if (!step.isEmpty() && step.size() != begin.size()) {
                throw error("step=" + step + " must be empty or have as many entries as begin=" + begin);
            }
            Ranges rg = Ranges.whole(in);
            for (int i = 0; i < begin.size(); i++) {
                int s = step.isEmpty() || step.isNone(i) ? 1 : step.get(i);
                if (s == 0) {
                    throw error("step[" + i + "] cannot be 0 (step=" + step + ", input shape " + in + ")");
                }
                int len = in.get(i);
                long b;
                long e;
                if (len == 0) {
                    b = 0;
                    e = 0;
                } else {
                    b = begin.isNone(i) ? (s < 0 ? len - 1 : 0) : begin.get(i);
                    e = end.isNone(i) ? (s < 0 ? -1 : len) : end.get(i);
                    if (b < 0) {
                        b += len;
                    }
                    if (e < 0 && !end.isNone(i)) {
                        e += len;
                    }
                    if (b < 0 && s > 0) {
                        b = 0;
                    }
                    if (b > len - 1 && s < 0) {
                        b = len - 1;
                    }
                    if (b < 0 || b > len - 1) {
                        b = -1;
                    }
                    e = Math.min(Math.max(e, -1), len);
                }
                int n = 0;
                if (e != b && b >= 0) {
                    if (s > 0) {
                        n = e > b ? (int) ((e - b - 1) / s + 1) : 0;
                    } else {
                        n = e < b ? (int) ((b - e - 1) / (-(long) s) + 1) : 0;
                    }
                }
                rg.begin()[i] = (int) Math.max(b, 0);
                rg.step()[i] = s;
                rg.count()[i] = n;
            }
            return rg;
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            return List.of(ranges(attrs, in.get(0)).shape());
        }

        /**
         * Each axis is sliced on its own and no check depends on an axis length, so once the input's rank is known the
         * output's dims follow for its known dims and stay unknown for the others, as in MXNet.
         */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            slots.forwardFromRank(in -> knownAxes(in, ranges(slots.attrs(), filled(in)).count()));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return List.of(ranges(call.attrs(), call.input(0).shape()).read(call));
        }

        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return viaBackwardOp(g);
        }
    }

    /** {@code in} with each unknown dim set to 1, to run a per-axis rule whose other axes do not depend on it. */
    static Shape filled(Shape in) {
        int[] d = in.dims();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] == Shape.UNKNOWN ? 1 : d[i];
        }
        return Shape.of(d);
    }

    /** {@code dims} where {@code in}'s dim is known, unknown where it is not. */
    static Shape knownAxes(Shape in, int[] dims) {
        int[] d = dims.clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = in.get(i) == Shape.UNKNOWN ? Shape.UNKNOWN : d[i];
        }
        return Shape.partial(d);
    }

    /**
     * {@code slice_axis}: elements {@code [begin, end)} along one axis; negative indices count from the end and, as in
     * MXNet, an empty range is an error.
     */
    static final class SliceAxis extends ShapeOp {
        static final AttrSpec<Integer> AXIS = AttrSpec.required("axis", AttrType.INT, "the axis to slice");
        static final AttrSpec<Integer> BEGIN = AttrSpec.required("begin", AttrType.INT, "the first index taken");
        static final AttrSpec<Integer> END = AttrSpec.optional("end", AttrType.INT,
                "the stop index, exclusive; None: to the end");

        SliceAxis() {
            super("slice_axis", DATA, List.of(AXIS, BEGIN, END));
        }

        @Override
        public String doc() {
            return "Takes elements [begin, end) along one axis.";
        }

        Ranges ranges(Attrs attrs, Shape in) {
            int axis = axis(attrs.get(AXIS), in.rank(), "axis", in);
            int len = in.get(axis);
            int begin = attrs.get(BEGIN);
            Integer endAttr = attrs.get(END);
            int b = begin < 0 ? begin + len : begin;
            int e;
            if (len > 0) {
                e = endAttr == null ? len : (endAttr < 0 ? endAttr + len : endAttr);
                if (e > len || b < 0 || e < 0 || b >= e) {
                    throw error("invalid begin=" + begin + ", end=" + (endAttr == null ? "None" : endAttr)
                            + " for axis " + axis + " of input shape " + in);
                }
            } else {
                b = 0;
                e = 0;
            }
            Ranges rg = Ranges.whole(in);
            rg.begin()[axis] = b;
            rg.count()[axis] = e - b;
            return rg;
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            return List.of(ranges(attrs, in.get(0)).shape());
        }

        /**
         * Once the input's rank is known the output is the input with the sliced axis's new length, which stays
         * unknown (and unchecked) while that axis's length is.
         */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            slots.forwardFromRank(in -> {
                int axis = axis(slots.attrs().get(AXIS), in.rank(), "axis", in);
                return in.with(axis, in.get(axis) == Shape.UNKNOWN ? Shape.UNKNOWN
                        : ranges(slots.attrs(), filled(in)).count()[axis]);
            });
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return List.of(ranges(call.attrs(), call.input(0).shape()).read(call));
        }

        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return viaBackwardOp(g);
        }
    }

    /**
     * {@code slice_like}: takes the leading {@code shape_like.shape[axis]} elements of {@code data} along each axis in
     * {@code axes} (every axis when empty).
     */
    static final class SliceLike extends ShapeOp {
        static final AttrSpec<IntTuple> AXES = AttrSpec.of("axes", AttrType.TUPLE, IntTuple.of(),
                "the axes to slice; empty slices all of them");

        SliceLike() {
            super("slice_like", List.of("data", "shape_like"), List.of(AXES));
        }

        @Override
        public String doc() {
            return "Slices data to the size of shape_like along some or all axes.";
        }

        /** The sliced axes' counts come from {@code like}, checked against {@code in} where both are known. */
        Ranges ranges(Attrs attrs, Shape in, Shape like) {
            IntTuple axes = attrs.get(AXES);
            Ranges rg = Ranges.whole(in);
            if (axes.isEmpty()) {
                if (in.rank() != like.rank()) {
                    throw error("with empty axes, data shape " + in + " and shape_like shape " + like
                            + " must have the same rank");
                }
                for (int i = 0; i < in.rank(); i++) {
                    take(rg, i, in, like);
                }
            } else {
                for (int i = 0; i < axes.size(); i++) {
                    int a = axis(axes.get(i), in.rank(), "axes", in);
                    if (a >= like.rank()) {
                        throw error("attribute axes=" + axes + " names axis " + a + " but shape_like has shape " + like);
                    }
                    take(rg, a, in, like);
                }
            }
            return rg;
        }

        private void take(Ranges rg, int axis, Shape in, Shape like) {
            if (in.get(axis) != Shape.UNKNOWN && like.get(axis) > in.get(axis)) {
                throw error("axis " + axis + " of shape_like shape " + like + " is longer than that of data shape "
                        + in);
            }
            rg.count()[axis] = like.get(axis);
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            return List.of(ranges(attrs, in.get(0), in.get(1)).shape());
        }

        /**
         * Once both ranks are known the output is the data's shape with the sliced axes' lengths taken from
         * {@code shape_like}, each known or not; the check that they fit applies where both are known.
         */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            Shape in = slots.input(0);
            Shape like = slots.input(1);
            if (ShapeSlots.isRankKnown(in) && ShapeSlots.isRankKnown(like) && !(in.isKnown() && like.isKnown())) {
                slots.assignOutput(0, Shape.partial(ranges(slots.attrs(), in, like).count()));
            }
            slots.forward();
        }

        @Override
        public List<DType> inferTypes(Attrs attrs, List<DType> in) {
            return List.of(in.get(0));
        }

        /** The output takes the first input's dtype; the second lends only its shape. */
        @Override
        public void inferTypesPartial(TypeSlots slots) {
            typeOfFirstInput(slots);
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return List.of(ranges(call.attrs(), call.input(0).shape(), call.input(1).shape()).read(call));
        }

        /** shape_like lends only its shape and gets no gradient. */
        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return firstOnly(g, g.apply("_backward_slice_like", g.outGrad(0), g.input(0)));
        }
    }
}
