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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ops that cut one array into several along an axis: {@code SliceChannel} (alias {@code split}, equal parts) and
 * {@code _split_v2} (at given indices or into sections, as NumPy's {@code array_split}). The gradient joins the
 * outputs' gradients again, zeros standing in for outputs that received none.
 */
final class Splitting {
    private Splitting() {
    }

    /** The parts' gradients concatenated along {@code axis}, or stacked on it when the split squeezed it away. */
    static <T> List<T> joinGradients(Gradient<T> g, int parts, int axis, boolean squeezed) {
        List<T> grads = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            grads.add(g.outGrad(i));
        }
        T joined = squeezed
                ? g.apply("stack", Map.of("num_args", parts, "axis", axis), ShapeOp.array(grads))
                : g.apply("Concat", Map.of("num_args", parts, "dim", axis), ShapeOp.array(grads));
        return g.grads(joined);
    }

    /** Output shapes for parts {@code [bounds[i], bounds[i+1])} of {@code axis}, with the axis dropped if squeezed. */
    static List<Shape> partShapes(Shape in, int axis, int[] bounds, boolean squeeze) {
        List<Shape> out = new ArrayList<>(bounds.length - 1);
        for (int i = 0; i + 1 < bounds.length; i++) {
            out.add(squeeze ? in.remove(axis) : in.with(axis, bounds[i + 1] - bounds[i]));
        }
        return out;
    }

    /** Reads each part of the input as a strided view into its output. */
    static List<NDArray> cut(Invocation call, int axis, int[] bounds) {
        NDArray x = call.input(0);
        int[] dims = x.shape().dims();
        int outer = Strided.product(dims, 0, axis);
        int inner = Strided.product(dims, axis + 1, dims.length);
        List<NDArray> outs = new ArrayList<>(bounds.length - 1);
        for (int i = 0; i + 1 < bounds.length; i++) {
            NDArray o = call.newOutput(i);
            int len = bounds[i + 1] - bounds[i];
            Strided.gather(x.data(), bounds[i] * inner, new int[] {outer, len * inner},
                    new int[] {dims[axis] * inner, 1}, o.data());
            outs.add(o);
        }
        return outs;
    }

    /** Base of the split ops: cuts input 0 at {@link #bounds} along the axis attribute, and joins the gradients back. */
    abstract static class Split extends ShapeOp {
        private final AttrSpec<Integer> axisAttr;
        private final AttrSpec<Boolean> squeezeAttr;

        Split(String name, List<AttrSpec<?>> attrs, AttrSpec<Integer> axis, AttrSpec<Boolean> squeezeAxis,
              String... aliases) {
            super(name, DATA, attrs, aliases);
            this.axisAttr = axis;
            this.squeezeAttr = squeezeAxis;
        }

        /** The part boundaries along the split axis of an input of shape {@code in}, from 0 to its length. */
        abstract int[] bounds(Attrs attrs, Shape in);

        @Override
        public final List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            Shape s = in.get(0);
            int[] b = bounds(attrs, s);
            return partShapes(s, axis(attrs.get(axisAttr), s.rank(), "axis", s), b, attrs.get(squeezeAttr));
        }

        /**
         * As MXNet: once the input's rank is known the parts follow, its other dims carried over known or not; an
         * unknown length of the split axis leaves the parts' lengths unknown, unless the axis is squeezed away, when
         * every part has length 1 and the axis is as long as there are parts.
         */
        @Override
        public final void inferShapesPartial(ShapeSlots slots) {
            Shape s = slots.input(0);
            if (ShapeSlots.isRankKnown(s) && s.rank() > 0 && !s.isKnown()) {
                Attrs attrs = slots.attrs();
                int axis = axis(attrs.get(axisAttr), s.rank(), "axis", s);
                boolean squeeze = attrs.get(squeezeAttr);
                if (squeeze && s.get(axis) == Shape.UNKNOWN) {
                    slots.assignInput(0, s.with(axis, slots.numOutputs()));
                    s = slots.input(0);
                }
                if (s.get(axis) != Shape.UNKNOWN) {
                    slots.assignOutputs(partShapes(s, axis, bounds(attrs, s), squeeze));
                } else {
                    for (int i = 0; i < slots.numOutputs(); i++) {
                        slots.assignOutput(i, squeeze ? s.remove(axis) : s);
                    }
                }
            }
            slots.forward();
        }

        @Override
        public final List<NDArray> compute(Invocation call) {
            Shape s = call.input(0).shape();
            return cut(call, axis(call.attr(axisAttr), s.rank(), "axis", s), bounds(call.attrs(), s));
        }

        @Override
        public final <T> List<T> gradient(Gradient<T> g) {
            return joinGradients(g, numOutputs(g.attrs()), g.attr(axisAttr), g.attr(squeezeAttr));
        }
    }

    /** {@code SliceChannel} (alias {@code split}): {@code num_outputs} equal parts along {@code axis}. */
    static final class SliceChannel extends Split {
        static final AttrSpec<Integer> NUM_OUTPUTS = AttrSpec.required("num_outputs", AttrType.INT,
                "number of parts; must divide the length of axis");
        static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, 1, "the axis to split along");
        static final AttrSpec<Boolean> SQUEEZE_AXIS = AttrSpec.of("squeeze_axis", AttrType.BOOL, false,
                "drop the split axis from the outputs; needs input.shape[axis] == num_outputs");

        SliceChannel() {
            super("SliceChannel", List.of(NUM_OUTPUTS, AXIS, SQUEEZE_AXIS), AXIS, SQUEEZE_AXIS, "split");
        }

        @Override
        public String doc() {
            return "Splits an array into equal parts along an axis.";
        }

        @Override
        public int numOutputs(Attrs attrs) {
            int n = attrs.get(NUM_OUTPUTS);
            if (n < 1) {
                throw error("attribute num_outputs=" + n + " must be at least 1");
            }
            return n;
        }

        @Override
        int[] bounds(Attrs attrs, Shape in) {
            int n = numOutputs(attrs);
            if (in.rank() == 0) {
                throw error("cannot split a 0-d input of shape " + in);
            }
            int axis = axis(attrs.get(AXIS), in.rank(), "axis", in);
            int len = in.get(axis);
            if (len % n != 0) {
                throw error("cannot split axis " + axis + " of input shape " + in + " into num_outputs=" + n
                        + " equal parts: " + n + " does not divide " + len);
            }
            if (attrs.get(SQUEEZE_AXIS) && len != n) {
                throw error("squeeze_axis=True needs input.shape[axis] == num_outputs, got input shape " + in
                        + ", axis=" + axis + ", num_outputs=" + n);
            }
            int[] b = new int[n + 1];
            for (int i = 0; i <= n; i++) {
                b[i] = i * (len / n);
            }
            return b;
        }
    }

    /**
     * {@code _split_v2}: splits at {@code indices} (which start with 0, as MXNet's front end writes them) or, when
     * {@code sections > 0}, into that many nearly equal parts, the first ones one element longer.
     */
    static final class SplitV2 extends Split {
        static final AttrSpec<IntTuple> INDICES = AttrSpec.required("indices", AttrType.TUPLE,
                "start of each part along axis, beginning with 0; ignored when sections > 0");
        static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, 1, "the axis to split along");
        static final AttrSpec<Boolean> SQUEEZE_AXIS = AttrSpec.of("squeeze_axis", AttrType.BOOL, false,
                "drop the split axis from the outputs; every part must then have length 1");
        static final AttrSpec<Integer> SECTIONS = AttrSpec.of("sections", AttrType.INT, 0,
                "number of nearly equal parts; 0 splits by indices");

        SplitV2() {
            super("_split_v2", List.of(INDICES, AXIS, SQUEEZE_AXIS, SECTIONS), AXIS, SQUEEZE_AXIS);
        }

        @Override
        public String doc() {
            return "Splits an array at given indices or into sections along an axis.";
        }

        @Override
        public int numOutputs(Attrs attrs) {
            int sections = attrs.get(SECTIONS);
            if (sections < 0) {
                throw error("attribute sections=" + sections + " must be >= 0");
            }
            int n = sections > 0 ? sections : attrs.get(INDICES).size();
            if (n == 0) {
                throw error("needs sections > 0 or a non-empty indices, got indices=" + attrs.get(INDICES));
            }
            return n;
        }

        @Override
        int[] bounds(Attrs attrs, Shape in) {
            int n = numOutputs(attrs);
            if (in.rank() == 0) {
                throw error("cannot split a 0-d input of shape " + in);
            }
            int len = in.get(axis(attrs.get(AXIS), in.rank(), "axis", in));
            int[] b = new int[n + 1];
            int sections = attrs.get(SECTIONS);
            if (sections > 0) {
                int small = len / sections;
                int bigOnes = len % sections;
                for (int i = 0; i < sections; i++) {
                    b[i + 1] = b[i] + (i < bigOnes ? small + 1 : small);
                }
            } else {
                IntTuple idx = attrs.get(INDICES);
                for (int i = 0; i < n; i++) {
                    b[i] = idx.get(i);
                }
                b[n] = len;
                if (b[0] != 0) {
                    throw error("attribute indices=" + idx + " must start with 0");
                }
                for (int i = 0; i < n; i++) {
                    if (b[i] > b[i + 1]) {
                        throw error("attribute indices=" + idx + " must be ascending and at most " + len
                                + " (the length of the split axis of input shape " + in + ")");
                    }
                }
            }
            if (attrs.get(SQUEEZE_AXIS)) {
                for (int i = 0; i < n; i++) {
                    if (b[i + 1] - b[i] != 1) {
                        throw error("squeeze_axis=True needs every part to have length 1, but part " + i + " of input "
                                + "shape " + in + " has length " + (b[i + 1] - b[i]));
                    }
                }
            }
            return b;
        }
    }
}
