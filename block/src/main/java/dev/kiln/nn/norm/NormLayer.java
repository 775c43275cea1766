package dev.kiln.nn.norm;

import dev.kiln.autograd.GradReq;
import dev.kiln.block.HybridBlock;
import dev.kiln.op.PythonFormat;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the normalisation layers share: the learned shift {@code beta} and scale {@code gamma} (Gluon creates them
 * in that order: gamma first), each with grad_req null when its {@code center}/{@code scale} flag is off, and
 * Gluon's repr of keyword values, {@code Name(eps=1e-05, axis=1, ...)}.
 */
public abstract class NormLayer extends HybridBlock {
    private final double epsilon;
    private final boolean center;
    private final boolean scale;
    private final Parameter gamma;
    private final Parameter beta;

    /**
     * Creates gamma and beta of shape {@code (size,)} (0 deferred). {@code differentiableFlags} marks a parameter
     * whose flag is off as not differentiable too, as Gluon's BatchNorm does (the other layers only set grad_req).
     */
    NormLayer(NormBuilder<?, ?> b, String hint, int size, boolean differentiableFlags) {
        super(b.prefix(), b.params(), hint);
        String layer = getClass().getSimpleName();
        if (!(b.epsilon >= 0)) {
            throw new IllegalArgumentException(layer + ": epsilon must be non-negative, got " + b.epsilon);
        }
        if (size < 0) {
            throw new IllegalArgumentException(layer + ": inChannels must not be negative, got " + size);
        }
        this.epsilon = b.epsilon;
        this.center = b.center;
        this.scale = b.scale;
        try (var ignored = nameScope()) {
            this.gamma = param("gamma", spec(size, b.gammaInitializer, b.scale, differentiableFlags));
            this.beta = param("beta", spec(size, b.betaInitializer, b.center, differentiableFlags));
        }
    }

    private static ParameterSpec spec(int size, dev.kiln.init.Initializer init, boolean learned,
                                      boolean differentiableFlags) {
        ParameterSpec s = ParameterSpec.of().shape(size).init(init).allowDeferredInit(true)
                .gradReq(learned ? GradReq.WRITE : GradReq.NULL);
        return differentiableFlags ? s.differentiable(learned) : s;
    }

    /** The learned scale, one value per channel (per group for GroupNorm). */
    public Parameter gamma() {
        return gamma;
    }

    /** The learned shift, shaped as gamma. */
    public Parameter beta() {
        return beta;
    }

    public double epsilon() {
        return epsilon;
    }

    public boolean center() {
        return center;
    }

    public boolean scale() {
        return scale;
    }

    /** Gluon's norm repr: the keyword values in Gluon's order, Python-formatted, then {@code tail} if not null. */
    String repr(Map<String, Object> kwargs, String tail) {
        List<String> parts = new ArrayList<>();
        kwargs.forEach((k, v) -> parts.add(k + "=" + PythonFormat.str(v)));
        if (tail != null) {
            parts.add(tail);
        }
        return getClass().getSimpleName() + "(" + String.join(", ", parts) + ")";
    }
}
