package dev.kiln.nn;

import dev.kiln.block.Block;
import dev.kiln.init.Initializer;
import dev.kiln.parameter.ParameterDict;

/**
 * What every layer builder shares: Gluon's {@code prefix} and {@code params} keywords. Self-typed, so a chain such
 * as {@code Dense.builder(10).useBias(false).prefix("fc_").build()} keeps the concrete builder to the end. Layers
 * also have short constructors for the common cases ({@code new Dense(10, "relu")}); the builder holds the rest of
 * Gluon's arguments with Gluon's defaults.
 *
 * @param <B> the concrete builder
 * @param <L> the layer it builds
 */
public abstract class LayerBuilder<B extends LayerBuilder<B, L>, L extends Block> {
    private String prefix;
    private ParameterDict params;

    /** The block's prefix ({@code null}, the default, names it automatically: {@code dense0_}). */
    public B prefix(String p) {
        this.prefix = p;
        return self();
    }

    /** Another block's parameters to share ({@code null}, the default, gives the layer a dict of its own). */
    public B params(ParameterDict shared) {
        this.params = shared;
        return self();
    }

    public String prefix() {
        return prefix;
    }

    public ParameterDict params() {
        return params;
    }

    /** Builds the layer from the options given so far; the builder can be reused. */
    public abstract L build();

    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this;
    }

    /** An initialiser given by name ({@code "zeros"}, {@code "xavier"}) or {@code dumps()} JSON; null stays null. */
    protected static Initializer initializer(String nameOrJson) {
        return nameOrJson == null ? null : Initializer.create(nameOrJson);
    }
}
