package dev.kiln.nn.norm;

import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * Gluon's {@code nn.LayerNorm} (MXNet's {@code LayerNorm} op): normalises along {@code axis} (default the last) with
 * the biased variance, then scales and shifts by {@code gamma} and {@code beta} of shape {@code (size of axis,)},
 * deferred while {@code inChannels} is 0. The same in training and prediction. {@code center}/{@code scale} false
 * only stop beta/gamma from learning (they are still applied, at their initial values), as in Gluon.
 */
public class LayerNorm extends ChannelNormLayer {

    /** Gluon's defaults: the last axis, epsilon 1e-5, learned gamma and beta. */
    public LayerNorm() {
        this(builder());
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    protected LayerNorm(Builder b) {
        super(b, "layernorm", false);
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.layerNorm(x, p.get("gamma"), p.get("beta"), Map.of("axis", axis(), "eps", epsilon())).get(0);
    }

    /** Gluon's repr: {@code LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=0)}. */
    @Override
    public String toString() {
        return axisRepr();
    }

    /** Gluon's {@code LayerNorm} arguments. */
    public static final class Builder extends ChannelNormBuilder<Builder, LayerNorm> {
        private Builder() {
            super(-1, true);
        }

        @Override
        public LayerNorm build() {
            return new LayerNorm(this);
        }
    }
}
