package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.init.Initializer;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.Map;

/**
 * A fully connected layer, {@code activation(dot(x, weight.T) + bias)} (Gluon's {@code nn.Dense}). The weight is
 * {@code (units, inUnits)}; with {@code inUnits} 0 (the default) it is deferred until the first input. With
 * {@code flatten} (the default) every axis but the first is flattened into the input units; without it, the last
 * axis is the input units and the others are kept.
 */
public class Dense extends HybridBlock {
    private final int units;
    private final boolean flatten;
    private final Parameter weight;
    private final Parameter bias;
    private final Activation act;

    /** {@code units} outputs, no activation, Gluon's other defaults. */
    public Dense(int units) {
        this(builder(units));
    }

    /** {@code units} outputs followed by {@code activation} ({@code "relu"}, ...; {@code null} for none). */
    public Dense(int units, String activation) {
        this(builder(units).activation(activation));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder(int units) {
        return new Builder(units);
    }

    protected Dense(Builder b) {
        super(b.prefix(), b.params(), "dense");
        if (b.units <= 0) {
            throw new IllegalArgumentException("Dense: units must be positive, got " + b.units);
        }
        this.units = b.units;
        this.flatten = b.flatten;
        try (var ignored = nameScope()) {
            this.weight = param("weight", ParameterSpec.of().shape(b.units, b.inUnits).dtype(b.dtype())
                    .init(b.weightInitializer()).allowDeferredInit(true));
            this.bias = b.useBias ? param("bias", ParameterSpec.of().shape(b.units).dtype(b.dtype())
                    .init(b.biasInitializer).allowDeferredInit(true)) : null;
            this.act = b.activation == null ? null
                    : registerChild(new Activation(b.activation, b.activation + "_", null), "act");
        }
    }

    public int units() {
        return units;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or {@code null} without one. */
    public Parameter bias() {
        return bias;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        T y = F.fullyConnected(x, p.get("weight"), bias == null ? null : p.get("bias"), units,
                Map.of("no_bias", bias == null, "flatten", flatten, "name", "fwd"));
        return act == null ? y : act.call(F, y);
    }

    /** Gluon's repr: {@code Dense(3 -> 10, Activation(relu))}, {@code None} for input units not known yet. */
    @Override
    public String toString() {
        int in = weight.shape().get(1);
        return "Dense(" + (in > 0 ? Integer.toString(in) : "None") + " -> " + units + ", "
                + (act == null ? "linear" : act.toString()) + ")";
    }

    /** Gluon's {@code Dense} arguments beyond {@code units}. */
    public static final class Builder extends WeightedBuilder<Builder, Dense> {
        private final int units;
        private String activation;
        private boolean useBias = true;
        private boolean flatten = true;
        private Initializer biasInitializer = initializer("zeros");
        private int inUnits;

        private Builder(int units) {
            this.units = units;
        }

        /** The activation after the affine map ({@code null}, the default, for none). */
        public Builder activation(String a) {
            this.activation = a;
            return this;
        }

        /** Whether the layer has a bias (default true). */
        public Builder useBias(boolean b) {
            this.useBias = b;
            return this;
        }

        /** Whether inputs are flattened to 2-D first (default true). */
        public Builder flatten(boolean f) {
            this.flatten = f;
            return this;
        }

        /** The bias's own initialiser (default {@code zeros}). */
        public Builder biasInitializer(Initializer i) {
            this.biasInitializer = i;
            return this;
        }

        public Builder biasInitializer(String nameOrJson) {
            return biasInitializer(initializer(nameOrJson));
        }

        /** Input units; 0 (the default) infers them from the first input. */
        public Builder inUnits(int n) {
            this.inUnits = n;
            return this;
        }

        @Override
        public Dense build() {
            return new Dense(this);
        }
    }
}
