package dev.kiln.op.elementwise;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.OpDef;
import dev.kiln.parallel.Parallel;

import java.util.Arrays;

/**
 * Runs a {@link BinaryMath} over two arrays of one dtype with NumPy broadcasting. Output dims of size 1 are dropped and
 * neighbouring dims that broadcast the same way are merged, so the work becomes rows of one contiguous inner run in
 * which each input is either contiguous or a single repeated value: same-shape inputs are one row, a scalar operand
 * is one row with a repeated value, {@code (N, C) + (C,)} is N rows. Rows run the math's counted loops.
 */
final class BinaryKernels {
    /** Elements per parallel chunk. */
    static final int GRAIN = 16384;

    private BinaryKernels() {
    }

    /** One inner run: {@code n} outputs from {@code oo}; an input advances by one per element if full, else repeats. */
    private interface Row {
        void run(int ao, boolean aFull, int bo, boolean bFull, int oo, int n);
    }

    /**
     * {@code out = f(a, b)} where {@code a} and {@code b} broadcast to {@code out}'s shape and all three share a
     * dtype. Integer division by zero is reported as an error of {@code op}.
     */
    static void compute(OpDef op, BinaryMath f, NDArray a, NDArray b, NDArray out) {
        if (out.size() == 0) {
            return;
        }
        Layout layout = Layout.of(a.shape(), b.shape(), out.shape());
        Row row = rowFor(f, a, b, out);
        try {
            layout.run(row);
        } catch (ArithmeticException e) {
            throw op.error("integer division by zero (dtype " + out.dtype() + ")");
        }
    }

    private static Row rowFor(BinaryMath f, NDArray a, NDArray b, NDArray out) {
        DType t = out.dtype();
        switch (t) {
            case FLOAT32 -> {
                float[] x = (float[]) a.data();
                float[] y = (float[]) b.data();
                float[] o = (float[]) out.data();
                return (ao, aFull, bo, bFull, oo, n) -> {
                    if (aFull && bFull) {
                        f.vv(x, ao, y, bo, o, oo, n);
                    } else if (aFull) {
                        f.vs(x, ao, y[bo], o, oo, n);
                    } else if (bFull) {
                        f.sv(x[ao], y, bo, o, oo, n);
                    } else {
                        float v = (float) f.apply(x[ao], y[bo]);
                        Arrays.fill(o, oo, oo + n, v);
                    }
                };
            }
            case FLOAT64 -> {
                double[] x = (double[]) a.data();
                double[] y = (double[]) b.data();
                double[] o = (double[]) out.data();
                return (ao, aFull, bo, bFull, oo, n) -> {
                    if (aFull && bFull) {
                        f.vv(x, ao, y, bo, o, oo, n);
                    } else if (aFull) {
                        f.vs(x, ao, y[bo], o, oo, n);
                    } else if (bFull) {
                        f.sv(x[ao], y, bo, o, oo, n);
                    } else {
                        Arrays.fill(o, oo, oo + n, f.apply(x[ao], y[bo]));
                    }
                };
            }
            default -> {
                Object x = a.data();
                Object y = b.data();
                Object o = out.data();
                if (t.isIntegral() && f.exactOnIntegers()) {
                    return (ao, aFull, bo, bFull, oo, n) -> {
                        int sa = aFull ? 1 : 0;
                        int sb = bFull ? 1 : 0;
                        for (int i = 0; i < n; i++) {
                            long r = f.applyExact(Storage.getLong(t, x, ao + i * sa), Storage.getLong(t, y, bo + i * sb));
                            Storage.setLong(t, o, oo + i, r);
                        }
                    };
                }
                boolean viaIntegers = t.isIntegral();
                return (ao, aFull, bo, bFull, oo, n) -> {
                    int sa = aFull ? 1 : 0;
                    int sb = bFull ? 1 : 0;
                    for (int i = 0; i < n; i++) {
                        double p = Storage.get(t, x, ao + i * sa);
                        double q = Storage.get(t, y, bo + i * sb);
                        Storage.set(t, o, oo + i, viaIntegers ? f.applyToIntegers(p, q) : f.apply(p, q));
                    }
                };
            }
        }
    }

    /**
     * The merged iteration space: outer dims (sizes and per-input strides) and one inner run, with whether each input
     * is contiguous along it.
     */
    private record Layout(int[] outerSizes, int[] aStrides, int[] bStrides, int inner, boolean aFull, boolean bFull) {

        static Layout of(Shape as, Shape bs, Shape os) {
            int r = os.rank();
            int[] od = os.dims();
            int[] ad = padded(as, r);
            int[] bd = padded(bs, r);
            int[] sizes = new int[r];
            boolean[] ka = new boolean[r];
            boolean[] kb = new boolean[r];
            int m = 0;
            for (int i = 0; i < r; i++) {
                if (od[i] == 1) {
                    continue;
                }
                boolean fa = ad[i] != 1;
                boolean fb = bd[i] != 1;
                if (m > 0 && ka[m - 1] == fa && kb[m - 1] == fb) {
                    sizes[m - 1] *= od[i];
                } else {
                    sizes[m] = od[i];
                    ka[m] = fa;
                    kb[m] = fb;
                    m++;
                }
            }
            if (m == 0) {
                return new Layout(new int[0], new int[0], new int[0], 1, true, true);
            }
            int[] sa = new int[m];
            int[] sb = new int[m];
            int accA = 1;
            int accB = 1;
            for (int k = m - 1; k >= 0; k--) {
                sa[k] = ka[k] ? accA : 0;
                sb[k] = kb[k] ? accB : 0;
                if (ka[k]) {
                    accA *= sizes[k];
                }
                if (kb[k]) {
                    accB *= sizes[k];
                }
            }
            int outer = m - 1;
            return new Layout(Arrays.copyOf(sizes, outer), Arrays.copyOf(sa, outer),
                    Arrays.copyOf(sb, outer), sizes[outer], ka[outer], kb[outer]);
        }

        private static int[] padded(Shape s, int r) {
            int[] d = s.dims();
            int[] p = new int[r];
            Arrays.fill(p, 1);
            System.arraycopy(d, 0, p, r - d.length, d.length);
            return p;
        }

        void run(Row row) {
            int rows = 1;
            for (int s : outerSizes) {
                rows *= s;
            }
            int ia = aFull ? 1 : 0;
            int ib = bFull ? 1 : 0;
            if (rows == 1) {
                Parallel.forRange(inner, GRAIN, (from, to) -> row.run(from * ia, aFull, from * ib, bFull, from,
                        to - from));
                return;
            }
            int rowGrain = Math.max(1, GRAIN / inner);
            Parallel.forRange(rows, rowGrain, (from, to) -> runRows(row, from, to));
        }

        private void runRows(Row row, int from, int to) {
            int d = outerSizes.length;
            int[] idx = new int[d];
            int ao = 0;
            int bo = 0;
            int rest = from;
            for (int k = d - 1; k >= 0; k--) {
                idx[k] = rest % outerSizes[k];
                rest /= outerSizes[k];
                ao += idx[k] * aStrides[k];
                bo += idx[k] * bStrides[k];
            }
            for (int r = from; r < to; r++) {
                row.run(ao, aFull, bo, bFull, r * inner, inner);
                for (int k = d - 1; k >= 0; k--) {
                    idx[k]++;
                    ao += aStrides[k];
                    bo += bStrides[k];
                    if (idx[k] < outerSizes[k]) {
                        break;
                    }
                    ao -= aStrides[k] * idx[k];
                    bo -= bStrides[k] * idx[k];
                    idx[k] = 0;
                }
            }
        }
    }
}
