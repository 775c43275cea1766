package dev.kiln.loss;

import dev.kiln.block.ParameterValues;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;

/**
 * Gluon's {@code SDMLLoss}, batch-wise smoothed deep metric learning: row {@code i} of {@code x1} should be closest
 * to row {@code i} of {@code x2} among all rows of {@code x2}. The log-softmax of the negated squared distances of
 * every pair is compared by a {@link KLDivLoss} (child {@code kl_loss}) with the identity smoothed to
 * {@code 1 - smoothingParameter} on the diagonal and {@code smoothingParameter / (batch - 1)} elsewhere. Inputs:
 * {@code (x1, x2)} of shape (batch, dim), batch at least 2; the loss has shape (batch,). Unlike Gluon, which only
 * runs it eagerly, the smoothed identity is built from the inputs' shape, so the loss hybridizes; and the weight is
 * applied (Gluon accepts it and ignores it).
 */
public class SDMLLoss extends Loss {
    private final double smoothingParameter;
    private final KLDivLoss klLoss;

    /** Smoothing 0.3, weight 1. */
    public SDMLLoss() {
        this(builder());
    }

    /** The given smoothing parameter. */
    public SDMLLoss(double smoothingParameter) {
        this(builder().smoothingParameter(smoothingParameter));
    }

    public static Builder builder() {
        return new Builder();
    }

    protected SDMLLoss(Builder b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "sdmlloss");
        if (!(b.smoothingParameter >= 0 && b.smoothingParameter < 1)) {
            throw new IllegalArgumentException("SDMLLoss: smoothingParameter must be in [0, 1), got "
                    + b.smoothingParameter);
        }
        this.smoothingParameter = b.smoothingParameter;
        // Gluon creates it outside the loss's name scope
        this.klLoss = registerChild(new KLDivLoss(true), "kl_loss");
    }

    public double smoothingParameter() {
        return smoothingParameter;
    }

    /** The loss of the pairs {@code (x1[i], x2[i])} against the other rows of the batch. */
    @Override
    public NDArray forward(NDArray x1, NDArray x2) {
        return call(x1, x2);
    }

    @Override
    protected void checkInputs(List<NDArray> inputs) {
        if (inputs.size() != 2 || inputs.get(0) == null || inputs.get(1) == null) {
            throw error("takes (x1, x2), got " + inputs.size() + " inputs");
        }
        var a = inputs.get(0).shape();
        var b = inputs.get(1).shape();
        if (a.rank() != 2 || !a.equals(b) || a.get(0) < 2) {
            throw error("'x1' of shape " + a + " and 'x2' of shape " + b
                    + " must both be (batch, dim), the same, with batch at least 2");
        }
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        if (inputs.size() != 2) {
            throw error("takes (x1, x2), got " + inputs.size() + " inputs");
        }
        T diffs = F.broadcastSub(F.expandDims(inputs.get(0), 1), F.expandDims(inputs.get(1), 0));
        T distances = F.sum(F.square(diffs), Map.of("axis", 2));
        T logProb = F.logSoftmax(F.negative(distances), null, Map.of("axis", 1));
        T labels = smoothedIdentity(F, distances);
        T loss = klLoss.callAll(F, List.of(logProb, labels)).get(0);
        return List.of(applyWeighting(F, loss, null));
    }

    /** The (batch, batch) identity smoothed as Gluon's {@code _compute_labels}, shaped like {@code like}. */
    private <T> T smoothedIdentity(F<T> F, T like) {
        T ones = F.onesLike(like);
        T gold = F.broadcastEqual(F.cumsum(ones, Map.of("axis", 0)), F.cumsum(ones, Map.of("axis", 1)));
        T offDiagonal = F.rdivScalar(F.minusScalar(F.sum(ones, Map.of("axis", 1, "keepdims", true)), 1.0),
                smoothingParameter);
        return F.elemwiseAdd(F.mulScalar(gold, 1 - smoothingParameter),
                F.broadcastMul(F.rminusScalar(gold, 1.0), offDiagonal));
    }

    /** Gluon's arguments: {@code smoothingParameter} (0.3), {@code weight} (1), {@code batchAxis} (0). */
    public static final class Builder extends Loss.Builder<Builder, SDMLLoss> {
        private double smoothingParameter = 0.3;

        private Builder() {
            super(1.0);
        }

        /** The probability mass spread over the other rows of the batch (default 0.3, below 1). */
        public Builder smoothingParameter(double s) {
            this.smoothingParameter = s;
            return this;
        }

        @Override
        public SDMLLoss build() {
            return new SDMLLoss(this);
        }
    }
}
