package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Map;

import static dev.kiln.optimizer.StateMath.add;
import static dev.kiln.optimizer.StateMath.assign;
import static dev.kiln.optimizer.StateMath.div;
import static dev.kiln.optimizer.StateMath.mul;
import static dev.kiln.optimizer.StateMath.plus;
import static dev.kiln.optimizer.StateMath.rescaled;
import static dev.kiln.optimizer.StateMath.scale;
import static dev.kiln.optimizer.StateMath.sqrt;
import static dev.kiln.optimizer.StateMath.sub;

/**
 * AdaDelta, MXNet 1.x's {@code AdaDelta} (Python there, the same array ops here), which has no learning rate:
 * {@code g = clip(rescale_grad * grad)}, {@code acc_g = rho * acc_g + (1 - rho) * g^2},
 * {@code delta = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon) * g},
 * {@code acc_delta = rho * acc_delta + (1 - rho) * delta^2}, {@code weight -= delta + wd * weight}. MXNet scales the
 * caller's gradient array in place; Kiln leaves it as it was. Options: {@code rho} (0.9), {@code epsilon} (1e-5),
 * and the common ones.
 */
public final class AdaDelta extends Optimizer {
    private final double rho;
    private final double epsilon;

    /** AdaDelta with MXNet's defaults. */
    public AdaDelta() {
        this(OptimizerOptions.of(Map.of()));
    }

    AdaDelta(OptimizerOptions options) {
        super("adadelta", options, 0.01);
        this.rho = options.number("rho", 0.9);
        this.epsilon = options.number("epsilon", 1e-5);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The averages of squared gradients and of squared steps ({@code acc_g}, {@code acc_delta}). */
    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return States.zeros(weight, "acc_g", "acc_delta");
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        NDArray g = rescaled(grad, rescaleGrad(), null, 0, clipGradient());
        NDArray accG = state.get("acc_g");
        NDArray accDelta = state.get("acc_delta");
        assign(accG, add(scale(accG, rho), mul(scale(g, 1 - rho), g)));
        NDArray delta = mul(div(sqrt(plus(accDelta, epsilon)), sqrt(plus(accG, epsilon))), g);
        assign(accDelta, add(scale(accDelta, rho), mul(scale(delta, 1 - rho), delta)));
        assign(weight, sub(weight, add(delta, scale(weight, wd))));
    }

    /** Builds an {@link AdaDelta}. */
    public static final class Builder extends OptimizerBuilder<Builder, AdaDelta> {
        Builder() {
            super(AdaDelta::new);
        }

        public Builder rho(double rho) {
            return set("rho", rho);
        }

        public Builder epsilon(double epsilon) {
            return set("epsilon", epsilon);
        }
    }
}
