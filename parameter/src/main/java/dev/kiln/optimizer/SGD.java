package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, MXNet 1.x's {@code SGD}: {@code sgd_update} without momentum,
 * {@code sgd_mom_update} with it ({@code mom = momentum * mom - lr * wd * weight - lr * clip(rescale_grad * grad);
 * weight += mom}). Options: {@code momentum} (0), {@code lazy_update} (true; it only matters for row-sparse
 * gradients, which Kiln does not have), and the common ones with {@code learning_rate} 0.01.
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final boolean lazyUpdate;

    /** SGD with MXNet's defaults: learning rate 0.01, no momentum. */
    public SGD() {
        this(OptimizerOptions.of(Map.of()));
    }

    SGD(OptimizerOptions options) {
        super("sgd", options, 0.01);
        this.momentum = options.number("momentum", 0.0);
        this.lazyUpdate = options.flag("lazy_update", true);
    }

    public static Builder builder() {
        return new Builder();
    }

    public double momentum() {
        return momentum;
    }

    /** Momentum ({@code mom}) when {@code momentum} is non-zero, else nothing. */
    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return States.momentum(momentum, weight);
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        Map<String, Object> attrs = updateAttrs(lr, wd);
        attrs.put("lazy_update", lazyUpdate);
        applyMomentumUpdate("sgd_mom_update", Map.of("momentum", Math.max(momentum, 0)), "sgd_update", attrs,
                weight, grad, state);
    }

    /** Builds an {@link SGD}. */
    public static final class Builder extends OptimizerBuilder<Builder, SGD> {
        Builder() {
            super(SGD::new);
        }

        public Builder momentum(double momentum) {
            return set("momentum", momentum);
        }

        public Builder lazyUpdate(boolean lazy) {
            return set("lazy_update", lazy);
        }
    }
}
