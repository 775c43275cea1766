package dev.kiln.nn.norm;

import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * Gluon's {@code nn.InstanceNorm} (MXNet's {@code InstanceNorm} op, node {@code fwd}): normalises each instance and
 * channel over the remaining axes with the biased variance, then applies per-channel {@code gamma} and {@code beta}
 * of shape {@code (inChannels,)} (deferred while 0). The channel axis {@code axis} (default 1) is swapped to
 * position 1 and back, as Gluon does. Unlike the other layers, {@code scale} defaults to false, as in Gluon; the
 * flags only stop gamma/beta from learning. MXNet's kernel takes float32 only, and so does Kiln's.
 */
public class InstanceNorm extends ChannelNormLayer {

    /** Gluon's defaults: channels on axis 1, epsilon 1e-5, learned beta, fixed gamma. */
    public InstanceNorm() {
        this(builder());
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    protected InstanceNorm(Builder b) {
        super(b, "instancenorm", false);
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        Map<String, Object> attrs = Map.of("name", "fwd", "eps", epsilon());
        if (axis() == 1) {
            return F.instanceNorm(x, p.get("gamma"), p.get("beta"), attrs);
        }
        Map<String, Object> swap = Map.of("dim1", 1, "dim2", axis());
        T y = F.instanceNorm(F.swapaxes(x, swap), p.get("gamma"), p.get("beta"), attrs);
        return F.swapaxes(y, swap);
    }

    /** Gluon's repr: {@code InstanceNorm(eps=1e-05, axis=1, center=True, scale=False, in_channels=0)}. */
    @Override
    public String toString() {
        return axisRepr();
    }

    /** Gluon's {@code InstanceNorm} arguments. */
    public static final class Builder extends ChannelNormBuilder<Builder, InstanceNorm> {
        private Builder() {
            super(1, false);
        }

        @Override
        public InstanceNorm build() {
            return new InstanceNorm(this);
        }
    }
}
