package dev.kiln.nn.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * A row-major array of doubles for the tests' plain-Java reference computations, with channels-second
 * {@code (batch, channels, spatial...)} data in mind: element access by index, iteration over spatial positions, and
 * moving the channel axis last and back.
 */
record Grid(int[] dims, double[] v) {

    static Grid of(NDArray a) {
        return new Grid(a.shape().dims(), a.toDoubleArray());
    }

    static Grid zeros(int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return new Grid(dims.clone(), new double[n]);
    }

    NDArray toNDArray() {
        return NDArray.of(Shape.of(dims), DType.FLOAT64, v).astype(DType.FLOAT32);
    }

    int rank() {
        return dims.length;
    }

    /** The spatial dims (every axis after the first two). */
    int[] spatial() {
        return Arrays.copyOfRange(dims, 2, dims.length);
    }

    int offset(int n, int c, int[] pos) {
        int o = n * dims[1] + c;
        for (int i = 0; i < pos.length; i++) {
            o = o * dims[i + 2] + pos[i];
        }
        return o;
    }

    double get(int n, int c, int[] pos) {
        return v[offset(n, c, pos)];
    }

    void add(int n, int c, int[] pos, double value) {
        v[offset(n, c, pos)] += value;
    }

    void set(int n, int c, int[] pos, double value) {
        v[offset(n, c, pos)] = value;
    }

    /** Every index of a box of {@code sizes}, row-major. */
    static Iterable<int[]> positions(int[] sizes) {
        int total = 1;
        for (int s : sizes) {
            total *= s;
        }
        int count = total;
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public int[] next() {
                int[] p = new int[sizes.length];
                int rest = next++;
                for (int i = sizes.length - 1; i >= 0; i--) {
                    p[i] = rest % sizes[i];
                    rest /= sizes[i];
                }
                return p;
            }
        };
    }

    /** The same values with axis 1 moved last ({@code NCHW} to {@code NHWC}, a weight's channel axis likewise). */
    Grid channelLast() {
        return moveAxis(1, dims.length - 1);
    }

    /** The same values with the last axis moved to 1 ({@code NHWC} to {@code NCHW}). */
    Grid channelFirst() {
        return moveAxis(dims.length - 1, 1);
    }

    private Grid moveAxis(int from, int to) {
        int[] order = new int[dims.length];
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            axes.add(i);
        }
        axes.remove(from);
        axes.add(to, from);
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            order[i] = axes.get(i);
            out[i] = dims[order[i]];
        }
        Grid g = zeros(out);
        int k = 0;
        for (int[] p : positions(out)) {
            int src = 0;
            int[] q = new int[dims.length];
            for (int i = 0; i < dims.length; i++) {
                q[order[i]] = p[i];
            }
            for (int i = 0; i < dims.length; i++) {
                src = src * dims[i] + q[i];
            }
            g.v[k++] = v[src];
        }
        return g;
    }
}
