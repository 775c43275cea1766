package dev.kiln.loss;

import dev.kiln.op.surface.F;

/** Gluon's {@code L1Loss}: {@code |label - pred|}, weighted and averaged per sample. */
public class L1Loss extends PointwiseLoss {

    /** No weight, batch axis 0. */
    public L1Loss() {
        this(builder());
    }

    public static Builder builder() {
        return new Builder();
    }

    protected L1Loss(Builder b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "l1loss");
    }

    @Override
    protected <T> T elementLoss(F<T> F, T pred, T label) {
        return F.abs(F.elemwiseSub(label, pred));
    }

    /** Gluon's {@code L1Loss} arguments: {@code weight} (default none) and {@code batchAxis}. */
    public static final class Builder extends Loss.Builder<Builder, L1Loss> {
        private Builder() {
            super(null);
        }

        @Override
        public L1Loss build() {
            return new L1Loss(this);
        }
    }
}
