package dev.kiln.data.vision.transforms;

import dev.kiln.KilnException;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.image.FloatTuple;
import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * Gluon's {@code transforms.Normalize}: {@code (x[c] - mean[c]) / std[c]} per channel of a {@code (C, H, W)} tensor
 * or {@code (N, C, H, W)} batch with 1 or 3 channels ({@code _image_normalize}); one value applies to every channel.
 * Gluon's defaults are mean 0 and std 1.
 */
public class Normalize extends HybridBlock {
    private final FloatTuple mean;
    private final FloatTuple std;

    public Normalize() {
        this(0.0, 1.0);
    }

    public Normalize(double mean, double std) {
        this(new double[] {mean}, new double[] {std});
    }

    /** Per-channel means and standard deviations (one or three values each). */
    public Normalize(double[] mean, double[] std) {
        if (mean.length == 0 || std.length == 0) {
            throw new KilnException("Normalize needs at least one mean and one std, got mean of " + mean.length
                    + " and std of " + std.length + " values");
        }
        for (double s : std) {
            if (s == 0) {
                throw new KilnException("Normalize std must not be zero, got " + FloatTuple.of(std));
            }
        }
        this.mean = FloatTuple.of(mean);
        this.std = FloatTuple.of(std);
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.imageNormalize(x, Map.of("mean", mean, "std", std));
    }
}
