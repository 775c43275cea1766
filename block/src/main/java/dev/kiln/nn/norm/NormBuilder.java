package dev.kiln.nn.norm;

import dev.kiln.init.Initializer;
import dev.kiln.nn.LayerBuilder;

/**
 * What the normalisation layers' builders share, Gluon's {@code epsilon}, {@code center}, {@code scale},
 * {@code beta_initializer} and {@code gamma_initializer}, each defaulting as the layer does in Gluon (InstanceNorm's
 * {@code scale} is false).
 *
 * @param <B> the concrete builder
 * @param <L> the layer it builds
 */
public abstract class NormBuilder<B extends NormBuilder<B, L>, L extends NormLayer> extends LayerBuilder<B, L> {
    double epsilon = 1e-5;
    boolean center = true;
    boolean scale;
    Initializer betaInitializer = initializer("zeros");
    Initializer gammaInitializer = initializer("ones");

    NormBuilder(boolean scale) {
        this.scale = scale;
    }

    /** Added to the variance to avoid dividing by zero (default 1e-5). */
    public B epsilon(double e) {
        this.epsilon = e;
        return self();
    }

    /** Whether {@code beta} is learned; without it beta stays at its initial value (default true). */
    public B center(boolean c) {
        this.center = c;
        return self();
    }

    /** Whether {@code gamma} is learned (default true, InstanceNorm false). */
    public B scale(boolean s) {
        this.scale = s;
        return self();
    }

    /** The initialiser of {@code beta} (default {@code zeros}). */
    public B betaInitializer(Initializer i) {
        this.betaInitializer = i;
        return self();
    }

    public B betaInitializer(String nameOrJson) {
        return betaInitializer(initializer(nameOrJson));
    }

    /** The initialiser of {@code gamma} (default {@code ones}). */
    public B gammaInitializer(Initializer i) {
        this.gammaInitializer = i;
        return self();
    }

    public B gammaInitializer(String nameOrJson) {
        return gammaInitializer(initializer(nameOrJson));
    }
}
