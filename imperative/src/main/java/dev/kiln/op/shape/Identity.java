package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.InPlaceOption;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.List;

/**
 * Ops whose output has the input's shape or describes it: {@code _copy} (alias {@code identity}), {@code BlockGrad}
 * (alias {@code stop_gradient}), {@code Cast} (alias {@code cast}), {@code zeros_like}, {@code ones_like},
 * {@code shape_array} and {@code size_array}, and {@code _cast_like}, the cast that carries Cast's gradient back.
 */
final class Identity {
    private Identity() {
    }

    /** Base of the same-shape ops here. */
    abstract static class SameShape extends ShapeOp {
        SameShape(String name, List<AttrSpec<?>> attrs, String... aliases) {
            super(name, DATA, attrs, aliases);
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            requireKnown(in);
            return List.of(in.get(0));
        }

        /** Input and output share one shape (MXNet's {@code ElemwiseShape}). */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            slots.unifyAll();
            slots.forward();
        }
    }

    /** {@code _copy} (alias {@code identity}): a copy of the input. */
    static final class Copy extends SameShape {
        Copy() {
            super("_copy", List.of(), "identity");
        }

        @Override
        public String doc() {
            return "Returns a copy of the input.";
        }

        /** The copy equals the data, so it may share the data's storage. */
        @Override
        public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
            return InPlaceOption.RELABELS_DATA;
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return relabel(call);
        }

        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return g.grads(g.outGrad(0));
        }
    }

    /**
     * {@code BlockGrad} (alias {@code stop_gradient}): the forward pass is a copy; no gradient flows back through it,
     * which {@link #isDifferentiable()} tells autograd.
     */
    static final class BlockGrad extends SameShape {
        BlockGrad() {
            super("BlockGrad", List.of(), "stop_gradient");
        }

        @Override
        public String doc() {
            return "Passes the input through and stops gradients flowing back to it.";
        }

        /** The output equals the data, so it may share the data's storage. */
        @Override
        public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
            return InPlaceOption.RELABELS_DATA;
        }

        @Override
        public boolean isDifferentiable() {
            return false;
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return relabel(call);
        }
    }

    /** {@code Cast} (alias {@code cast}): converts elements to {@code dtype} with MXNet's casting rules. */
    static final class Cast extends SameShape {
        static final AttrSpec<DType> DTYPE = AttrSpec.required("dtype", AttrType.DTYPE, "the output dtype");

        Cast() {
            super("Cast", List.of(DTYPE), "cast");
        }

        @Override
        public String doc() {
            return "Casts the elements to a new dtype.";
        }

        @Override
        public List<DType> inferTypes(Attrs attrs, List<DType> in) {
            return List.of(attrs.get(DTYPE));
        }

        /** The output has the {@code dtype} attribute's dtype whatever the input's. */
        @Override
        public void inferTypesPartial(TypeSlots slots) {
            slots.assignOutput(0, slots.attrs().get(DTYPE));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            NDArray x = call.input(0);
            return List.of(call.wrapOutput(0, Storage.convert(x.dtype(), x.data(), call.attr(DTYPE))));
        }

        /** The gradient goes back to the input's dtype, through an op so that it needs no array metadata. */
        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return g.grads(g.apply("_cast_like", g.outGrad(0), g.input(0)));
        }
    }

    /**
     * {@code _cast_like}: {@code data} cast to the dtype of {@code like}, keeping its own shape. Cast's gradient uses
     * it to return to the input's dtype without reading the dtype in the rule.
     */
    static final class CastLike extends ShapeOp {
        CastLike() {
            super("_cast_like", List.of("data", "like"), List.of());
        }

        @Override
        public String doc() {
            return "Casts data to the dtype of like.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            return List.of(in.get(0));
        }

        @Override
        public List<DType> inferTypes(Attrs attrs, List<DType> in) {
            return List.of(in.get(1));
        }

        /** The output has data's shape and like's dtype. */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            slots.unify(new int[] {0}, new int[] {0});
        }

        @Override
        public void inferTypesPartial(TypeSlots slots) {
            slots.unify(new int[] {1}, new int[] {0});
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            NDArray x = call.input(0);
            return List.of(call.wrapOutput(0, Storage.convert(x.dtype(), x.data(), call.outputTypes().get(0))));
        }

        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return g.grads(g.apply("_cast_like", g.outGrad(0), g.input(0)), null);
        }
    }

    /** {@code zeros_like} and {@code ones_like}: a constant array of the input's shape and dtype; no gradient. */
    static final class FillLike extends SameShape {
        private final double value;

        FillLike(String name, double value) {
            super(name, List.of());
            this.value = value;
        }

        @Override
        public String doc() {
            return "Returns an array of " + (value == 0 ? "zeros" : "ones") + " with the input's shape and dtype.";
        }

        @Override
        public boolean isDifferentiable() {
            return false;
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            NDArray out = call.newOutput(0);
            if (value != 0) {
                out.fill(value);
            }
            return List.of(out);
        }
    }

    /** {@code shape_array}: the input's shape as a 1-D int64 array. */
    static final class ShapeArray extends ShapeOp {
        ShapeArray() {
            super("shape_array", DATA, List.of());
        }

        @Override
        public String doc() {
            return "Returns the shape of the input as a 1-D int64 array.";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            return List.of(Shape.of(in.get(0).rank()));
        }

        @Override
        public List<DType> inferTypes(Attrs attrs, List<DType> in) {
            return List.of(DType.INT64);
        }

        /** The output is (rank,) as soon as the input's rank is known, and int64 whatever its dtype. */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            if (ShapeSlots.isRankKnown(slots.input(0))) {
                slots.assignOutput(0, Shape.of(slots.input(0).rank()));
            }
        }

        @Override
        public void inferTypesPartial(TypeSlots slots) {
            slots.assignOutput(0, DType.INT64);
        }

        @Override
        public boolean isDifferentiable() {
            return false;
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return List.of(call.wrapOutput(0, call.input(0).shape().toLongArray()));
        }
    }

    /** {@code size_array}: the input's number of elements as an int64 array of shape {@code (1,)}. */
    static final class SizeArray extends ShapeOp {
        SizeArray() {
            super("size_array", DATA, List.of());
        }

        @Override
        public String doc() {
            return "Returns the number of elements of the input as an int64 array of shape (1,).";
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            return List.of(Shape.of(1));
        }

        @Override
        public List<DType> inferTypes(Attrs attrs, List<DType> in) {
            return List.of(DType.INT64);
        }

        /** The output is an int64 (1,) whatever the input. */
        @Override
        public void inferShapesPartial(ShapeSlots slots) {
            slots.assignOutput(0, Shape.of(1));
        }

        @Override
        public void inferTypesPartial(TypeSlots slots) {
            slots.assignOutput(0, DType.INT64);
        }

        @Override
        public boolean isDifferentiable() {
            return false;
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return List.of(call.wrapOutput(0, new long[] {call.input(0).shape().sizeLong()}));
        }
    }
}
