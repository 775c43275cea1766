package dev.kiln.bench.suite;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * Whether two runs of a model gave the same outputs: for each output, the largest absolute difference over the
 * largest magnitude of the reference must be at most {@link #TOLERANCE} (relative to the output's scale, so values
 * near zero do not count as disagreements of their own).
 */
final class Agreement {
    /** The suite's bound on the scaled difference. */
    static final double TOLERANCE = 1e-3;

    private Agreement() {
    }

    /** The largest scaled difference over all outputs; infinite when the output counts or shapes differ. */
    static double scaledDifference(List<NDArray> actual, List<NDArray> expected) {
        if (actual.size() != expected.size()) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (int i = 0; i < actual.size(); i++) {
            if (!actual.get(i).shape().equals(expected.get(i).shape())) {
                return Double.POSITIVE_INFINITY;
            }
            float[] a = actual.get(i).toFloatArray();
            float[] e = expected.get(i).toFloatArray();
            double diff = 0;
            double scale = 0;
            for (int j = 0; j < a.length; j++) {
                diff = Math.max(diff, Math.abs((double) a[j] - e[j]));
                scale = Math.max(scale, Math.abs((double) e[j]));
            }
            double scaled = scale == 0 ? diff : diff / scale;
            worst = Math.max(worst, Double.isNaN(scaled) ? Double.POSITIVE_INFINITY : scaled);
        }
        return worst;
    }
}
