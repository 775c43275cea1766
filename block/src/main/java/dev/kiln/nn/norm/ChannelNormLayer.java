package dev.kiln.nn.norm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A normalisation layer whose gamma and beta run along one axis of the data, of size {@code inChannels} (deferred
 * while 0): BatchNorm, LayerNorm and InstanceNorm.
 */
public abstract class ChannelNormLayer extends NormLayer {
    private final int axis;

    ChannelNormLayer(ChannelNormBuilder<?, ?> b, String hint, boolean differentiableFlags) {
        super(b, hint, b.inChannels, differentiableFlags);
        this.axis = b.axis;
    }

    /** The axis gamma and beta run along, as given (negative counts from the end). */
    public int axis() {
        return axis;
    }

    /**
     * The repr Gluon's LayerNorm and InstanceNorm share: {@code Name(eps=1e-05, axis=-1, center=True, scale=True,
     * in_channels=0)}, the channel count printed as 0 while unknown.
     */
    String axisRepr() {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("eps", epsilon());
        kwargs.put("axis", axis);
        kwargs.put("center", center());
        kwargs.put("scale", scale());
        return repr(kwargs, "in_channels=" + Math.max(0, gamma().shape().get(0)));
    }
}
