package dev.kiln.optimizer;

import java.util.function.Function;

/**
 * The builder of an Adam-family optimizer (Adam, AdamW, Nadam, LAMB): the common options plus {@code beta1},
 * {@code beta2} and {@code epsilon}.
 *
 * @param <B> the concrete builder
 * @param <O> the optimizer it builds
 */
public abstract class MomentsBuilder<B extends MomentsBuilder<B, O>, O extends Optimizer>
        extends OptimizerBuilder<B, O> {
    protected MomentsBuilder(Function<OptimizerOptions, O> factory) {
        super(factory);
    }

    /** Decay of the first moment ({@code beta1}, 0.9). */
    public B beta1(double beta1) {
        return set("beta1", beta1);
    }

    /** Decay of the second moment ({@code beta2}, 0.999). */
    public B beta2(double beta2) {
        return set("beta2", beta2);
    }

    /** Added to the root of the second moment ({@code epsilon}). */
    public B epsilon(double epsilon) {
        return set("epsilon", epsilon);
    }
}
