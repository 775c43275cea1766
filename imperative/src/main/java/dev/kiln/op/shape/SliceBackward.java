package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;

import java.util.List;

/**
 * The gradients of the slicing ops: {@code _backward_slice}, {@code _backward_slice_axis} and
 * {@code _backward_slice_like}, each taking {@code (out_grad, data)} and writing {@code out_grad} into zeros of
 * {@code data}'s shape at the elements the slice took ({@code data} lends only its shape). Each is linear in
 * {@code out_grad}, so its own gradient is the forward slice, which keeps higher orders working.
 */
abstract class SliceBackward extends ShapeOp {
    private static final List<String> INPUTS = List.of("out_grad", "data");

    SliceBackward(String name, List<AttrSpec<?>> attrs) {
        super(name, INPUTS, attrs);
    }

    /** The ranges the forward slice took from an input of shape {@code data}. */
    abstract Slicing.Ranges ranges(Attrs attrs, Shape data, Shape outGrad);

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        requireKnown(in);
        Shape taken = ranges(attrs, in.get(1), in.get(0)).shape();
        if (!taken.equals(in.get(0))) {
            throw error("out_grad has shape " + in.get(0) + " but the slice of data shape " + in.get(1) + " has shape "
                    + taken);
        }
        return List.of(in.get(1));
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return List.of(in.get(0));
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray out = call.newOutput(0);
        ranges(call.attrs(), out.shape(), call.input(0).shape()).write(call.input(0), out);
        return List.of(out);
    }

    /** {@code _backward_slice}: with {@code slice}'s begin, end and step. */
    static final class OfSlice extends SliceBackward {
        private static final Slicing.Slice FORWARD = new Slicing.Slice();

        OfSlice() {
            super("_backward_slice", List.of(Slicing.Slice.BEGIN, Slicing.Slice.END, Slicing.Slice.STEP));
        }

        @Override
        public String doc() {
            return "Scatters slice's output gradient into zeros of the input's shape.";
        }

        @Override
        Slicing.Ranges ranges(Attrs attrs, Shape data, Shape outGrad) {
            return FORWARD.ranges(attrs, data);
        }

        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return g.grads(g.apply("slice", g.attrs().values(), g.outGrad(0)), null);
        }
    }

    /** {@code _backward_slice_axis}: with {@code slice_axis}'s axis, begin and end. */
    static final class OfSliceAxis extends SliceBackward {
        private static final Slicing.SliceAxis FORWARD = new Slicing.SliceAxis();

        OfSliceAxis() {
            super("_backward_slice_axis", List.of(Slicing.SliceAxis.AXIS, Slicing.SliceAxis.BEGIN,
                    Slicing.SliceAxis.END));
        }

        @Override
        public String doc() {
            return "Scatters slice_axis's output gradient into zeros of the input's shape.";
        }

        @Override
        Slicing.Ranges ranges(Attrs attrs, Shape data, Shape outGrad) {
            return FORWARD.ranges(attrs, data);
        }

        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return g.grads(g.apply("slice_axis", g.attrs().values(), g.outGrad(0)), null);
        }
    }

    /**
     * {@code _backward_slice_like}: slice_like always starts at index 0, so {@code out_grad}'s own shape says what was
     * taken; no attributes are needed.
     */
    static final class OfSliceLike extends SliceBackward {
        OfSliceLike() {
            super("_backward_slice_like", List.of());
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
