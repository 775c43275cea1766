package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.init.Constant;
import dev.kiln.init.Initializer;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.Map;

/**
 * Gluon's {@code nn.PReLU}: a leaky ReLU whose slope {@code alpha} is learned (MXNet's {@code LeakyReLU} op,
 * act_type prelu, with {@code alpha} as its {@code gamma} input). {@code alpha} has shape {@code (inChannels,)}:
 * the default 1 is one slope shared by every element, {@code C} one slope per channel (axis 1). As in Gluon the
 * shape is never deferred: MXNet's op infers a prelu gamma only when its rank is unknown, and a parameter's is not.
 */
public class PReLU extends HybridBlock {
    private final Parameter alpha;

    /** One shared slope starting at 0.25, as Gluon's defaults. */
    public PReLU() {
        this(builder());
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    protected PReLU(Builder b) {
        super(b.prefix(), b.params(), "prelu");
        if (b.inChannels < 1) {
            throw new IllegalArgumentException("PReLU: inChannels must be positive (1 for one shared slope), got "
                    + b.inChannels);
        }
        try (var ignored = nameScope()) {
            this.alpha = param("alpha", ParameterSpec.of().shape(b.inChannels).init(b.alphaInitializer));
        }
    }

    /** The learned slopes, shape {@code (inChannels,)}. */
    public Parameter alpha() {
        return alpha;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.leakyReLU(x, p.get("alpha"), Map.of("act_type", "prelu", "name", "fwd"));
    }

    /** Gluon's {@code PReLU} arguments. */
    public static final class Builder extends LayerBuilder<Builder, PReLU> {
        private Initializer alphaInitializer = new Constant(0.25);
        private int inChannels = 1;

        private Builder() {
        }

        /** The slopes' initialiser (default {@code Constant(0.25)}). */
        public Builder alphaInitializer(Initializer i) {
            this.alphaInitializer = i;
            return this;
        }

        public Builder alphaInitializer(String nameOrJson) {
            return alphaInitializer(initializer(nameOrJson));
        }

        /** Number of slopes: 1 (the default) shared by all, or the input's channel count (axis 1). */
        public Builder inChannels(int n) {
            this.inChannels = n;
            return this;
        }

        @Override
        public PReLU build() {
            return new PReLU(this);
        }
    }
}
