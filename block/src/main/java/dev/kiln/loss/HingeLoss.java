package dev.kiln.loss;

import dev.kiln.op.surface.F;

/**
 * Gluon's {@code HingeLoss}: {@code max(0, margin - pred * label)} for labels -1 and 1, weighted and averaged per
 * sample.
 */
public class HingeLoss extends PointwiseLoss {
    private final double margin;

    /** Margin 1, no weight, batch axis 0. */
    public HingeLoss() {
        this(builder());
    }

    /** The given margin. */
    public HingeLoss(double margin) {
        this(builder().margin(margin));
    }

    /** Gluon's arguments: {@code margin} (default 1), {@code weight} (default none), {@code batchAxis}. */
    public static MarginBuilder<HingeLoss> builder() {
        return MarginBuilder.of(1, HingeLoss::new);
    }

    protected HingeLoss(MarginBuilder<HingeLoss> b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "hingeloss");
        this.margin = b.margin();
    }

    public double margin() {
        return margin;
    }

    @Override
    protected <T> T elementLoss(F<T> F, T pred, T label) {
        return hinge(F, pred, label, margin);
    }

    /** {@code max(0, margin - pred * label)}. */
    static <T> T hinge(F<T> F, T pred, T label, double margin) {
        return F.relu(F.rminusScalar(F.elemwiseMul(pred, label), margin));
    }
}
