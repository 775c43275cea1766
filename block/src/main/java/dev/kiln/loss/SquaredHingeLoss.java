package dev.kiln.loss;

import dev.kiln.op.surface.F;

/**
 * Gluon's {@code SquaredHingeLoss}: {@code max(0, margin - pred * label)^2} for labels -1 and 1, weighted and
 * averaged per sample.
 */
public class SquaredHingeLoss extends PointwiseLoss {
    private final double margin;

    /** Margin 1, no weight, batch axis 0. */
    public SquaredHingeLoss() {
        this(builder());
    }

    /** The given margin. */
    public SquaredHingeLoss(double margin) {
        this(builder().margin(margin));
    }

    /** Gluon's arguments: {@code margin} (default 1), {@code weight} (default none), {@code batchAxis}. */
    public static MarginBuilder<SquaredHingeLoss> builder() {
        return MarginBuilder.of(1, SquaredHingeLoss::new);
    }

    protected SquaredHingeLoss(MarginBuilder<SquaredHingeLoss> b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "squaredhingeloss");
        this.margin = b.margin();
    }

    public double margin() {
        return margin;
    }

    @Override
    protected <T> T elementLoss(F<T> F, T pred, T label) {
        return F.square(HingeLoss.hinge(F, pred, label, margin));
    }
}
