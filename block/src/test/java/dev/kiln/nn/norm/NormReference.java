package dev.kiln.nn.norm;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.function.IntUnaryOperator;

/** Plain-Java normalisation the layer tests compare against: group means and biased variances by loops. */
final class NormReference {
    private NormReference() {
    }

    /** Means of the elements of {@code x} by group ({@code groupOf} maps a flat index to a group). */
    static double[] means(NDArray x, IntUnaryOperator groupOf, int groups) {
        double[] sum = new double[groups];
        int[] count = new int[groups];
        for (int i = 0; i < x.size(); i++) {
            int g = groupOf.applyAsInt(i);
            sum[g] += x.getDouble(i);
            count[g]++;
        }
        for (int g = 0; g < groups; g++) {
            sum[g] /= count[g];
        }
        return sum;
    }

    /** Biased (1/N) variances of the elements of {@code x} by group. */
    static double[] variances(NDArray x, IntUnaryOperator groupOf, int groups) {
        double[] mean = means(x, groupOf, groups);
        double[] sq = new double[groups];
        int[] count = new int[groups];
        for (int i = 0; i < x.size(); i++) {
            int g = groupOf.applyAsInt(i);
            double d = x.getDouble(i) - mean[g];
            sq[g] += d * d;
            count[g]++;
        }
        for (int g = 0; g < groups; g++) {
            sq[g] /= count[g];
        }
        return sq;
    }

    /** {@code (x - mean) / sqrt(var + eps)} with the given per-group statistics. */
    static double[] normalized(NDArray x, IntUnaryOperator groupOf, double[] mean, double[] var, double eps) {
        double[] out = new double[x.size()];
        for (int i = 0; i < out.length; i++) {
            int g = groupOf.applyAsInt(i);
            out[i] = (x.getDouble(i) - mean[g]) / Math.sqrt(var[g] + eps);
        }
        return out;
    }

    /** {@code (x - mean) / sqrt(var + eps)} with the statistics of each group of {@code x} itself. */
    static double[] normalized(NDArray x, IntUnaryOperator groupOf, int groups, double eps) {
        return normalized(x, groupOf, means(x, groupOf, groups), variances(x, groupOf, groups), eps);
    }

    /** {@code v * gamma[c] + beta[c]} for each element, {@code c} given by {@code channelOf}. */
    static double[] affine(double[] v, IntUnaryOperator channelOf, NDArray gamma, NDArray beta) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int c = channelOf.applyAsInt(i);
            out[i] = v[i] * gamma.getDouble(c) + beta.getDouble(c);
        }
        return out;
    }

    /** The function giving the index along {@code axis} of a flat (row-major) index into {@code shape}. */
    static IntUnaryOperator indexAlong(Shape shape, int axis) {
        int inner = 1;
        for (int d = axis + 1; d < shape.rank(); d++) {
            inner *= shape.get(d);
        }
        int stride = inner;
        int size = shape.get(axis);
        return i -> (i / stride) % size;
    }
}
