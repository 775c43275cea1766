package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.InferenceSlots;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Ops that join several arrays into one: {@code Concat} and {@code stack}, inputs named {@code arg0..argN}, and
 * {@code _backward_Concat}, which cuts Concat's output gradient back into one part per input.
 */
final class Joining {
    private Joining() {
    }

    /** The inputs of a joining op with {@code num_args = n}: {@code arg0 ... arg(n-1)}, n at least 1. */
    static List<String> joinedNames(OpDef op, int n) {
        if (n < 1) {
            throw op.error("attribute num_args=" + n + " must be at least 1");
        }
        return argNames(n);
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
            return joinedNames(this, attrs.get(NUM_ARGS));
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

        /**
         * As MXNet: inputs and output agree on every dim but {@code dim}, known dims spreading among all of them; the
         * output's {@code dim} is the inputs' sum once all are known, and a known output with one unknown input
         * gives that input the rest.
         */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            List<Shape> in = slots.inputs();
            int rank = knownRank(in, slots.output(0));
            if (rank < 1) {
                slots.forward(); // rank 0 fails as in eager inference
                return;
            }
            int axis = axis(slots.attrs().get(DIM), rank, "dim", ShapeSlots.unknownDims(rank));
            Shape common = ShapeSlots.unknownDims(rank);
            for (int i = 0; i <= in.size(); i++) {
                Shape s = i < in.size() ? in.get(i) : slots.output(0);
                Shape merged = ShapeSlots.isRankKnown(s) && s.rank() == rank
                        ? ShapeSlots.mergeShapes(common, s.with(axis, Shape.UNKNOWN)) : common;
                if (merged == null || ShapeSlots.isRankKnown(s) && s.rank() != rank) {
                    throw error((i < in.size() ? "input arg" + i : "the output") + " has shape " + s
                            + " but the other inputs and output agree on " + common + "; all dims except dim="
                            + slots.attrs().get(DIM) + " must match");
                }
                common = merged;
            }
            int total = 0;
            int unknownAt = -1;
            for (int i = 0; i < in.size(); i++) {
                slots.assignInput(i, common);
                int d = slots.input(i).get(axis);
                if (d != Shape.UNKNOWN) {
                    total += d;
                } else {
                    unknownAt = unknownAt == -1 ? i : -2;
                }
            }
            Shape out = slots.output(0);
            int outDim = ShapeSlots.isRankKnown(out) ? out.get(axis) : Shape.UNKNOWN;
            if (unknownAt >= 0 && outDim != Shape.UNKNOWN && outDim >= total) {
                slots.assignInput(unknownAt, common.with(axis, outDim - total));
                unknownAt = -1;
                total = outDim;
            }
            slots.assignOutput(0, common.with(axis, unknownAt == -1 ? total : Shape.UNKNOWN));
            slots.forward();
        }

        /** The rank of the first input or output whose rank is known, or -1. */
        private static int knownRank(List<Shape> in, Shape out) {
            for (Shape s : in) {
                if (ShapeSlots.isRankKnown(s)) {
                    return s.rank();
                }
            }
            return ShapeSlots.isRankKnown(out) ? out.rank() : -1;
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

        /** Each input gets its part of the output gradient; the parts' sizes come from the inputs' shapes. */
        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            List<T> in = new ArrayList<>();
            in.add(g.outGrad(0));
            for (int i = 0; i < g.numInputs(); i++) {
                in.add(g.input(i));
            }
            return g.grads(array(g.applyAll("_backward_Concat", g.attrs().values(), array(in))));
        }
    }

    /**
     * {@code _backward_Concat(out_grad, arg0, ..., argN)}: the parts of {@code out_grad} along {@code dim} with the
     * sizes of the inputs of the Concat it undoes, one output per input. The inputs lend only their shapes.
     */
    static final class ConcatBackward extends ShapeOp {
        ConcatBackward() {
            super("_backward_Concat", List.of("out_grad", "data"), List.of(Concat.NUM_ARGS, Concat.DIM));
        }

        @Override
        public String doc() {
            return "Cuts Concat's output gradient into one part per input.";
        }

        @Override
        public List<String> inputNames(Attrs attrs) {
            List<String> names = new ArrayList<>();
            names.add("out_grad");
            names.addAll(argNames(numOutputs(attrs)));
            return names;
        }

        @Override
        public int numOutputs(Attrs attrs) {
            int n = attrs.get(Concat.NUM_ARGS);
            if (n < 1) {
                throw error("attribute num_args=" + n + " must be at least 1");
            }
            return n;
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            List<Shape> parts = in.subList(1, in.size());
            Shape joined = new Concat().inferShapes(attrs, parts).get(0);
            if (!joined.equals(in.get(0))) {
                throw error("out_grad has shape " + in.get(0) + " but the inputs join to " + joined);
            }
            return List.copyOf(parts);
        }

        @Override
        public List<DType> inferTypes(Attrs attrs, List<DType> in) {
            return Collections.nCopies(numOutputs(attrs), in.get(0));
        }

        /** Each part has the shape of the input it belongs to and out_grad's dtype. */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            for (int i = 0; i < slots.numOutputs(); i++) {
                slots.unify(new int[] {i + 1}, new int[] {i});
            }
            slots.forward();
        }

        @Override
        public void inferTypesPartial(TypeSlots slots) {
            slots.unify(new int[] {0}, InferenceSlots.indices(slots.numOutputs()));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            Shape s = call.input(0).shape();
            int axis = axis(call.attr(Concat.DIM), s.rank(), "dim", s);
            int n = numOutputs(call.attrs());
            int[] bounds = new int[n + 1];
            for (int i = 0; i < n; i++) {
                bounds[i + 1] = bounds[i] + call.input(i + 1).shape().get(axis);
            }
            return Splitting.cut(call, axis, bounds);
        }

        /** Linear in out_grad: its gradient joins the gradients of the parts again. */
        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            int n = numOutputs(g.attrs());
            List<T> out = new ArrayList<>(n + 1);
            List<T> parts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                parts.add(g.outGrad(i));
                out.add(null);
            }
            out.addFirst(g.apply("Concat", g.attrs().values(), array(parts)));
            return g.grads(array(out));
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
            return joinedNames(this, attrs.get(NUM_ARGS));
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

        /** The inputs share one shape; the output is it with the stacking axis of size num_args, either way. */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            int[] all = InferenceSlots.indices(slots.numInputs());
            Shape out = slots.output(0);
            if (ShapeSlots.isRankKnown(out) && out.rank() >= 1) {
                slots.learnInput(0, out.remove(axis(slots.attrs().get(AXIS), out.rank(), "axis", out)));
            }
            Shape in = slots.unify(all, new int[0]);
            if (ShapeSlots.isRankKnown(in)) {
                slots.assignOutput(0, in.insert(axis(slots.attrs().get(AXIS), in.rank() + 1, "axis", in), all.length));
            }
            slots.forward();
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

        /** The output gradient split back along the stacking axis, which is dropped from each part. */
        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return g.grads(array(g.applyAll("SliceChannel", Map.of("num_outputs", g.attr(NUM_ARGS), "axis",
                    g.attr(AXIS), "squeeze_axis", true), g.outGrad(0))));
        }
    }
}
