package dev.kiln.optimizer;

import java.util.Map;

/**
 * What the Adam family (Adam, AdamW, Nadam, LAMB) shares: the decay rates and epsilon they read from their options,
 * and Adam's bias correction.
 *
 * @param beta1   decay of the first moment ({@code beta1}, 0.9)
 * @param beta2   decay of the second moment ({@code beta2}, 0.999)
 * @param epsilon added to the root of the second moment ({@code epsilon})
 */
record Moments(double beta1, double beta2, double epsilon) {
    /** Reads {@code beta1}, {@code beta2} and {@code epsilon} (whose default differs between optimizers). */
    static Moments read(OptimizerOptions options, double defaultEpsilon) {
        return new Moments(options.number("beta1", 0.9), options.number("beta2", 0.999),
                options.number("epsilon", defaultEpsilon));
    }

    /** {@code sqrt(1 - beta2^t) / (1 - beta1^t)}: the factor MXNet's Adam multiplies the learning rate by. */
    double biasCorrection(long t) {
        return Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    }

    /** The Adam family's fused-op attributes: {@code beta1}, {@code beta2}, {@code epsilon}. */
    void putAttrs(Map<String, Object> attrs) {
        attrs.put("beta1", beta1);
        attrs.put("beta2", beta2);
        attrs.put("epsilon", epsilon);
    }
}
