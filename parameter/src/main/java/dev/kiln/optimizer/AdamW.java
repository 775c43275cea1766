package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Map;

/**
 * Adam with decoupled weight decay. MXNet 1.x has the {@code _adamw_update} op but no optimizer class, so this
 * follows MXNet 2's {@code AdamW} (python/mxnet/optimizer/adamW.py, fused step): the step size
 * {@code eta = lr * sqrt(1 - beta2^t) / (1 - beta1^t)} (or {@code lr} without {@code correct_bias}), then
 * {@code _adamw_update} with {@code lr = 1}: {@code weight -= eta * (mean / (sqrt(var) + epsilon) + wd * weight)},
 * the moments taken of the rescaled, clipped gradient without weight decay. Options: {@code beta1} (0.9),
 * {@code beta2} (0.999), {@code epsilon} (1e-6), {@code correct_bias} (true), and the common ones with
 * {@code learning_rate} 0.001.
 */
public final class AdamW extends Optimizer {
    private final Moments moments;
    private final boolean correctBias;

    /** AdamW with MXNet 2's defaults. */
    public AdamW() {
        this(OptimizerOptions.of(Map.of()));
    }

    AdamW(OptimizerOptions options) {
        super("adamw", options, 0.001);
        this.moments = Moments.read(options, 1e-6);
        this.correctBias = options.flag("correct_bias", true);
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
        double eta = correctBias ? lr * moments.biasCorrection(updateCount(index)) : lr;
        Map<String, Object> attrs = updateAttrs(1.0, wd);
        attrs.remove("rescale_grad");
        attrs.put("eta", eta);
        moments.putAttrs(attrs);
        NDArray rescale = NDArray.full(dev.kiln.ndarray.Shape.of(1), rescaleGrad(), weight.dtype(), weight.device());
        NDArray[] states = arrays(state);
        applyUpdate("_adamw_update", attrs, weight, grad, states[0], states[1], rescale);
    }

    /** Builds an {@link AdamW}. */
    public static final class Builder extends MomentsBuilder<Builder, AdamW> {
        Builder() {
            super(AdamW::new);
        }

        public Builder correctBias(boolean correct) {
            return set("correct_bias", correct);
        }
    }
}
