package dev.kiln.nn.metalhead;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.init.Constant;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.Map;

/**
 * Metalhead's {@code LayerScale(planes, λ)} (Touvron et al., 2021): multiplies the channel axis by a learnable
 * per-channel {@code scale} initialised to {@code λ}, no bias. The channel axis is counted from the end
 * ({@code -1}, the default, for {@code (batch, tokens, channels)}; {@code -3} for NCHW), so the layer works for any
 * batch rank. {@link Layers#layerScale} returns the identity for {@code λ <= 0}, as Metalhead does.
 */
public class LayerScale extends HybridBlock {
    private final int planes;
    private final double lambda;
    private final int axis;
    private final Parameter scale;

    public LayerScale(int planes, double lambda) {
        this(planes, lambda, -1);
    }

    /** {@code axis} must be negative: the channel axis counted from the last. */
    public LayerScale(int planes, double lambda, int axis) {
        super(null, null, "layerscale");
        if (planes <= 0) {
            throw new IllegalArgumentException("LayerScale: planes must be positive, got " + planes);
        }
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("LayerScale: λ must be positive, got " + lambda
                    + " (Layers.layerScale gives the identity for λ <= 0)");
        }
        if (axis >= 0) {
            throw new IllegalArgumentException("LayerScale: axis counts from the end and must be negative, got "
                    + axis);
        }
        this.planes = planes;
        this.lambda = lambda;
        this.axis = axis;
        try (var ignored = nameScope()) {
            this.scale = param("scale", ParameterSpec.of().shape(planes).init(new Constant(lambda)));
        }
    }

    public Parameter scale() {
        return scale;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.broadcastMul(x, Layers.alongAxisFromEnd(F, p.get("scale"), axis), Map.of("name", "fwd"));
    }

    @Override
    public String toString() {
        return "LayerScale(" + planes + ", λ=" + lambda + (axis == -1 ? "" : ", axis=" + axis) + ")";
    }
}
