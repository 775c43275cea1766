package dev.kiln.op.conv;

import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.parallel.Parallel;

/**
 * Float32 max, avg and sum pooling and their gradients as plain loops, without the per-window callback of
 * {@link PoolKernels#forEachWindow}: for each output row the starts of its windows' data rows are computed once, each
 * output then scans those rows, and the runs of full 2x2 and 3x3 max windows (all but the padded edges) have kernels
 * of their own. The results are bit for bit those of the general kernels: every window is read in window order
 * (depth, row, column), max keeps the first value strictly greater than the running maximum (so NaN never wins and
 * padding is never read), sums add {@code x / size} in the same order, and the max gradient goes to the first element
 * equal to the pooled output. Lp pooling with {@code p > 1} stays on the general path. Max pooling over 2x2 windows
 * that tile the planes (stride 2, no padding) runs {@link VectorPairPool} when the Vector API is available.
 */
final class FastPoolKernels {
    /** Window reads per task below which planes run on the calling thread. */
    private static final int GRAIN_READS = 1 << 14;
    /**
     * The same for {@link VectorPairPool}'s forward and gradient, which read several elements per nanosecond (the
     * gradient about a third as fast): a smaller task would take less time than handing it to another thread.
     */
    private static final int VECTOR_GRAIN_READS = 1 << 17, VECTOR_GRADIENT_GRAIN_READS = 1 << 16;
    /** Whether max windows that tile the planes by 2x2 take {@link VectorPairPool}. */
    private static final boolean VECTOR = VectorSupport.isAvailable();

    private FastPoolKernels() {
    }

    /** Whether these kernels compute {@code spec}: max, avg and sum pooling (lp only for {@code p = 1}). */
    static boolean handles(PoolKernels.Spec spec) {
        return spec.max() || spec.p() == 1;
    }

    /** Pools {@code planes} consecutive planes of {@code x} into {@code y} (every element written). */
    static void pool(float[] x, float[] y, int planes, PoolKernels.Spec spec) {
        pool(x, y, 0, planes, spec);
    }

    /**
     * Pools {@code planes} consecutive planes of {@code x} into {@code y} from {@code yOff} (every element of those
     * planes' outputs written, no other).
     */
    static void pool(float[] x, float[] y, int yOff, int planes, PoolKernels.Spec spec) {
        float lowest = (float) spec.lowest();
        PoolWindows w = spec.windows();
        if (VECTOR && spec.max() && VectorPairPool.tiles(w)) {
            Parallel.forRange(planes, grain(w, VECTOR_GRAIN_READS),
                    (from, to) -> VectorPairPool.pool(x, y, yOff, from, to, w, lowest));
            return;
        }
        boolean nanOnEmpty = spec.nanOnEmpty() && spec.average();
        forEachWindow(spec, planes, yOff, new WindowVisitor() {
            @Override
            public void squareRun(int[] rows, Run run, int o) {
                maxRun(x, rows, run, y, o, lowest);
            }

            @Override
            public void window(int[] rows, int n, int o, int a, int len, int size) {
                y[o] = spec.max() ? max(x, rows, n, a, len, lowest)
                        : nanOnEmpty && size == 0 ? Float.NaN : sum(x, rows, n, a, len, size);
            }
        });
    }

    /**
     * Whether {@link #backward} writes every element of the float32 data gradient itself (max pooling over 2x2
     * windows that {@link VectorPairPool#covers cover} the planes, on the Vector API), so it need not be cleared.
     */
    static boolean assigns(PoolKernels.Spec spec) {
        return VECTOR && spec.max() && VectorPairPool.covers(spec.windows());
    }

    /**
     * {@link #backward} where {@link #assigns} holds and {@code x} is a ReLU's output, the result multiplied by the
     * ReLU's slope {@code x > 0 ? 1 : 0} in the same pass ({@link VectorPairPool#gradient}).
     */
    static void reluBackward(float[] dy, float[] x, float[] y, float[] dx, int planes, PoolKernels.Spec spec) {
        PoolWindows w = spec.windows();
        Parallel.forRange(planes, grain(w, VECTOR_GRADIENT_GRAIN_READS),
                (from, to) -> VectorPairPool.gradient(dy, x, y, dx, from, to, w, true));
    }

    /**
     * Adds the data gradient of {@code planes} planes into {@code dx} (zero on entry, unless {@link #assigns}: then
     * written over whatever it held) from the output gradient {@code dy}, the data {@code x} and, for max pooling,
     * the forward output {@code y}.
     */
    static void backward(float[] dy, float[] x, float[] y, float[] dx, int planes, PoolKernels.Spec spec) {
        PoolWindows w = spec.windows();
        if (assigns(spec)) {
            Parallel.forRange(planes, grain(w, VECTOR_GRADIENT_GRAIN_READS),
                    (from, to) -> VectorPairPool.gradient(dy, x, y, dx, from, to, w, false));
            return;
        }
        if (VECTOR && spec.max() && VectorPairPool.tiles(w)) {
            Parallel.forRange(planes, grain(w, VECTOR_GRADIENT_GRAIN_READS),
                    (from, to) -> VectorPairPool.backward(dy, x, y, dx, from, to, w));
            return;
        }
        forEachWindow(spec, planes, 0, new WindowVisitor() {
            @Override
            public void squareRun(int[] rows, Run run, int o) {
                firstMaxRun(dy, x, y, dx, rows, run, o);
            }

            @Override
            public void window(int[] rows, int n, int o, int a, int len, int size) {
                if (!spec.max()) {
                    spread(dx, rows, n, a, len, dy[o] / size);
                    return;
                }
                int at = firstEqual(x, rows, n, a, len, y[o]);
                if (at >= 0) {
                    dx[at] += dy[o];
                }
            }
        });
    }

    /**
     * The longest stretch {@code [from, to)} of output columns whose windows all span {@code width} data columns
     * starting {@code step} apart at {@code start} (the columns clear of padding and of clipped last windows).
     */
    record Run(int from, int to, int width, int step, int start) {
        static Run of(PoolWindows w) {
            int[] lo = w.lo()[2];
            int[] hi = w.hi()[2];
            int n = lo.length;
            Run best = new Run(0, 0, 0, 0, 0);
            for (int a = 0; a < n; ) {
                int width = hi[a] - lo[a];
                int step = a + 1 < n ? lo[a + 1] - lo[a] : 1;
                int b = a + 1;
                while (b < n && hi[b] - lo[b] == width && lo[b] - lo[b - 1] == step) {
                    b++;
                }
                if (b - a > best.to() - best.from()) {
                    best = new Run(a, b, width, step, lo[a]);
                }
                a = b;
            }
            return best;
        }
    }

    /** Whether {@code n} window rows over {@code run} form square 2x2 or 3x3 windows, which have run kernels. */
    private static boolean squareRun(int n, Run run) {
        return n == run.width() && (n == 2 || n == 3);
    }

    /**
     * Max pooling of a run of square windows over data rows {@code rows[0..width)}, into {@code y[o..]}. The maximum
     * is taken with {@link Math#max}, which has no branches to mispredict; where that can differ from the running
     * first-strictly-greater maximum (a NaN in the window, a zero maximum whose sign depends on order, or nothing
     * above {@code lowest}) the window is scanned again in order.
     */
    private static void maxRun(float[] x, int[] rows, Run run, float[] y, int o, float lowest) {
        int a = rows[0] + run.start();
        int b = rows[1] + run.start();
        int step = run.step();
        int end = o + run.to() - run.from();
        if (run.width() == 2) {
            for (int k = o; k < end; k++, a += step, b += step) {
                float m = Math.max(Math.max(x[a], x[a + 1]), Math.max(x[b], x[b + 1]));
                y[k] = m > lowest && m != 0f ? m : max(x, rows, 2, a - rows[0], 2, lowest);
            }
            return;
        }
        for (int k = o, c = rows[2] + run.start(); k < end; k++, a += step, b += step, c += step) {
            float m = Math.max(Math.max(Math.max(x[a], x[a + 1]), Math.max(x[a + 2], x[b])),
                    Math.max(Math.max(x[b + 1], x[b + 2]), Math.max(Math.max(x[c], x[c + 1]), x[c + 2])));
            y[k] = m > lowest && m != 0f ? m : max(x, rows, 3, a - rows[0], 3, lowest);
        }
    }

    /**
     * The max-pooling gradient of a run of square windows: each {@code dy[o..]} goes to the first element of its
     * window equal to its pooled maximum {@code y[o..]}, picked with selects rather than an early exit.
     */
    private static void firstMaxRun(float[] dy, float[] x, float[] y, float[] dx, int[] rows, Run run, int o) {
        int width = run.width();
        int end = o + run.to() - run.from();
        for (int k = o, col = run.start(); k < end; k++, col += run.step()) {
            float out = y[k];
            int at = -1;
            for (int r = width - 1; r >= 0; r--) {
                int i = rows[r] + col;
                at = x[i + width - 1] == out ? i + width - 1 : at;
                at = width == 3 && x[i + 1] == out ? i + 1 : at;
                at = x[i] == out ? i : at;
            }
            if (at >= 0) {
                dx[at] += dy[k];
            }
        }
    }

    /** What a kernel does with the windows of one output row, whose data rows start at {@code rows[0..n)}. */
    private interface WindowVisitor {
        /** The run of full square max windows, its first output at {@code o}; called for max pooling only. */
        void squareRun(int[] rows, Run run, int o);

        /** Output {@code o}'s window: columns {@code [a, a + len)} of the rows; {@code size}: averaging divisor. */
        void window(int[] rows, int n, int o, int a, int len, int size);
    }

    /**
     * Visits every window of {@code planes} consecutive planes in output order, planes split across threads; in each
     * output row of a max pooling, the run of full 2x2 or 3x3 windows goes to {@link WindowVisitor#squareRun} at once.
     * Output positions handed over start at {@code yOff}.
     */
    private static void forEachWindow(PoolKernels.Spec spec, int planes, int yOff, WindowVisitor visitor) {
        PoolWindows w = spec.windows();
        Run run = Run.of(w);
        int[] lo = w.lo()[2];
        int[] hi = w.hi()[2];
        int[] dv = w.divisor()[2];
        Parallel.forRange(planes, grain(w, GRAIN_READS), (from, to) -> {
            int[] rows = new int[maxWindowRows(w)];
            for (int plane = from; plane < to; plane++) {
                int o = yOff + plane * w.gridSize();
                for (int gz = 0; gz < w.grid()[0]; gz++) {
                    for (int gy = 0; gy < w.grid()[1]; gy++) {
                        int n = windowRows(w, plane, gz, gy, rows);
                        int sizeZY = spec.average() ? w.divisor()[0][gz] * w.divisor()[1][gy] : 1;
                        int skip = spec.max() && squareRun(n, run) ? run.from() : -1;
                        for (int gx = 0; gx < w.grid()[2]; gx++, o++) {
                            if (gx == skip) {
                                visitor.squareRun(rows, run, o);
                                o += run.to() - run.from() - 1;
                                gx = run.to() - 1;
                            } else {
                                visitor.window(rows, n, o, lo[gx], hi[gx] - lo[gx],
                                        spec.average() ? sizeZY * dv[gx] : 1);
                            }
                        }
                    }
                }
            }
        });
    }

    /** Planes per task: enough that a task reads about {@code reads} window elements. */
    private static int grain(PoolWindows w, int reads) {
        long perPlane = Math.max(1, windowReads(w) + w.gridSize());
        return (int) Math.max(1, reads / perPlane);
    }

    /** Data elements read per plane: the product over the axes of the summed window extents. */
    private static long windowReads(PoolWindows w) {
        long reads = 1;
        for (int a = 0; a < 3; a++) {
            long axis = 0;
            for (int g = 0; g < w.grid()[a]; g++) {
                axis += Math.max(0, w.hi()[a][g] - w.lo()[a][g]);
            }
            reads *= axis;
        }
        return reads;
    }

    /** The most data rows (depth times height) any window covers. */
    private static int maxWindowRows(PoolWindows w) {
        int rows = 1;
        for (int a = 0; a < 2; a++) {
            int most = 0;
            for (int g = 0; g < w.grid()[a]; g++) {
                most = Math.max(most, w.hi()[a][g] - w.lo()[a][g]);
            }
            rows *= most;
        }
        return rows;
    }

    /** Writes the flat starts of the data rows of window row {@code (gz, gy)} of {@code plane}; returns how many. */
    private static int windowRows(PoolWindows w, int plane, int gz, int gy, int[] rows) {
        int[] im = w.image();
        int base = plane * w.imageSize();
        int n = 0;
        for (int z = w.lo()[0][gz]; z < w.hi()[0][gz]; z++) {
            for (int yy = w.lo()[1][gy]; yy < w.hi()[1][gy]; yy++) {
                rows[n++] = base + (z * im[1] + yy) * im[2];
            }
        }
        return n;
    }

    /** The running maximum {@code m} over columns {@code [a, a + len)} of {@code n} rows, in order. */
    static float max(float[] x, int[] rows, int n, int a, int len, float m) {
        for (int r = 0; r < n; r++) {
            int i = rows[r] + a;
            switch (len) {
                case 2 -> {
                    float v0 = x[i];
                    float v1 = x[i + 1];
                    m = v0 > m ? v0 : m;
                    m = v1 > m ? v1 : m;
                }
                case 3 -> {
                    float v0 = x[i];
                    float v1 = x[i + 1];
                    float v2 = x[i + 2];
                    m = v0 > m ? v0 : m;
                    m = v1 > m ? v1 : m;
                    m = v2 > m ? v2 : m;
                }
                default -> {
                    for (int e = i + len; i < e; i++) {
                        float v = x[i];
                        m = v > m ? v : m;
                    }
                }
            }
        }
        return m;
    }

    /** The sum of {@code x / size} over columns {@code [a, a + len)} of {@code n} rows, added in order. */
    private static float sum(float[] x, int[] rows, int n, int a, int len, int size) {
        float s = 0f;
        for (int r = 0; r < n; r++) {
            for (int i = rows[r] + a, e = i + len; i < e; i++) {
                s += x[i] / size;
            }
        }
        return s;
    }

    /** The flat index of the first element equal to {@code out} in window order, or -1. */
    static int firstEqual(float[] x, int[] rows, int n, int a, int len, float out) {
        for (int r = 0; r < n; r++) {
            for (int i = rows[r] + a, e = i + len; i < e; i++) {
                if (x[i] == out) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Adds {@code g} to every element of the window. */
    private static void spread(float[] dx, int[] rows, int n, int a, int len, float g) {
        for (int r = 0; r < n; r++) {
            for (int i = rows[r] + a, e = i + len; i < e; i++) {
                dx[i] += g;
            }
        }
    }
}
