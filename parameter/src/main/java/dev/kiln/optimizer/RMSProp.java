package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.Map;

/**
 * RMSProp, MXNet 1.x's {@code RMSProp}: Tieleman and Hinton's form through {@code rmsprop_update}, or with
 * {@code centered} Graves' form through {@code rmspropalex_update}. Options: {@code gamma1} (0.9), {@code gamma2}
 * (0.9, centred only), {@code epsilon} (1e-8), {@code centered} (false), {@code clip_weights} (none), and the common
 * ones with {@code learning_rate} 0.001. Kiln keeps the states in the weight's dtype (MXNet always makes float32
 * ones, which its ops then reject for other weight dtypes).
 */
public final class RMSProp extends Optimizer {
    private final double gamma1;
    private final double gamma2;
    private final double epsilon;
    private final boolean centered;
    private final Double clipWeights;

    /** RMSProp with MXNet's defaults. */
    public RMSProp() {
        this(OptimizerOptions.of(Map.of()));
    }

    RMSProp(OptimizerOptions options) {
        super("rmsprop", options, 0.001);
        this.gamma1 = options.number("gamma1", 0.9);
        this.gamma2 = options.number("gamma2", 0.9);
        this.epsilon = options.number("epsilon", 1e-8);
        this.centered = options.flag("centered", false);
        this.clipWeights = options.optionalNumber("clip_weights");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code n}, and for the centred form also {@code g} and {@code delta}. */
    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return centered ? States.zeros(weight, "n", "g", "delta") : States.zeros(weight, "n");
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        Map<String, Object> attrs = updateAttrs(lr, wd);
        attrs.put("gamma1", gamma1);
        attrs.put("epsilon", epsilon);
        attrs.put("clip_weights", clipWeights == null || clipWeights == 0 ? -1.0 : clipWeights);
        if (centered) {
            attrs.put("gamma2", gamma2);
            applyUpdate("rmspropalex_update", attrs, weight, grad, arrays(state));
        } else {
            applyUpdate("rmsprop_update", attrs, weight, grad, arrays(state));
        }
    }

    /** Builds an {@link RMSProp}. */
    public static final class Builder extends OptimizerBuilder<Builder, RMSProp> {
        Builder() {
            super(RMSProp::new);
        }

        public Builder gamma1(double gamma1) {
            return set("gamma1", gamma1);
        }

        public Builder gamma2(double gamma2) {
            return set("gamma2", gamma2);
        }

        public Builder epsilon(double epsilon) {
            return set("epsilon", epsilon);
        }

        public Builder centered(boolean centered) {
            return set("centered", centered);
        }

        public Builder clipWeights(double bound) {
            return set("clip_weights", bound);
        }
    }
}
