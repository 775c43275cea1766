package dev.kiln.op.reduce;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Storage;
import dev.kiln.parallel.Parallel;

/**
 * Runs a reduction over the lanes of a {@link LanePlan}. Floating-point results go through {@link LaneMath} in
 * double precision; integer sums, products, extrema and means stay in exact 64-bit integers and wrap to the output
 * dtype, as MXNet's integer accumulators do. Work is split over output elements, or over fixed blocks of one lane
 * when there are few outputs, so results never depend on the thread count.
 */
public final class LaneReducer {
    /** Lane elements reduced per block. */
    static final int BLOCK = 2048;
    private static final int GRAIN = 1 << 14;
    /** Neighbouring lanes gathered together in the strided layout. */
    private static final int TILE = 16;

    /** The integer reductions of {@link #reduceIntegral}. */
    public enum IntKind { SUM, MEAN, PROD, MAX, MIN }

    private LaneReducer() {
    }

    /** Reduces {@code in} into {@code out} (whose size is {@code plan.outputs()}) with {@code math}. */
    public static void reduce(LanePlan plan, NDArray in, NDArray out, LaneMath math) {
        int outs = plan.outputs();
        int len = plan.laneLength();
        if (outs == 0) {
            return;
        }
        DType ot = out.dtype();
        Object od = out.data();
        if (len == 0) {
            out.fill(math.empty());
            return;
        }
        DType it = in.dtype();
        Object id = in.data();
        int blocks = (len + BLOCK - 1) / BLOCK;
        if (outs >= Parallel.threads() || blocks == 1) {
            int tiles = plan.tileCount(TILE);
            int maxWidth = plan.tileWidth(0, TILE);
            int grain = (int) Math.max(1, GRAIN / ((long) len * maxWidth));
            Parallel.forRange(tiles, grain, (from, to) -> {
                double[][] bufs = new double[maxWidth][Math.min(len, BLOCK)];
                double[][] partials = new double[bufs.length][blocks];
                boolean tileForm = maxWidth > 1 && math.hasTileForm();
                double[] rows = tileForm ? new double[maxWidth * Math.min(len, BLOCK)] : null;
                double[] sums = new double[maxWidth];
                for (int tile = from; tile < to; tile++) {
                    int o = plan.tileStart(tile, TILE);
                    int w = plan.tileWidth(o, TILE);
                    for (int b = 0; b < blocks; b++) {
                        int r0 = b * BLOCK;
                        int n = Math.min(BLOCK, len - r0);
                        if (tileForm && w > 1) {
                            plan.gatherTileRows(it, id, o, w, r0, n, rows);
                            math.blockTile(rows, n, w, sums);
                            for (int k = 0; k < w; k++) {
                                partials[k][b] = sums[k];
                            }
                            continue;
                        }
                        plan.gatherTile(it, id, o, w, r0, n, bufs);
                        for (int k = 0; k < w; k++) {
                            partials[k][b] = math.block(bufs[k], n);
                        }
                    }
                    for (int k = 0; k < w; k++) {
                        double v = blocks == 1 ? partials[k][0] : math.combine(partials[k], blocks);
                        Storage.set(ot, od, o + k, math.finish(v, len));
                    }
                }
            });
            return;
        }
        for (int o = 0; o < outs; o++) {
            int base = plan.base(o);
            double[] partials = new double[blocks];
            Parallel.forRange(blocks, 1, (from, to) -> {
                double[] buf = new double[BLOCK];
                for (int b = from; b < to; b++) {
                    int r0 = b * BLOCK;
                    int n = Math.min(BLOCK, len - r0);
                    plan.gather(it, id, base, r0, n, buf);
                    partials[b] = math.block(buf, n);
                }
            });
            Storage.set(ot, od, o, math.finish(math.combine(partials, blocks), len));
        }
    }

    /**
     * Reduces an integer (or bool) array exactly: sums and products wrap to the output dtype's width, and the mean is
     * the wrapped sum divided by the lane length, truncated toward zero. Lanes must not be empty for MAX, MIN, MEAN.
     */
    public static void reduceIntegral(LanePlan plan, NDArray in, NDArray out, IntKind kind) {
        int outs = plan.outputs();
        int len = plan.laneLength();
        DType it = in.dtype();
        DType ot = out.dtype();
        Object id = in.data();
        Object od = out.data();
        Parallel.forRange(outs, Math.max(1, GRAIN / Math.max(1, len)), (from, to) -> {
            long[] buf = new long[Math.min(Math.max(len, 1), BLOCK)];
            for (int o = from; o < to; o++) {
                int base = plan.base(o);
                long acc = switch (kind) {
                    case SUM, MEAN -> 0;
                    case PROD -> 1;
                    case MAX -> Long.MIN_VALUE;
                    case MIN -> Long.MAX_VALUE;
                };
                for (int r0 = 0; r0 < len; r0 += BLOCK) {
                    int n = Math.min(BLOCK, len - r0);
                    plan.gatherLong(it, id, base, r0, n, buf);
                    for (int i = 0; i < n; i++) {
                        long v = buf[i];
                        acc = switch (kind) {
                            case SUM, MEAN -> acc + v;
                            case PROD -> acc * v;
                            case MAX -> Math.max(acc, v);
                            case MIN -> Math.min(acc, v);
                        };
                    }
                }
                if (kind == IntKind.MEAN) {
                    acc = wrap(ot, acc) / len;
                }
                Storage.setLong(ot, od, o, wrap(ot, acc));
            }
        });
    }

    /** {@code v} reduced to the width of integer dtype {@code t}, as a C++ integer accumulator of that type holds it. */
    static long wrap(DType t, long v) {
        return switch (t) {
            case INT32 -> (int) v;
            case INT8 -> (byte) v;
            case UINT8 -> v & 0xFF;
            case BOOL -> v != 0 ? 1 : 0;
            default -> v;
        };
    }
}
