package dev.kiln.op.shape;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Ops that join several arrays into one: {@code Concat} and {@code stack}. Inputs are named {@code arg0..argN}. */
final class Joining {
    private Joining() {
    }

    static List<String> argNames(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add("arg" + i);
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * Copies each input into its slot of the output, viewing the output as {@code (outer, total, inner)} and input
     * {@code i} as {@code (outer, sizes[i], inner)}.
     */
    static NDArray join(Invocation call, int outer, int inner, int[] sizes) {
        NDArray out = call.newOutput(0);
        int total = 0;
        for (int s : sizes) {
            total += s;
        }
        int offset = 0;
        for (int i = 0; i < sizes.length; i++) {
            int len = sizes[i] * inner;
            Strided.blocks(call.input(i).data(), 0, len, out.data(), offset * inner, total * inner, outer, len);
            offset += sizes[i];
        }
        return out;
    }

    /** {@code Concat} (alias {@code concat}): joins inputs along {@code dim}; all other dims must agree. */
    static final class Concat extends ShapeOp {
        static final AttrSpec<Integer> NUM_ARGS = AttrSpec.required("num_args", AttrType.INT,
                "number of inputs to concatenate");
        static final AttrSpec<Integer> DIM = AttrSpec.of("dim", AttrType.INT, 1, "the axis to concatenate along");

        Concat() {
            super("Concat", List.of("data"), List.of(NUM_ARGS, DIM), "concat");
        }

        @Override
        public String doc() {
            return "Joins arrays along an existing axis.";
        }

        @Override
        public List<String> inputNames(Attrs attrs) {
            int n = attrs.get(NUM_ARGS);
            if (n < 1) {
                throw error("attribute num_args=" + n + " must be at least 1");
            }
            return argNames(n);
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            Shape first = in.get(0);
            if (first.rank() == 0) {
                throw error("0-d arrays cannot be concatenated (arg0 has shape " + first + ")");
            }
            int axis = axis(attrs.get(DIM), first.rank(), "dim", first);
            int total = 0;
            for (int i = 0; i < in.size(); i++) {
                Shape s = in.get(i);
                boolean ok = s.rank() == first.rank();
                for (int d = 0; ok && d < s.rank(); d++) {
                    ok = d == axis || s.get(d) == first.get(d);
                }
                if (!ok) {
                    throw error("input arg" + i + " has shape " + s + " but arg0 has shape " + first
                            + "; all dims except dim=" + attrs.get(DIM) + " must match");
                }
                total += s.get(axis);
            }
            return List.of(first.with(axis, total));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            Shape first = call.input(0).shape();
            int axis = axis(call.attr(DIM), first.rank(), "dim", first);
            int[] sizes = new int[call.inputs().size()];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = call.input(i).shape().get(axis);
            }
            int[] dims = first.dims();
            return List.of(join(call, Strided.product(dims, 0, axis), Strided.product(dims, axis + 1, dims.length),
                    sizes));
        }
    }

    /** {@code stack}: joins equally shaped inputs along a new axis {@code axis} of the output. */
    static final class Stack extends ShapeOp {
        static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, 0,
                "the axis of the result along which the inputs are stacked");
        static final AttrSpec<Integer> NUM_ARGS = AttrSpec.required("num_args", AttrType.INT,
                "number of inputs to stack");

        Stack() {
            super("stack", List.of("data"), List.of(AXIS, NUM_ARGS));
        }

        @Override
        public String doc() {
            return "Joins equally shaped arrays along a new axis.";
        }

        @Override
        public List<String> inputNames(Attrs attrs) {
            int n = attrs.get(NUM_ARGS);
            if (n < 1) {
                throw error("attribute num_args=" + n + " must be at least 1");
            }
            return argNames(n);
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            Shape first = in.get(0);
            for (int i = 1; i < in.size(); i++) {
                if (!in.get(i).equals(first)) {
                    throw error("input arg" + i + " has shape " + in.get(i) + " but arg0 has shape " + first
                            + "; stacked inputs must have equal shapes");
                }
            }
            int axis = axis(attrs.get(AXIS), first.rank() + 1, "axis", first);
            return List.of(first.insert(axis, in.size()));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            Shape out = call.outputShapes().get(0);
            int axis = axis(call.attr(AXIS), out.rank(), "axis", call.input(0).shape());
            int[] dims = out.dims();
            int[] sizes = new int[call.inputs().size()];
            java.util.Arrays.fill(sizes, 1);
            return List.of(join(call, Strided.product(dims, 0, axis), Strided.product(dims, axis + 1, dims.length),
                    sizes));
        }
    }
}
