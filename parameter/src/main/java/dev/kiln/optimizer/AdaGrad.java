package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Map;

import static dev.kiln.optimizer.StateMath.add;
import static dev.kiln.optimizer.StateMath.assign;
import static dev.kiln.optimizer.StateMath.div;
import static dev.kiln.optimizer.StateMath.plus;
import static dev.kiln.optimizer.StateMath.rescaled;
import static dev.kiln.optimizer.StateMath.scale;
import static dev.kiln.optimizer.StateMath.sqrt;
import static dev.kiln.optimizer.StateMath.square;

/**
 * AdaGrad, MXNet 1.x's {@code AdaGrad} (dense path, Python there, the same array ops here):
 * {@code g = clip(rescale_grad * grad)}, {@code history += g^2},
 * {@code weight += (g / sqrt(history + eps) + wd * weight) * -lr}. Options: {@code eps} (1e-7; MXNet's name, not
 * {@code epsilon}) and the common ones with {@code learning_rate} 0.01.
 */
public final class AdaGrad extends Optimizer {
    private final double eps;

    /** AdaGrad with MXNet's defaults. */
    public AdaGrad() {
        this(OptimizerOptions.of(Map.of()));
    }

    AdaGrad(OptimizerOptions options) {
        super("adagrad", options, 0.01);
        this.eps = options.number("eps", 1e-7);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The sum of squared gradients ({@code history}). */
    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return States.zeros(weight, "history");
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        NDArray g = rescaled(grad, rescaleGrad(), null, 0, clipGradient());
        NDArray history = state.get("history");
        assign(history, add(history, square(g)));
        NDArray div = div(g, sqrt(plus(history, eps)));
        assign(weight, add(weight, scale(add(div, scale(weight, wd)), -lr)));
    }

    /** Builds an {@link AdaGrad}. */
    public static final class Builder extends OptimizerBuilder<Builder, AdaGrad> {
        Builder() {
            super(AdaGrad::new);
        }

        public Builder eps(double eps) {
            return set("eps", eps);
        }
    }
}
