package dev.kiln.loss;

import dev.kiln.op.surface.F;

/**
 * Gluon's {@code L2Loss}: {@code weight / 2 * (label - pred)^2}, averaged per sample. The default weight is 1; a
 * {@code null} weight counts as 1 (Gluon would fail halving {@code None}).
 */
public class L2Loss extends PointwiseLoss {

    /** Weight 1, batch axis 0. */
    public L2Loss() {
        this(builder());
    }

    /** The given weight, batch axis 0. */
    public L2Loss(double weight) {
        this(builder().weight(weight));
    }

    public static Builder builder() {
        return new Builder();
    }

    protected L2Loss(Builder b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "l2loss");
    }

    @Override
    protected Double scalarWeight() {
        return (weight() == null ? 1.0 : weight()) / 2;
    }

    @Override
    protected <T> T elementLoss(F<T> F, T pred, T label) {
        return F.square(F.elemwiseSub(label, pred));
    }

    /** Gluon's {@code L2Loss} arguments: {@code weight} (default 1) and {@code batchAxis}. */
    public static final class Builder extends Loss.Builder<Builder, L2Loss> {
        private Builder() {
            super(1.0);
        }

        @Override
        public L2Loss build() {
            return new L2Loss(this);
        }
    }
}
