package dev.kiln.optimizer.schedule;

/**
 * Polynomial decay, as MXNet's {@code PolyScheduler}: after the warm-up the rate is
 * {@code final_lr + (base_lr - final_lr) * (1 - t / T)^pwr} with {@code t} updates done of {@code T =
 * max_update - warmup_steps}; past {@code max_update} it stays at {@code final_lr}.
 */
public final class PolyScheduler extends DecayScheduler {
    private final double power;

    /** Quadratic decay to 0 over {@code maxUpdate} updates from a base rate of 0.01 (MXNet's defaults). */
    public PolyScheduler(int maxUpdate) {
        this(builder(maxUpdate));
    }

    private PolyScheduler(Builder b) {
        super("PolyScheduler", b.maxUpdate, b.finalLr, b);
        this.power = b.power;
    }

    /** A builder with MXNet's defaults: pwr 2, final_lr 0, base 0.01, no warm-up. */
    public static Builder builder(int maxUpdate) {
        return new Builder(maxUpdate);
    }

    @Override
    protected double remaining(long done, long total) {
        return Math.pow(1 - (double) done / (double) total, power);
    }

    public double power() {
        return power;
    }

    /** The builder of a {@link PolyScheduler}. */
    public static final class Builder extends WarmupScheduler.Builder<Builder, PolyScheduler> {
        private final int maxUpdate;
        private double power = 2;
        private double finalLr;

        private Builder(int maxUpdate) {
            this.maxUpdate = maxUpdate;
        }

        /** The exponent, MXNet's {@code pwr}. */
        public Builder power(double pwr) {
            this.power = pwr;
            return this;
        }

        public Builder finalLr(double lr) {
            this.finalLr = lr;
            return this;
        }

        @Override
        public PolyScheduler build() {
            return new PolyScheduler(this);
        }
    }
}
