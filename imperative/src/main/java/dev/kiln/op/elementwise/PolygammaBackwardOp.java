package dev.kiln.op.elementwise;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * {@code ograd * psi(data)} or {@code ograd * psi'(data)} elementwise, for two arrays of one shape and dtype: the
 * backward ops of {@code gammaln} (whose derivative is the digamma function psi; {@code gamma}'s is
 * {@code gamma * psi}) and of that backward op itself. No op can compose psi, so it lives in these kernels.
 * {@code _backward_gammaln} is differentiable through {@code _backward_digamma}, which makes gamma and gammaln twice
 * differentiable; a third derivative is an error.
 */
public final class PolygammaBackwardOp extends OpDef {
    private final DoubleUnaryOperator polygamma;
    private final boolean differentiable;

    private PolygammaBackwardOp(String name, DoubleUnaryOperator polygamma, boolean differentiable) {
        super(name, OpFamily.ELEMENTWISE, List.of("ograd", "data"), List.of());
        this.polygamma = polygamma;
        this.differentiable = differentiable;
    }

    /** {@code _backward_gammaln(ograd, data) = ograd * digamma(data)}. */
    static PolygammaBackwardOp gammaln() {
        return new PolygammaBackwardOp("_backward_gammaln", SpecialFunctions::digamma, true);
    }

    /** {@code _backward_digamma(ograd, data) = ograd * trigamma(data)}, the derivative of digamma. */
    static PolygammaBackwardOp digamma() {
        return new PolygammaBackwardOp("_backward_digamma", SpecialFunctions::trigamma, false);
    }

    @Override
    public String doc() {
        return differentiable ? "Gradient of gammaln: ograd times digamma(data), elementwise"
                : "Gradient of digamma: ograd times trigamma(data), elementwise";
    }

    @Override
    public boolean isDifferentiable() {
        return differentiable;
    }

    @Override
    public boolean hasZeroGradient() {
        return false;
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        if (!differentiable) {
            return super.gradient(g);
        }
        T ograd = g.input(0);
        T data = g.input(1);
        T dOgrad = g.requiresGrad(0) ? g.apply(name(), g.outGrad(0), data) : null;
        T dData = g.requiresGrad(1) ? g.apply("_backward_digamma", g.mul(g.outGrad(0), ograd), data) : null;
        return g.grads(dOgrad, dData);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape ograd = inputShapes.get(0);
        Shape data = inputShapes.get(1);
        if (!ograd.equals(data)) {
            throw error("input 'ograd' has shape " + ograd + " but 'data' has " + data + "; they must be equal");
        }
        return List.of(data);
    }

    /** ograd, data and the output share one shape (and, by the default rule, one dtype). */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unifyAll();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray ograd = call.input(0);
        NDArray data = call.input(1);
        NDArray out = call.newOutput(0);
        int n = out.size();
        DType t = out.dtype();
        switch (t) {
            case FLOAT32 -> {
                float[] go = (float[]) ograd.data();
                float[] x = (float[]) data.data();
                float[] o = (float[]) out.data();
                Parallel.forRange(n, UnaryOp.COSTLY_GRAIN, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        o[i] = (float) (go[i] * polygamma.applyAsDouble(x[i]));
                    }
                });
            }
            case FLOAT64 -> {
                double[] go = (double[]) ograd.data();
                double[] x = (double[]) data.data();
                double[] o = (double[]) out.data();
                Parallel.forRange(n, UnaryOp.COSTLY_GRAIN, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        o[i] = go[i] * polygamma.applyAsDouble(x[i]);
                    }
                });
            }
            default -> {
                Object go = ograd.data();
                Object x = data.data();
                Object o = out.data();
                Parallel.forRange(n, UnaryOp.COSTLY_GRAIN, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        Storage.set(t, o, i, Storage.get(t, go, i) * polygamma.applyAsDouble(Storage.get(t, x, i)));
                    }
                });
            }
        }
        return List.of(out);
    }
}
