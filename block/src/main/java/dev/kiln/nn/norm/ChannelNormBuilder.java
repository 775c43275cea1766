package dev.kiln.nn.norm;

/**
 * A {@link NormBuilder} for the layers normalising relative to one axis whose size may be deferred: BatchNorm,
 * LayerNorm and InstanceNorm ({@code axis} with the layer's Gluon default, and {@code inChannels}).
 *
 * @param <B> the concrete builder
 * @param <L> the layer it builds
 */
public abstract class ChannelNormBuilder<B extends ChannelNormBuilder<B, L>, L extends ChannelNormLayer>
        extends NormBuilder<B, L> {
    int axis;
    int inChannels;

    ChannelNormBuilder(int axis, boolean scale) {
        super(scale);
        this.axis = axis;
    }

    /** The axis the layer's parameters run along (negative counts from the end). */
    public B axis(int a) {
        this.axis = a;
        return self();
    }

    /** The size of that axis; 0 (the default) infers it from the first input. */
    public B inChannels(int n) {
        this.inChannels = n;
        return self();
    }
}
