package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Map;

/**
 * Adam, MXNet 1.x's {@code Adam}: bias correction folded into the step size, {@code lr * sqrt(1 - beta2^t) /
 * (1 - beta1^t)} at update {@code t} of the parameter, then {@code adam_update} (weight decay is added to the
 * gradient before clipping). Options: {@code beta1} (0.9), {@code beta2} (0.999), {@code epsilon} (1e-8),
 * {@code lazy_update} (true), and the common ones with {@code learning_rate} 0.001.
 */
public final class Adam extends Optimizer {
    private final Moments moments;
    private final boolean lazyUpdate;

    /** Adam with MXNet's defaults. */
    public Adam() {
        this(OptimizerOptions.of(Map.of()));
    }

    Adam(OptimizerOptions options) {
        super("adam", options, 0.001);
        this.moments = Moments.read(options, 1e-8);
        this.lazyUpdate = options.flag("lazy_update", true);
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
        long t = updateCount(index);
        Map<String, Object> attrs = updateAttrs(lr * moments.biasCorrection(t), wd);
        moments.putAttrs(attrs);
        attrs.put("lazy_update", lazyUpdate);
        applyUpdate("adam_update", attrs, weight, grad, arrays(state));
    }

    /** Builds an {@link Adam}. */
    public static final class Builder extends MomentsBuilder<Builder, Adam> {
        Builder() {
            super(Adam::new);
        }

        public Builder lazyUpdate(boolean lazy) {
            return set("lazy_update", lazy);
        }
    }
}
