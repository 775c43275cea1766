package dev.kiln.nn.metalhead;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterSpec;

/**
 * Metalhead's {@code ChannelLayerNorm(sz, λ = identity; eps = 1f-6)} for NCHW feature maps: each position is
 * normalised across the {@code sz} channels with Flux's {@code normalise}, {@code (x - mean) / (std + eps)} (the
 * epsilon outside the square root, unlike {@link LayerNormV2}), then scaled and shifted per channel by learnable
 * {@code scale} and {@code bias} of shape {@code (sz,)}, then passed through the activation {@code λ} (a block, or
 * {@code null}).
 */
public class ChannelLayerNorm extends HybridBlock {
    private final int channels;
    private final HybridBlock activation;
    private final double eps;

    public ChannelLayerNorm(int channels) {
        this(channels, null, 1e-6);
    }

    public ChannelLayerNorm(int channels, HybridBlock activation, double eps) {
        super(null, null, "channellayernorm");
        if (channels <= 0) {
            throw new IllegalArgumentException("ChannelLayerNorm: channels must be positive, got " + channels);
        }
        this.channels = channels;
        this.eps = eps;
        try (var ignored = nameScope()) {
            param("scale", ParameterSpec.of().shape(channels).init("ones"));
            param("bias", ParameterSpec.of().shape(channels).init("zeros"));
        }
        this.activation = activation == null ? null : registerChild(activation, "activation");
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        T y = Layers.normalise(F, x, IntTuple.of(1), eps, false);
        T scale = Layers.alongAxisFromEnd(F, p.get("scale"), -3);
        T bias = Layers.alongAxisFromEnd(F, p.get("bias"), -3);
        y = F.broadcastAdd(F.broadcastMul(y, scale), bias);
        return activation == null ? y : activation.call(F, y);
    }

    @Override
    public String toString() {
        return "ChannelLayerNorm(" + channels + (activation == null ? "" : ", " + activation) + ")";
    }
}
