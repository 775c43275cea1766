package dev.kiln.op.shape;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The gradients of the slicing ops: {@code _backward_slice}, {@code _backward_slice_axis} and
 * {@code _backward_slice_like}, each taking {@code (out_grad, data)} and writing {@code out_grad} into zeros of
 * {@code data}'s shape at the elements the slice took ({@code data} lends only its shape). Each is linear in
 * {@code out_grad}, so its own gradient is the forward slice, which keeps higher orders working.
 */
abstract class SliceBackward extends ShapeBackward {

    SliceBackward(String name, List<AttrSpec<?>> attrs, String forward) {
        super(name, attrs, forward, "the slice of");
    }

    /** The ranges the forward slice took from an input of shape {@code data}. */
    abstract Slicing.Ranges ranges(Attrs attrs, Shape data, Shape outGrad);

    @Override
    final Shape forwardShape(Attrs attrs, Shape data, Shape outGrad) {
        return ranges(attrs, data, outGrad).shape();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray out = call.newOutput(0);
        ranges(call.attrs(), out.shape(), call.input(0).shape()).write(call.input(0), out);
        return List.of(out);
    }

    /** {@code _backward_slice} (with slice's begin, end and step) and {@code _backward_slice_axis} (axis, begin, end). */
    static final class OfRanges extends SliceBackward {
        private final BiFunction<Attrs, Shape, Slicing.Ranges> ranges;
        private final String doc;

        private OfRanges(String forward, List<AttrSpec<?>> attrs, BiFunction<Attrs, Shape, Slicing.Ranges> ranges) {
            super("_backward_" + forward, attrs, forward);
            this.ranges = ranges;
            this.doc = "Scatters " + forward + "'s output gradient into zeros of the input's shape.";
        }

        static OfRanges ofSlice() {
            return new OfRanges("slice", List.of(Slicing.Slice.BEGIN, Slicing.Slice.END, Slicing.Slice.STEP),
                    new Slicing.Slice()::ranges);
        }

        static OfRanges ofSliceAxis() {
            return new OfRanges("slice_axis", List.of(Slicing.SliceAxis.AXIS, Slicing.SliceAxis.BEGIN,
                    Slicing.SliceAxis.END), new Slicing.SliceAxis()::ranges);
        }

        @Override
        public String doc() {
            return doc;
        }

        @Override
        Slicing.Ranges ranges(Attrs attrs, Shape data, Shape outGrad) {
            return ranges.apply(attrs, data);
        }
    }

    /**
     * {@code _backward_slice_like}: slice_like always starts at index 0, so {@code out_grad}'s own shape says what was
     * taken; no attributes are needed.
     */
    static final class OfSliceLike extends SliceBackward {
        OfSliceLike() {
            super("_backward_slice_like", List.of(), "slice_like");
        }

        @Override
        public String doc() {
            return "Scatters slice_like's output gradient into zeros of the input's shape.";
        }

        @Override
        Slicing.Ranges ranges(Attrs attrs, Shape data, Shape outGrad) {
            if (data.rank() != outGrad.rank()) {
                throw error("out_grad shape " + outGrad + " and data shape " + data + " must have the same rank");
            }
            Slicing.Ranges rg = Slicing.Ranges.whole(outGrad);
            for (int i = 0; i < data.rank(); i++) {
                if (outGrad.get(i) > data.get(i)) {
                    throw error("out_grad shape " + outGrad + " is larger than data shape " + data + " on axis " + i);
                }
            }
            return rg;
        }

        /** Taking the leading part of the second-order gradient again, to out_grad's shape on every axis. */
        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return g.grads(g.apply("slice_like", g.outGrad(0), g.input(0)), null);
        }
    }
}
