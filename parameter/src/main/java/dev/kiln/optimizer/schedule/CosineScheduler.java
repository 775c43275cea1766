package dev.kiln.optimizer.schedule;

/**
 * Cosine decay, as MXNet's {@code CosineScheduler}: after the warm-up the rate is
 * {@code final_lr + (base_lr - final_lr) * (1 + cos(pi * t / T)) / 2} with {@code t} updates done of {@code T =
 * max_update - warmup_steps}; past {@code max_update} it stays at {@code final_lr}.
 */
public final class CosineScheduler extends DecayScheduler {

    /** Cosine decay to 0 over {@code maxUpdate} updates from a base rate of 0.01 (MXNet's defaults). */
    public CosineScheduler(int maxUpdate) {
        this(builder(maxUpdate));
    }

    private CosineScheduler(Builder b) {
        super("CosineScheduler", b.maxUpdate, b.finalLr, b);
    }

    /** A builder with MXNet's defaults: final_lr 0, base 0.01, no warm-up. */
    public static Builder builder(int maxUpdate) {
        return new Builder(maxUpdate);
    }

    @Override
    protected double remaining(long done, long total) {
        return (1 + Math.cos(Math.PI * done / total)) / 2;
    }

    /** The builder of a {@link CosineScheduler}. */
    public static final class Builder extends WarmupScheduler.Builder<Builder, CosineScheduler> {
        private final int maxUpdate;
        private double finalLr;

        private Builder(int maxUpdate) {
            this.maxUpdate = maxUpdate;
        }

        public Builder finalLr(double lr) {
            this.finalLr = lr;
            return this;
        }

        @Override
        public CosineScheduler build() {
            return new CosineScheduler(this);
        }
    }
}
