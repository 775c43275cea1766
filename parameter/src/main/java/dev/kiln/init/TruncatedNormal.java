package dev.kiln.init;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;

/**
 * Normal values of mean {@code mean} and standard deviation {@code stdev}, redrawn until within two standard
 * deviations of the mean. MXNet 1.x has no such initialiser; this follows MXNet 2.0's {@code TruncNorm}
 * (defaults {@code mean=0}, {@code stdev=0.01}) and registers under its name, {@code truncnorm}. Unlike MXNet 2.0,
 * {@link #dumps()} lists {@code mean} and {@code stdev}, so the description round-trips.
 */
public final class TruncatedNormal extends Initializer {
    static final String NAME = "truncnorm";
    static final int DEFAULT_MEAN = 0;
    static final double DEFAULT_STDEV = 0.01;
    /** Samples farther than this many standard deviations from the mean are drawn again. */
    static final double BOUND = 2;

    private final double mean;
    private final double stdev;

    public TruncatedNormal() {
        this(DEFAULT_MEAN, DEFAULT_STDEV);
    }

    /** Mean and standard deviation of the underlying normal distribution, both finite, stdev not negative. */
    public TruncatedNormal(Number mean, Number stdev) {
        super(kwargs("mean", mean, "stdev", stdev));
        this.mean = ArgChecks.finite(NAME, "mean", mean);
        this.stdev = ArgChecks.nonNegative(NAME, "stdev", stdev);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        FloatTarget.requireFloating(name(), desc, target);
        int n = target.size();
        double[] z = draw(n);
        int[] pending = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(z[i]) > BOUND) {
                pending[count++] = i;
            }
        }
        while (count > 0) {
            double[] again = draw(count);
            int left = 0;
            for (int j = 0; j < count; j++) {
                if (Math.abs(again[j]) > BOUND) {
                    pending[left++] = pending[j];
                } else {
                    z[pending[j]] = again[j];
                }
            }
            count = left;
        }
        for (int i = 0; i < n; i++) {
            z[i] = mean + stdev * z[i];
        }
        FloatTarget.write(z, target);
    }

    private double[] draw(int n) {
        return n == 0 ? new double[0]
                : Random.normal(generator(), 0, 1, Shape.of(n), DType.FLOAT64, Device.cpu()).toDoubleArray();
    }
}
