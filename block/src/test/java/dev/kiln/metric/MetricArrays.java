package dev.kiln.metric;

import dev.kiln.ndarray.NDArray;

/** Small float64 arrays for the metric tests. */
final class MetricArrays {
    private MetricArrays() {
    }

    /** A 1-D array. */
    static NDArray vec(double... values) {
        return NDArray.from(values);
    }

    /** A 2-D array, one Java array per row. */
    static NDArray mat(double[]... rows) {
        return NDArray.from(rows);
    }

    /** One row for {@link #mat}. */
    static double[] row(double... values) {
        return values;
    }
}
