package dev.kiln.init;

import dev.kiln.ndarray.NDArray;

/** Fills weights with values drawn uniformly from {@code [-scale, scale)}; MXNet's default scale is 0.07. */
public final class Uniform extends Initializer {
    static final double DEFAULT_SCALE = 0.07;

    private final double scale;

    public Uniform() {
        this(DEFAULT_SCALE);
    }

    /** Values in {@code [-scale, scale)}; {@code scale} must be finite and not negative. */
    public Uniform(Number scale) {
        super(kwargs("scale", scale));
        this.scale = ArgChecks.nonNegative("uniform", "scale", scale);
    }

    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        FloatTarget.requireFloating(name(), desc, target);
        FloatTarget.uniform(generator(), -scale, scale, target);
    }
}
