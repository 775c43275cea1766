package dev.kiln.op.shape;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.IntTuple;
import dev.kiln.op.InPlaceOption;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that give the elements a new shape without moving them: {@code Reshape}, {@code reshape_like},
 * {@code Flatten}, {@code expand_dims} and {@code squeeze}. Each output is a copy in the same row-major order, so
 * each gradient is the output gradient given the input's shape back, by {@code reshape_like}.
 */
final class Reshaping {
    private Reshaping() {
    }

    /** The output gradient reshaped like input 0: the gradient of every op here. */
    static <T> T backToInput(Gradient<T> g) {
        return g.apply("reshape_like", g.outGrad(0), g.input(0));
    }

    /** Base of the ops here: the output is input 0's elements relabelled, the gradient reshaped back. */
    abstract static class Relabel extends ShapeOp {
        Relabel(String name, List<String> inputs, List<AttrSpec<?>> attrs, String... aliases) {
            super(name, inputs, attrs, aliases);
        }

        /** The output is the data's elements in the same order, so it may share the data's storage. */
        @Override
        public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
            return InPlaceOption.RELABELS_DATA;
        }

        @Override
        public final List<NDArray> compute(Invocation call) {
            return relabel(call);
        }

        @Override
        public final <T> List<T> gradient(Gradient<T> g) {
            return firstOnly(g, backToInput(g));
        }

        /**
         * Forward once the input is known; back, a known output gives an input with one unknown dim that dim, the
         * sizes being equal (MXNet's reverse reshape inference).
         */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            Shape out = slots.output(0);
            Shape in = slots.input(0);
            if (ShapeSlots.isRankKnown(in) && out != null && out.isKnown()) {
                slots.assignInput(0, ShapeSlots.fillProduct(in, 0, in.rank(), out.sizeLong()));
            }
            slots.forward();
        }
    }

    /** MXNet's {@code Reshape} with its special codes 0, -1, -2, -3, -4, {@code reverse}, and the legacy attributes. */
    static final class Reshape extends Relabel {
        static final AttrSpec<IntTuple> SHAPE = AttrSpec.of("shape", AttrType.TUPLE, IntTuple.of(),
                "the target shape, with special codes 0 (copy), -1 (infer), -2 (copy rest), -3 (merge), -4 (split)");
        static final AttrSpec<Boolean> REVERSE = AttrSpec.of("reverse", AttrType.BOOL, false,
                "match the special codes from right to left");
        static final AttrSpec<IntTuple> TARGET_SHAPE = AttrSpec.optional("target_shape", AttrType.TUPLE,
                "deprecated: the target shape where one 0 dim is inferred; use shape");
        static final AttrSpec<Boolean> KEEP_HIGHEST = AttrSpec.of("keep_highest", AttrType.BOOL, false,
                "deprecated: with target_shape, keep the first input dim");

        Reshape() {
            super("Reshape", DATA, List.of(SHAPE, REVERSE, TARGET_SHAPE, KEEP_HIGHEST), "reshape");
        }

        @Override
        public String doc() {
            return "Gives the data a new shape with the same number of elements.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            Shape d = in.get(0);
            IntTuple spec = attrs.get(SHAPE);
            if (!spec.isEmpty()) {
                return List.of(reshaped(d, spec, attrs.get(REVERSE)));
            }
            IntTuple target = attrs.get(TARGET_SHAPE);
            if (target == null || target.isEmpty()) {
                throw error("attribute shape is required (got shape=" + spec + ") for input shape " + d);
            }
            return List.of(legacy(d, target.toArray(), attrs.get(KEEP_HIGHEST)));
        }

        /**
         * Forward from an input of known rank: the special codes carry unknown dims into the output where they count,
         * as MXNet's reshape inference does; then the reverse rule of every relabelling op.
         */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            Shape in = slots.input(0);
            IntTuple spec = slots.attrs().get(SHAPE);
            if (ShapeSlots.isRankKnown(in) && !in.isKnown() && !spec.isEmpty()) {
                slots.assignOutput(0, reshaped(in, spec, slots.attrs().get(REVERSE)));
            }
            super.inferShapesPartial(slots);
        }

        /** {@code d} reshaped by the special codes of {@code spec}, failing as this op. */
        private Shape reshaped(Shape d, IntTuple spec, boolean reverse) {
            try {
                return d.reshape(spec.toArray(), reverse);
            } catch (KilnException e) {
                String m = e.getMessage();
                throw error(m.startsWith("Reshape: ") ? m.substring("Reshape: ".length()) : m);
            }
        }

        private Shape legacy(Shape d, int[] out, boolean keepHighest) {
            int start = 0;
            if (keepHighest) {
                if (d.rank() == 0) {
                    throw error("keep_highest=True needs an input of rank >= 1, got shape " + d);
                }
                out[0] = d.get(0);
                start = 1;
            }
            int zeros = 0;
            int inferAt = -1;
            long known = 1;
            for (int i = 0; i < out.length; i++) {
                if (i >= start && out[i] == 0) {
                    zeros++;
                    inferAt = i;
                } else if (out[i] < 0) {
                    throw error("target_shape=" + Arrays.toString(out) + " has a negative dim");
                } else {
                    known *= out[i];
                }
            }
            if (zeros > 1) {
                throw error("target_shape=" + Arrays.toString(out) + " may have at most one 0 (inferred) dim");
            }
            if (zeros == 1) {
                if (known == 0 || d.sizeLong() % known != 0) {
                    throw error("cannot infer the 0 dim of target_shape=" + Arrays.toString(out) + " for input shape "
                            + d);
                }
                out[inferAt] = (int) (d.sizeLong() / known);
            }
            Shape s = Shape.of(out);
            if (s.sizeLong() != d.sizeLong()) {
                throw error("target_shape " + s + " has " + s.sizeLong() + " elements but input shape " + d + " has "
                        + d.sizeLong());
            }
            return s;
        }
    }

    /** {@code reshape_like}: replaces dims {@code [lhs_begin, lhs_end)} of lhs by dims {@code [rhs_begin, rhs_end)} of rhs. */
    static final class ReshapeLike extends Relabel {
        static final AttrSpec<Integer> LHS_BEGIN = AttrSpec.optional("lhs_begin", AttrType.INT,
                "first lhs dim to replace (default 0); negative counts from the end");
        static final AttrSpec<Integer> LHS_END = AttrSpec.optional("lhs_end", AttrType.INT,
                "end of the lhs dims to replace (default: rank); negative counts from the end");
        static final AttrSpec<Integer> RHS_BEGIN = AttrSpec.optional("rhs_begin", AttrType.INT,
                "first rhs dim to copy (default 0); negative counts from the end");
        static final AttrSpec<Integer> RHS_END = AttrSpec.optional("rhs_end", AttrType.INT,
                "end of the rhs dims to copy (default: rank); negative counts from the end");

        ReshapeLike() {
            super("reshape_like", List.of("lhs", "rhs"), List.of(LHS_BEGIN, LHS_END, RHS_BEGIN, RHS_END));
        }

        @Override
        public String doc() {
            return "Reshapes some or all dims of lhs to the corresponding dims of rhs.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            int[] l = in.get(0).dims();
            int[] r = in.get(1).dims();
            int[] lr = range(l.length, attrs.get(LHS_BEGIN), attrs.get(LHS_END), "lhs", in.get(0));
            int[] rr = range(r.length, attrs.get(RHS_BEGIN), attrs.get(RHS_END), "rhs", in.get(1));
            int[] out = new int[l.length - (lr[1] - lr[0]) + (rr[1] - rr[0])];
            int o = 0;
            for (int i = 0; i < lr[0]; i++) {
                out[o++] = l[i];
            }
            for (int i = rr[0]; i < rr[1]; i++) {
                out[o++] = r[i];
            }
            for (int i = lr[1]; i < l.length; i++) {
                out[o++] = l[i];
            }
            Shape s = Shape.of(out);
            if (s.sizeLong() != in.get(0).sizeLong()) {
                throw error("cannot reshape lhs of shape " + in.get(0) + " to " + s + " (taken from rhs shape "
                        + in.get(1) + "): they have different sizes");
            }
            return List.of(s);
        }

        private int[] range(int rank, Integer begin, Integer end, String side, Shape shape) {
            int b = begin == null ? 0 : begin;
            if (b < 0) {
                b += rank;
            }
            int e = end == null ? rank : end;
            if (e < 0) {
                e += rank;
            }
            if (e > rank || b < 0 || e < 0 || b >= e) {
                throw error("invalid " + side + "_begin=" + (begin == null ? "None" : begin) + ", " + side + "_end="
                        + (end == null ? "None" : end) + " for " + side + " shape " + shape);
            }
            return new int[] {b, e};
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
    }

    /** {@code Flatten}: collapses all dims after the first, {@code (d0, d1, ..., dk)} to {@code (d0, d1*...*dk)}. */
    static final class Flatten extends Relabel {
        Flatten() {
            super("Flatten", DATA, List.of(), "flatten");
        }

        @Override
        public String doc() {
            return "Flattens the input to 2-D, keeping the first dim.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            Shape d = in.get(0);
            if (d.rank() == 0) {
                throw error("cannot flatten a 0-d input of shape " + d);
            }
            return List.of(Shape.of(d.get(0), d.sizeOf(1, d.rank())));
        }

        /**
         * The output is (batch, product of the other dims), unknown where a factor is; a known output gives the data
         * its batch size and, if only one of its other dims is unknown, that dim.
         */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            Shape out = slots.output(0);
            Shape in = slots.input(0);
            if (ShapeSlots.isRankKnown(in) && in.rank() >= 1) {
                if (ShapeSlots.isRankKnown(out) && out.rank() == 2) {
                    slots.learnInput(0, ShapeSlots.unknownDims(in.rank()).with(0, out.get(0)));
                    slots.assignInput(0, ShapeSlots.fillProduct(slots.input(0), 1, in.rank(), out.get(1)));
                    in = slots.input(0);
                }
                slots.assignOutput(0, Shape.partial(in.get(0), ShapeSlots.product(in, 1, in.rank())));
            }
            slots.forward();
        }
    }

    /** {@code expand_dims}: inserts a dim of size 1 at {@code axis} in {@code [-ndim-1, ndim]}. */
    static final class ExpandDims extends Relabel {
        static final AttrSpec<Integer> AXIS = AttrSpec.required("axis", AttrType.INT,
                "where the new axis goes, in [-ndim-1, ndim]");

        ExpandDims() {
            super("expand_dims", DATA, List.of(AXIS));
        }

        @Override
        public String doc() {
            return "Inserts a new axis of size 1.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            Shape d = in.get(0);
            int axis = attrs.get(AXIS);
            int a = axis < 0 ? axis + d.rank() + 1 : axis;
            if (a < 0 || a > d.rank()) {
                throw error("attribute axis=" + axis + " is out of range for input shape " + d + " (valid: -"
                        + (d.rank() + 1) + ".." + d.rank() + ")");
            }
            return List.of(d.insert(a, 1));
        }

        /** The output is the input with a 1 inserted at the axis, so either gives the other's dims. */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            int axis = slots.attrs().get(AXIS);
            Shape out = slots.output(0);
            if (ShapeSlots.isRankKnown(out) && out.rank() >= 1) {
                int a = axis < 0 ? axis + out.rank() : axis;
                if (a >= 0 && a < out.rank()) {
                    slots.learnInput(0, out.remove(a));
                }
            }
            Shape in = slots.input(0);
            if (ShapeSlots.isRankKnown(in)) {
                int a = axis < 0 ? axis + in.rank() + 1 : axis;
                if (a >= 0 && a <= in.rank()) {
                    slots.assignOutput(0, in.insert(a, 1));
                }
            }
            slots.forward();
        }
    }

    /**
     * {@code squeeze}: removes the given size-1 axes, or all of them; as in MXNet 1.x, a result with no dims left is
     * {@code (1,)}.
     */
    static final class Squeeze extends Relabel {
        static final AttrSpec<IntTuple> AXIS = AttrSpec.optional("axis", AttrType.TUPLE,
                "the size-1 axes to remove; None removes every size-1 axis");

        Squeeze() {
            super("squeeze", DATA, List.of(AXIS));
        }

        @Override
        public String doc() {
            return "Removes axes of size 1.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            Shape d = in.get(0);
            int[] dims = d.dims();
            boolean[] drop = new boolean[dims.length];
            IntTuple axes = attrs.get(AXIS);
            if (axes == null) {
                for (int i = 0; i < dims.length; i++) {
                    drop[i] = dims[i] == 1;
                }
            } else {
                for (int i = 0; i < axes.size(); i++) {
                    int a = axis(axes.get(i), dims.length, "axis", d);
                    if (dims[a] != 1) {
                        throw error("cannot squeeze axis " + axes.get(i) + " of input shape " + d + ": its size is "
                                + dims[a] + ", not 1");
                    }
                    if (drop[a]) {
                        throw error("attribute axis=" + axes + " names axis " + a + " twice");
                    }
                    drop[a] = true;
                }
            }
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < dims.length; i++) {
                if (!drop[i]) {
                    out.add(dims[i]);
                }
            }
            if (out.isEmpty()) {
                return List.of(Shape.of(1));
            }
            return List.of(Shape.of(out.stream().mapToInt(Integer::intValue).toArray()));
        }
    }
}
