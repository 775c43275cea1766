package dev.kiln.cli;

import dev.kiln.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Summary statistics of one array: min, max, mean and (population) standard deviation over its finite elements,
 * and how many elements are NaN or infinite. An array with no finite elements has no min, max, mean or std.
 */
record ArrayStats(long finite, double min, double max, double mean, double std, long nans, long infinities) {

    static ArrayStats of(NDArray a) {
        long n = 0;
        long nans = 0;
        long infs = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double mean = 0;
        double m2 = 0;
        for (int i = 0, size = a.size(); i < size; i++) {
            double v = a.getDouble(i);
            if (Double.isNaN(v)) {
                nans++;
            } else if (Double.isInfinite(v)) {
                infs++;
            } else {
                n++;
                min = Math.min(min, v);
                max = Math.max(max, v);
                double d = v - mean;          // Welford: stable for large arrays of similar values
                mean += d / n;
                m2 += d * (v - mean);
            }
        }
        return n == 0 ? new ArrayStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, nans, infs)
                : new ArrayStats(n, min, max, mean, Math.sqrt(m2 / n), nans, infs);
    }

    /** The header of {@link #cells()}. */
    static List<String> header() {
        return List.of("min", "max", "mean", "std", "nan", "inf");
    }

    /** min, max, mean, std (six significant digits, "-" when there is no finite element), NaN and inf counts. */
    List<String> cells() {
        return List.of(number(min), number(max), number(mean), number(std), Long.toString(nans),
                Long.toString(infinities));
    }

    /** One row per array: name, dtype, shape, size and the statistics. */
    static TextTable table(List<String> names, List<NDArray> arrays) {
        List<String> header = new ArrayList<>(List.of("key", "dtype", "shape", "size"));
        header.addAll(header());
        TextTable t = new TextTable(header);
        for (int i = 0; i < arrays.size(); i++) {
            NDArray a = arrays.get(i);
            List<String> row = new ArrayList<>(List.of(names.get(i), a.dtype().mxnetName(),
                    a.shape().toString(), Integer.toString(a.size())));
            row.addAll(of(a).cells());
            t.row(row);
        }
        return t;
    }

    static String number(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.6g", v);
    }
}
