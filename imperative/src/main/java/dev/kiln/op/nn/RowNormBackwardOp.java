package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * {@code _backward_LayerNorm}, {@code _backward_GroupNorm} and {@code _backward_InstanceNorm}: the gradients of
 * data, gamma and beta of a {@link RowNorm} op from the output gradient, the forward's data and gamma, its hidden mean
 * and standard deviation outputs, and the gradients that reached those two. Takes the forward op's attributes.
 */
final class RowNormBackwardOp extends NNBackwardOp {
    /** The row layout a forward op uses for given attributes and data shape. */
    @FunctionalInterface
    interface Layouts {
        RowNorm.Layout of(NNOp op, Attrs attrs, Shape data);
    }

    private final Layouts layouts;

    RowNormBackwardOp(String forward, List<AttrSpec<?>> attrs, Layouts layouts) {
        super("_backward_" + forward, List.of("out_grad", "data", "gamma", "mean", "std", "mean_grad", "std_grad"),
                attrs);
        this.layouts = layouts;
    }

    /** The rule of the forward ops: hands everything to {@code _backward_<name>} with the forward's attributes. */
    static <T> List<T> forwardGradient(Gradient<T> g) {
        List<T> d = g.applyAll("_backward_" + g.op().name(), g.attrs().values(), g.outGrad(0), g.input(0),
                g.input(1), g.output(1), g.output(2), g.outGrad(1), g.outGrad(2));
        return g.grads(d.get(0), d.get(1), d.get(2));
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return 3;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(inputTypes.get(1), inputTypes.get(2), inputTypes.get(2));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(1), inputShapes.get(2), inputShapes.get(2));
    }

    /**
     * out_grad, data and the data gradient share one shape; gamma and the gradients of gamma and beta share gamma's;
     * the statistics and their gradients share theirs.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {0, 1}, new int[] {0});
        slots.unify(new int[] {2}, new int[] {1, 2});
        slots.unify(new int[] {3, 4, 5, 6}, new int[0]);
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(1);
        NDArray dx = call.newOutput(0);
        double[][] params = RowNorm.backward(call.input(0), x, dx, layouts.of(this, call.attrs(), x.shape()),
                Rows.all(call.input(3)), Rows.all(call.input(4)), Rows.all(call.input(2)), Rows.all(call.input(5)),
                Rows.all(call.input(6)));
        NDArray dGamma = call.newOutput(1);
        NDArray dBeta = call.newOutput(2);
        Rows.scatter(params[0], 0, dGamma, 0, 1, params[0].length);
        Rows.scatter(params[1], 0, dBeta, 0, 1, params[1].length);
        return List.of(dx, dGamma, dBeta);
    }
}
