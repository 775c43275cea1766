package dev.kiln.metric;

import dev.kiln.ndarray.Shape;

/**
 * Reductions of a row-major value array along one axis, as the metrics need them: the index of the largest entry
 * (numpy's {@code argmax}, first one on ties) and picking one entry per position (MXNet's {@code pick}, clip mode).
 * Results are ordered row-major over the remaining axes.
 */
final class AlongAxis {
    private final int outer;
    private final int extent;
    private final int inner;

    AlongAxis(Shape shape, int axis) {
        int a = shape.normalizeAxis(axis);
        this.outer = shape.sizeOf(0, a);
        this.extent = shape.get(a);
        this.inner = shape.sizeOf(a + 1, shape.rank());
    }

    /** How many positions remain once the axis is reduced. */
    int positions() {
        return outer * inner;
    }

    /** The length of the reduced axis. */
    int extent() {
        return extent;
    }

    private int at(int position, int k) {
        int o = position / inner;
        int i = position % inner;
        return (o * extent + k) * inner + i;
    }

    /** For every position, the index along the axis of its largest value (the first one on ties). */
    int[] argmax(double[] values) {
        int[] out = new int[positions()];
        for (int p = 0; p < out.length; p++) {
            int best = 0;
            double bestValue = values[at(p, 0)];
            for (int k = 1; k < extent; k++) {
                double v = values[at(p, k)];
                if (v > bestValue) {
                    best = k;
                    bestValue = v;
                }
            }
            out[p] = best;
        }
        return out;
    }

    /** For every position, the value at index {@code index[p]} along the axis, clipped into range. */
    double[] pick(double[] values, int[] index) {
        double[] out = new double[positions()];
        for (int p = 0; p < out.length; p++) {
            int k = Math.max(0, Math.min(extent - 1, index[p]));
            out[p] = values[at(p, k)];
        }
        return out;
    }
}
