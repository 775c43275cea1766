package dev.kiln.loss;

import dev.kiln.block.ParameterValues;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.surface.F;

import java.util.List;

/**
 * Gluon's {@code SigmoidBinaryCrossEntropyLoss} (alias {@code SigmoidBCELoss}): the binary cross-entropy of
 * {@code sigmoid(pred)} (or of {@code pred} itself with {@code fromSigmoid}) against labels in [0, 1], with an
 * optional {@code posWeight} (broadcast against the label, e.g. (1, classes)) scaling the positive term. Without
 * {@code fromSigmoid} it uses the stable form {@code max(x, 0) - x z + log(1 + exp(-|x|))}; with it, logs of
 * {@code p + 1e-12} and {@code 1 - p + 1e-12}. Inputs: {@code (pred, label[, sampleWeight[, posWeight]])}.
 */
public class SigmoidBinaryCrossEntropyLoss extends Loss {
    private static final double EPS = 1e-12;
    private final boolean fromSigmoid;

    /** Scores (not probabilities), no weight, batch axis 0. */
    public SigmoidBinaryCrossEntropyLoss() {
        this(builder());
    }

    /** Probabilities if {@code fromSigmoid}, else scores. */
    public SigmoidBinaryCrossEntropyLoss(boolean fromSigmoid) {
        this(builder().fromSigmoid(fromSigmoid));
    }

    public static Builder builder() {
        return new Builder();
    }

    protected SigmoidBinaryCrossEntropyLoss(Builder b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "sigmoidbinarycrossentropyloss");
        this.fromSigmoid = b.fromSigmoid;
    }

    public boolean fromSigmoid() {
        return fromSigmoid;
    }

    /** The loss with positive examples weighted by {@code posWeight}; either weight may be {@code null}. */
    public NDArray forward(NDArray pred, NDArray label, NDArray sampleWeight, NDArray posWeight) {
        return call(pred, label, sampleWeight, posWeight);
    }

    @Override
    protected void checkInputs(List<NDArray> inputs) {
        super.checkInputs(inputs);
        if (inputs.size() > 3) {
            requireBroadcastable(inputs.get(3), "pos_weight", inputs.get(0).shape(), "pred");
        }
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        requireInputs(inputs, 2, 4, "pred, label[, sample_weight[, pos_weight]]");
        T pred = inputs.get(0);
        T label = F.reshapeLike(inputs.get(1), pred);
        T posWeight = optional(inputs, 3);
        T loss;
        if (!fromSigmoid) {
            T softplusNegAbs = F.activation(F.negative(F.abs(pred)), "softrelu");
            if (posWeight == null) {
                loss = F.elemwiseAdd(F.elemwiseSub(F.relu(pred), F.elemwiseMul(pred, label)), softplusNegAbs);
            } else {
                T logWeight = F.plusScalar(F.broadcastMul(F.minusScalar(posWeight, 1.0), label), 1.0);
                loss = F.elemwiseAdd(F.elemwiseSub(pred, F.elemwiseMul(pred, label)),
                        F.elemwiseMul(logWeight, F.elemwiseAdd(softplusNegAbs, F.relu(F.negative(pred)))));
            }
        } else {
            T pos = F.elemwiseMul(F.log(F.plusScalar(pred, EPS)), label);
            if (posWeight != null) {
                pos = F.broadcastMul(pos, posWeight);
            }
            T neg = F.elemwiseMul(F.log(F.plusScalar(F.rminusScalar(pred, 1.0), EPS)), F.rminusScalar(label, 1.0));
            loss = F.negative(F.elemwiseAdd(pos, neg));
        }
        return List.of(batchMean(F, applyWeighting(F, loss, optional(inputs, 2))));
    }

    /** Gluon's arguments: {@code fromSigmoid} (default false), {@code weight} (default none), {@code batchAxis}. */
    public static final class Builder extends Loss.Builder<Builder, SigmoidBinaryCrossEntropyLoss> {
        private boolean fromSigmoid;

        private Builder() {
            super(null);
        }

        /** Whether {@code pred} already holds probabilities (default false). */
        public Builder fromSigmoid(boolean f) {
            this.fromSigmoid = f;
            return this;
        }

        @Override
        public SigmoidBinaryCrossEntropyLoss build() {
            return new SigmoidBinaryCrossEntropyLoss(this);
        }
    }
}
