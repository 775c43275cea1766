package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Map;

/**
 * Signum (the sign of the momentum), MXNet 1.x's {@code Signum}: {@code signum_update} with momentum,
 * {@code signsgd_update} without. Options: {@code momentum} (0.9), {@code wd_lh} (0, decoupled weight decay), and
 * the common ones with {@code learning_rate} 0.01.
 */
public final class Signum extends Optimizer {
    private final double momentum;
    private final double wdLh;

    /** Signum with MXNet's defaults. */
    public Signum() {
        this(OptimizerOptions.of(Map.of()));
    }

    Signum(OptimizerOptions options) {
        super("signum", options, 0.01);
        this.momentum = options.number("momentum", 0.9);
        this.wdLh = options.number("wd_lh", 0.0);
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
        applyMomentumUpdate("signum_update", Map.of("momentum", Math.max(momentum, 0), "wd_lh", wdLh),
                "signsgd_update", updateAttrs(lr, wd), weight, grad, state);
    }

    /** Builds a {@link Signum}. */
    public static final class Builder extends OptimizerBuilder<Builder, Signum> {
        Builder() {
            super(Signum::new);
        }

        public Builder momentum(double momentum) {
            return set("momentum", momentum);
        }

        public Builder wdLh(double wdLh) {
            return set("wd_lh", wdLh);
        }
    }
}
