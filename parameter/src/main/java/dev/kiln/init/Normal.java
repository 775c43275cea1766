package dev.kiln.init;

import dev.kiln.ndarray.NDArray;

/** Fills weights with normal values of mean 0 and standard deviation {@code sigma} (MXNet's default 0.01). */
public final class Normal extends Initializer {
    static final double DEFAULT_SIGMA = 0.01;

    private final double sigma;

    public Normal() {
        this(DEFAULT_SIGMA);
    }

    /** Standard deviation {@code sigma}, finite and not negative. */
    public Normal(Number sigma) {
        super(kwargs("sigma", sigma));
        this.sigma = ArgChecks.nonNegative("normal", "sigma", sigma);
    }

    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        FloatTarget.requireFloating(name(), desc, target);
        FloatTarget.normal(generator(), 0, sigma, target);
    }
}
