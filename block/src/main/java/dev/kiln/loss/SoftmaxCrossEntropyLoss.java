package dev.kiln.loss;

import dev.kiln.block.ParameterValues;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;

/**
 * Gluon's {@code SoftmaxCrossEntropyLoss} (alias {@code SoftmaxCELoss}): the cross-entropy of
 * {@code log_softmax(pred)} along {@code axis} (or of {@code pred} itself with {@code fromLogits}). With
 * {@code sparseLabel} (the default) the label holds class indices and has the prediction's shape without
 * {@code axis}: the loss is {@code -pick(logp, label)}; otherwise the label is a distribution shaped like the
 * prediction: {@code -sum(logp * label)}. Weighted and averaged per sample.
 */
public class SoftmaxCrossEntropyLoss extends Loss {
    private final int axis;
    private final boolean sparseLabel;
    private final boolean fromLogits;

    /** Class-index labels, softmax along the last axis, no weight, batch axis 0. */
    public SoftmaxCrossEntropyLoss() {
        this(builder());
    }

    /** Class-index labels if {@code sparseLabel}, else distributions. */
    public SoftmaxCrossEntropyLoss(boolean sparseLabel) {
        this(builder().sparseLabel(sparseLabel));
    }

    public static Builder builder() {
        return new Builder();
    }

    protected SoftmaxCrossEntropyLoss(Builder b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "softmaxcrossentropyloss");
        this.axis = b.axis;
        this.sparseLabel = b.sparseLabel;
        this.fromLogits = b.fromLogits;
    }

    public int axis() {
        return axis;
    }

    public boolean sparseLabel() {
        return sparseLabel;
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    protected void checkInputs(List<NDArray> inputs) {
        if (!sparseLabel) {
            super.checkInputs(inputs);
            return;
        }
        if (inputs.size() < 2 || inputs.get(0) == null || inputs.get(1) == null) {
            throw error("needs a prediction and a label");
        }
        Shape pred = inputs.get(0).shape();
        Shape label = inputs.get(1).shape();
        int a = axis < 0 ? axis + pred.rank() : axis;
        if (a < 0 || a >= pred.rank()) {
            throw error("axis " + axis + " is out of range for 'pred' of shape " + pred);
        }
        int[] expected = new int[pred.rank() - 1];
        for (int i = 0, k = 0; i < pred.rank(); i++) {
            if (i != a) {
                expected[k++] = pred.get(i);
            }
        }
        if (!label.equals(Shape.of(expected)) && !label.equals(pred.with(a, 1))) {
            throw error("sparse 'label' of shape " + label + " must have the shape of 'pred' " + pred
                    + " without axis " + axis + ": " + Shape.of(expected));
        }
        if (inputs.size() > 2) {
            requireBroadcastable(inputs.get(2), "sample_weight", pred.with(a, 1), "the loss");
        }
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        requireInputs(inputs, 2, 3, "pred, label[, sample_weight]");
        T pred = inputs.get(0);
        T logp = fromLogits ? pred : F.logSoftmax(pred, null, Map.of("axis", axis));
        T loss;
        if (sparseLabel) {
            loss = F.negative(F.pick(logp, inputs.get(1), Map.of("axis", axis, "keepdims", true)));
        } else {
            T label = F.reshapeLike(inputs.get(1), logp);
            loss = F.negative(F.sum(F.elemwiseMul(logp, label), Map.of("axis", axis, "keepdims", true)));
        }
        return List.of(batchMean(F, applyWeighting(F, loss, optional(inputs, 2))));
    }

    /** Gluon's arguments: {@code axis} (-1), {@code sparseLabel} (true), {@code fromLogits} (false), ... */
    public static final class Builder extends Loss.Builder<Builder, SoftmaxCrossEntropyLoss> {
        private int axis = -1;
        private boolean sparseLabel = true;
        private boolean fromLogits;

        private Builder() {
            super(null);
        }

        /** The class axis (default -1). */
        public Builder axis(int a) {
            this.axis = a;
            return this;
        }

        /** Whether labels are class indices (default true) rather than distributions. */
        public Builder sparseLabel(boolean s) {
            this.sparseLabel = s;
            return this;
        }

        /** Whether {@code pred} already holds log-probabilities (default false). */
        public Builder fromLogits(boolean f) {
            this.fromLogits = f;
            return this;
        }

        @Override
        public SoftmaxCrossEntropyLoss build() {
            return new SoftmaxCrossEntropyLoss(this);
        }
    }
}
