package dev.kiln.kernel.gemm;

import java.util.Arrays;

/**
 * Single-precision GEMM without the Vector API, for JVMs started without {@code jdk.incubator.vector} and for the
 * first calls while the vector kernel is still being compiled: op(B) is packed block by block into row-major rows,
 * and each row of C is accumulated with simple counted loops that HotSpot's auto-vectoriser can handle. It performs
 * exactly the vector kernel's arithmetic (alpha folded into A, one fused multiply-add per term in depth order, the
 * depth blocks of {@link Gemm#depthBlock}, the same C update), so both paths give bitwise identical results.
 */
final class ScalarSgemm {
    /** Rows and columns of the split unit; any value works, these keep parts cache-sized. */
    static final int MR = 4;
    static final int NR = 64;
    private static final int KC = Gemm.SGEMM_KC;
    private static final int NC = 512;

    /** Per thread: KC packed rows of op(B) (separate arrays, see {@link #compute}) and one accumulator row. */
    private static final ThreadLocal<float[][]> WORKSPACE = ThreadLocal.withInitial(() -> new float[KC + 1][NC]);

    private ScalarSgemm() {
    }

    /** Computes the whole of {@code g} on the calling thread (k >= 1, m, n >= 1). */
    static void compute(FloatProblem g) {
        float[][] ws = WORKSPACE.get();
        float[] acc = ws[KC];
        float[] c = g.c();
        float alpha = g.alpha();
        for (int jc = 0; jc < g.n(); jc += NC) {
            int nc = Math.min(NC, g.n() - jc);
            for (int pc = 0, kb = Gemm.depthBlock(g.k()); pc < g.k(); pc += kb) {
                int kc = Math.min(kb, g.k() - pc);
                packRows(g, pc, kc, jc, nc, ws);
                float beta = pc == 0 ? g.beta() : 1f;
                for (int i = 0; i < g.m(); i++) {
                    Arrays.fill(acc, 0, nc, 0f);
                    for (int p = 0; p < kc; p++) {
                        accumulate(alpha * g.opA(i, pc + p), ws[p], acc, nc);
                    }
                    int row = g.cOff() + i * g.rowStride() + jc * g.colStride();
                    int cs = g.colStride();
                    for (int j = 0; j < nc; j++) {
                        int at = row + j * cs;
                        c[at] = beta == 0f ? acc[j] : beta == 1f ? acc[j] + c[at] : acc[j] + c[at] * beta;
                    }
                }
            }
        }
    }

    /**
     * acc += av * row, one fused multiply-add per element. A method of its own so that C2 compiles it early and
     * vectorises it; the row is its own array indexed like acc, so no overlap between the two has to be ruled out.
     */
    private static void accumulate(float av, float[] row, float[] acc, int n) {
        for (int j = 0; j < n; j++) {
            acc[j] = Math.fma(av, row[j], acc[j]);
        }
    }

    /** dst[p][j] = op(B)(p0 + p, j0 + j). */
    private static void packRows(FloatProblem g, int p0, int kc, int j0, int nc, float[][] dst) {
        if (g.source() != null) {
            // one panel as wide as the block is a plain row
            for (int p = 0; p < kc; p++) {
                g.source().pack(p0 + p, 1, g.bOff() + j0, nc, nc, dst[p], 0);
            }
            return;
        }
        if (!g.transB()) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(g.b(), g.bOff() + (p0 + p) * g.ldb() + j0, dst[p], 0, nc);
            }
            return;
        }
        float[] b = g.b();
        // strips of 64 columns: writes run in order, and the 64 stored rows being read stay in L1
        for (int j1 = 0; j1 < nc; j1 += 64) {
            int width = Math.min(64, nc - j1);
            int src = g.bOff() + (j0 + j1) * g.ldb() + p0;
            for (int p = 0; p < kc; p++) {
                float[] row = dst[p];
                for (int j = 0; j < width; j++) {
                    row[j1 + j] = b[src + j * g.ldb() + p];
                }
            }
        }
    }
}
