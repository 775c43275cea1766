package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Ops;

import java.util.Map;

/**
 * LAMB (layer-wise adaptive moments), MXNet 1.x's {@code LAMB}: {@code lamb_update_phase1} gives the Adam-style
 * direction {@code g} (plus {@code wd * weight}), then {@code lamb_update_phase2} steps by
 * {@code lr * r1 / r2 * g} with {@code r1 = ||weight||} (limited to {@code [lower_bound, upper_bound]}) and
 * {@code r2 = ||g||}. Options: {@code beta1} (0.9), {@code beta2} (0.999), {@code epsilon} (1e-6),
 * {@code lower_bound} and {@code upper_bound} (none), {@code bias_correction} (true), and the common ones with
 * {@code learning_rate} 0.001.
 */
public final class LAMB extends Optimizer {
    private final Moments moments;
    private final Double lowerBound;
    private final Double upperBound;
    private final boolean biasCorrection;

    /** LAMB with MXNet's defaults. */
    public LAMB() {
        this(OptimizerOptions.of(Map.of()));
    }

    LAMB(OptimizerOptions options) {
        super("lamb", options, 0.001);
        this.moments = Moments.read(options, 1e-6);
        this.lowerBound = options.optionalNumber("lower_bound");
        this.upperBound = options.optionalNumber("upper_bound");
        this.biasCorrection = options.flag("bias_correction", true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The first and second moments ({@code mean}, {@code var}). */
    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return States.moments(weight);
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        Map<String, Object> phase1 = updateAttrs(lr, wd);
        phase1.remove("lr");
        moments.putAttrs(phase1);
        phase1.put("bias_correction", biasCorrection);
        phase1.put("t", Math.toIntExact(updateCount(index)));
        NDArray[] moments = arrays(state);
        NDArray g = Ops.call("lamb_update_phase1", phase1, weight, grad, moments[0], moments[1]);
        Map<String, Object> phase2 = new java.util.LinkedHashMap<>();
        phase2.put("lr", lr);
        phase2.put("lower_bound", lowerBound == null || lowerBound == 0 ? -1.0 : lowerBound);
        phase2.put("upper_bound", upperBound == null || upperBound == 0 ? -1.0 : upperBound);
        NDArray r1 = Ops.call("norm", weight).reshape(1);
        NDArray r2 = Ops.call("norm", g).reshape(1);
        Ops.into(weight, "lamb_update_phase2", phase2, weight, g, r1, r2);
    }

    /** Builds a {@link LAMB}. */
    public static final class Builder extends MomentsBuilder<Builder, LAMB> {
        Builder() {
            super(LAMB::new);
        }

        public Builder lowerBound(double bound) {
            return set("lower_bound", bound);
        }

        public Builder upperBound(double bound) {
            return set("upper_bound", bound);
        }

        public Builder biasCorrection(boolean correct) {
            return set("bias_correction", correct);
        }
    }
}
