package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.ndarray.DType;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.Map;

/**
 * Gluon's {@code nn.Embedding}: maps integer indices of any shape to rows of a {@code (inputDim, outputDim)} weight,
 * giving {@code data.shape + (outputDim,)}. {@code sparseGrad} is passed to the op as Gluon passes it; Kiln has no
 * row-sparse storage, so the weight's gradient is dense either way (the values are the same).
 */
public class Embedding extends HybridBlock {
    private final int inputDim;
    private final int outputDim;
    private final DType dtype;
    private final boolean sparseGrad;
    private final Parameter weight;

    /** A {@code (inputDim, outputDim)} float32 embedding, Gluon's other defaults. */
    public Embedding(int inputDim, int outputDim) {
        this(builder(inputDim, outputDim));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder(int inputDim, int outputDim) {
        return new Builder(inputDim, outputDim);
    }

    protected Embedding(Builder b) {
        super(b.prefix(), b.params(), "embedding");
        if (b.inputDim <= 0 || b.outputDim <= 0) {
            throw new IllegalArgumentException("Embedding: inputDim and outputDim must be positive, got "
                    + b.inputDim + " and " + b.outputDim);
        }
        this.inputDim = b.inputDim;
        this.outputDim = b.outputDim;
        this.dtype = b.dtype();
        this.sparseGrad = b.sparseGrad;
        this.weight = param("weight", ParameterSpec.of().shape(b.inputDim, b.outputDim).dtype(b.dtype())
                .init(b.weightInitializer()).allowDeferredInit(true));
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.embedding(x, p.get("weight"), inputDim, outputDim,
                Map.of("dtype", dtype, "sparse_grad", sparseGrad, "name", "fwd"));
    }

    /** Gluon's repr: {@code Embedding(10 -> 4, float32)}. */
    @Override
    public String toString() {
        return "Embedding(" + inputDim + " -> " + outputDim + ", " + dtype + ")";
    }

    /** Gluon's {@code Embedding} arguments beyond the two sizes. */
    public static final class Builder extends WeightedBuilder<Builder, Embedding> {
        private final int inputDim;
        private final int outputDim;
        private boolean sparseGrad;

        private Builder(int inputDim, int outputDim) {
            this.inputDim = inputDim;
            this.outputDim = outputDim;
        }

        /** Gluon's row-sparse weight gradient flag (default false); Kiln's gradient is dense either way. */
        public Builder sparseGrad(boolean s) {
            this.sparseGrad = s;
            return this;
        }

        @Override
        public Embedding build() {
            return new Embedding(this);
        }
    }
}
