package dev.kiln.loss;

/**
 * The builder of a loss with a {@code margin} besides {@code weight} and {@code batchAxis} (hinge, squared hinge,
 * triplet and cosine-embedding losses), with Gluon's default margin for that loss.
 *
 * @param <L> the loss it builds
 */
public abstract class MarginBuilder<L extends Loss> extends Loss.Builder<MarginBuilder<L>, L> {
    private double margin;

    protected MarginBuilder(double defaultMargin) {
        super(null);
        this.margin = defaultMargin;
    }

    /** The margin. */
    public MarginBuilder<L> margin(double m) {
        this.margin = m;
        return this;
    }

    public double margin() {
        return margin;
    }

    /** A builder whose {@code build()} is {@code factory}, for loss classes to hand out. */
    static <L extends Loss> MarginBuilder<L> of(double defaultMargin,
                                                java.util.function.Function<MarginBuilder<L>, L> factory) {
        return new MarginBuilder<>(defaultMargin) {
            @Override
            public L build() {
                return factory.apply(this);
            }
        };
    }
}
