package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Ops;

import java.util.Map;

import static dev.kiln.optimizer.StateMath.add;
import static dev.kiln.optimizer.StateMath.assign;
import static dev.kiln.optimizer.StateMath.div;
import static dev.kiln.optimizer.StateMath.rescaled;
import static dev.kiln.optimizer.StateMath.scale;
import static dev.kiln.optimizer.StateMath.sub;

/**
 * Adamax (Adam under the infinity norm), MXNet 1.x's {@code Adamax}, defined in Python there and here composed of
 * the same array ops: {@code g = clip(rescale_grad * grad + wd * weight)}, {@code m = beta1 * m + (1 - beta1) * g},
 * {@code u = max(beta2 * u, |g|)}, {@code weight -= lr / (1 - beta1^t) * m / u}. Options: {@code beta1} (0.9),
 * {@code beta2} (0.999), and the common ones with {@code learning_rate} 0.002.
 */
public final class Adamax extends Optimizer {
    private final double beta1;
    private final double beta2;

    /** Adamax with MXNet's defaults. */
    public Adamax() {
        this(OptimizerOptions.of(Map.of()));
    }

    Adamax(OptimizerOptions options) {
        super("adamax", options, 0.002);
        this.beta1 = options.number("beta1", 0.9);
        this.beta2 = options.number("beta2", 0.999);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The first moment and the infinity-norm estimate ({@code mean}, {@code var}, MXNet's order). */
    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return States.moments(weight);
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        double stepLr = lr / (1 - Math.pow(beta1, updateCount(index)));
        NDArray g = rescaled(grad, rescaleGrad(), weight, wd, clipGradient());
        NDArray m = state.get("mean");
        NDArray u = state.get("var");
        assign(m, add(scale(m, beta1), scale(g, 1 - beta1)));
        assign(u, Ops.call("_maximum", scale(u, beta2), Ops.call("abs", g)));
        assign(weight, sub(weight, div(scale(m, stepLr), u)));
    }

    /** Builds an {@link Adamax}. */
    public static final class Builder extends OptimizerBuilder<Builder, Adamax> {
        Builder() {
            super(Adamax::new);
        }

        public Builder beta1(double beta1) {
            return set("beta1", beta1);
        }

        public Builder beta2(double beta2) {
            return set("beta2", beta2);
        }
    }
}
