package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Map;

/**
 * Nesterov accelerated SGD, MXNet 1.x's {@code NAG}: {@code nag_mom_update} with momentum, plain {@code sgd_update}
 * without. Options: {@code momentum} (0) and the common ones with {@code learning_rate} 0.01.
 */
public final class NAG extends Optimizer {
    private final double momentum;

    /** NAG with MXNet's defaults: learning rate 0.01, no momentum. */
    public NAG() {
        this(OptimizerOptions.of(Map.of()));
    }

    NAG(OptimizerOptions options) {
        super("nag", options, 0.01);
        this.momentum = options.number("momentum", 0.0);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Momentum ({@code mom}) when {@code momentum} is non-zero, else nothing. */
    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return States.momentum(momentum, weight);
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        applyMomentumUpdate("nag_mom_update", Map.of("momentum", Math.max(momentum, 0)), "sgd_update",
                updateAttrs(lr, wd), weight, grad, state);
    }

    /** Builds a {@link NAG}. */
    public static final class Builder extends OptimizerBuilder<Builder, NAG> {
        Builder() {
            super(NAG::new);
        }

        public Builder momentum(double momentum) {
            return set("momentum", momentum);
        }
    }
}
