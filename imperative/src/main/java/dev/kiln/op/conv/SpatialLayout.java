package dev.kiln.op.conv;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;

/**
 * The data layouts of MXNet's spatial ops: channels second ({@code NCW}, {@code NCHW}, {@code NCDHW}) or last
 * ({@code NWC}, {@code NHWC}, {@code NDHWC}). Kernels compute channels-second; channels-last arrays are permuted in and
 * out, which keeps one kernel per op.
 */
enum SpatialLayout {
    NCW(1, false), NCHW(2, false), NCDHW(3, false), NWC(1, true), NHWC(2, true), NDHWC(3, true);

    /** The layout names MXNet accepts, for attribute declarations. */
    static final String[] NAMES = {"NCW", "NCHW", "NCDHW", "NWC", "NHWC", "NDHWC"};

    private final int spatialRank;
    private final boolean channelLast;

    SpatialLayout(int spatialRank, boolean channelLast) {
        this.spatialRank = spatialRank;
        this.channelLast = channelLast;
    }

    int spatialRank() {
        return spatialRank;
    }

    boolean channelLast() {
        return channelLast;
    }

    /**
     * The layout named by the {@code layout} attribute ({@code null} for MXNet's default, channels second), checked
     * against the number of spatial axes; {@code what} names where that number came from in the error.
     */
    static SpatialLayout resolve(OpDef op, String name, int spatialRank, String what) {
        if (name == null) {
            return switch (spatialRank) {
                case 1 -> NCW;
                case 2 -> NCHW;
                case 3 -> NCDHW;
                default -> throw op.error(what + " has " + spatialRank + " spatial axes; only 1, 2 or 3 are supported");
            };
        }
        SpatialLayout l = valueOf(name);
        if (l.spatialRank != spatialRank) {
            throw op.error("layout=" + name + " is for " + l.spatialRank + "-D data but " + what + " is "
                    + spatialRank + "-D");
        }
        return l;
    }

    /** The channels-second form of dims given in this layout. */
    int[] toChannelFirst(int[] dims) {
        return channelLast ? moveAxis(dims, dims.length - 1, 1) : dims.clone();
    }

    /** Dims in this layout from their channels-second form. */
    int[] fromChannelFirst(int[] dims) {
        return channelLast ? moveAxis(dims, 1, dims.length - 1) : dims.clone();
    }

    /** {@code a} permuted to channels second (the same array when already so). */
    NDArray toChannelFirst(NDArray a) {
        if (!channelLast) {
            return a;
        }
        int[] d = a.shape().dims();
        int outer = d[0];
        int c = d[d.length - 1];
        int inner = a.size() / Math.max(1, outer * c);
        return permute(a, Shape.of(toChannelFirst(d)), outer, inner, c);
    }

    /** A channels-second array permuted to this layout (the same array when it is channels second). */
    NDArray fromChannelFirst(NDArray a) {
        if (!channelLast) {
            return a;
        }
        int[] d = a.shape().dims();
        int outer = d[0];
        int c = d[1];
        int inner = a.size() / Math.max(1, outer * c);
        return permute(a, Shape.of(fromChannelFirst(d)), outer, c, inner);
    }

    private static int[] moveAxis(int[] dims, int from, int to) {
        int[] out = new int[dims.length];
        int v = dims[from];
        int j = 0;
        for (int i = 0; i < dims.length; i++) {
            if (i == to) {
                out[i] = v;
            } else {
                if (j == from) {
                    j++;
                }
                out[i] = dims[j++];
            }
        }
        return out;
    }

    /** Transposes each of {@code outer} row-major (rows x cols) matrices; float32 and float64 only. */
    private static NDArray permute(NDArray a, Shape target, int outer, int rows, int cols) {
        int plane = rows * cols;
        Object out;
        switch (a.data()) {
            case float[] s -> {
                float[] d = new float[s.length];
                for (int o = 0; o < outer; o++) {
                    int base = o * plane;
                    for (int r = 0; r < rows; r++) {
                        for (int q = 0; q < cols; q++) {
                            d[base + q * rows + r] = s[base + r * cols + q];
                        }
                    }
                }
                out = d;
            }
            case double[] s -> {
                double[] d = new double[s.length];
                for (int o = 0; o < outer; o++) {
                    int base = o * plane;
                    for (int r = 0; r < rows; r++) {
                        for (int q = 0; q < cols; q++) {
                            d[base + q * rows + r] = s[base + r * cols + q];
                        }
                    }
                }
                out = d;
            }
            default -> throw new IllegalStateException("layout permutation expects float32 or float64, got "
                    + a.dtype());
        }
        return NDArray.wrap(target, a.dtype(), a.device(), out);
    }
}
