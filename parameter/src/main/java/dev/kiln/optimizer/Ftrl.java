package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Map;

/**
 * FTRL-proximal, MXNet 1.x's {@code Ftrl}, through {@code ftrl_update}. Options: {@code lamda1} (0.01, MXNet's
 * spelling), {@code beta} (1), and the common ones with {@code learning_rate} 0.1. Kiln keeps the states in the
 * weight's dtype (MXNet makes float32 ones).
 */
public final class Ftrl extends Optimizer {
    private final double lamda1;
    private final double beta;

    /** Ftrl with MXNet's defaults. */
    public Ftrl() {
        this(OptimizerOptions.of(Map.of()));
    }

    Ftrl(OptimizerOptions options) {
        super("ftrl", options, 0.1);
        this.lamda1 = options.number("lamda1", 0.01);
        this.beta = options.number("beta", 1.0);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code z} and {@code n} (the sum of squared gradients). */
    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return States.zeros(weight, "z", "n");
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        Map<String, Object> attrs = updateAttrs(lr, wd);
        attrs.put("lamda1", lamda1);
        attrs.put("beta", beta);
        applyUpdate("ftrl_update", attrs, weight, grad, arrays(state));
    }

    /** Builds an {@link Ftrl}. */
    public static final class Builder extends OptimizerBuilder<Builder, Ftrl> {
        Builder() {
            super(Ftrl::new);
        }

        public Builder lamda1(double lamda1) {
            return set("lamda1", lamda1);
        }

        public Builder beta(double beta) {
            return set("beta", beta);
        }
    }
}
