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

    private static final ThreadLocal<float[][]> WORKSPACE =
            ThreadLocal.withInitial(() -> new float[][] {new float[KC * NC], new float[NC]});

    private ScalarSgemm() {
    }

    /** Computes the whole of {@code g} on the calling thread (k >= 1, m, n >= 1). */
    static void compute(FloatProblem g) {
        float[][] ws = WORKSPACE.get();
        float[] packB = ws[0];
        float[] acc = ws[1];
        float[] c = g.c();
        float alpha = g.alpha();
        for (int jc = 0; jc < g.n(); jc += NC) {
            int nc = Math.min(NC, g.n() - jc);
            for (int pc = 0, kb = Gemm.depthBlock(g.k()); pc < g.k(); pc += kb) {
                int kc = Math.min(kb, g.k() - pc);
                packRows(g, pc, kc, jc, nc, packB);
                float beta = pc == 0 ? g.beta() : 1f;
                for (int i = 0; i < g.m(); i++) {
                    Arrays.fill(acc, 0, nc, 0f);
                    for (int p = 0; p < kc; p++) {
                        float av = alpha * g.opA(i, pc + p);
                        int off = p * nc;
                        for (int j = 0; j < nc; j++) {
                            acc[j] = Math.fma(av, packB[off + j], acc[j]);
                        }
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

    /** dst[p * nc + j] = op(B)(p0 + p, j0 + j). */
    private static void packRows(FloatProblem g, int p0, int kc, int j0, int nc, float[] dst) {
        if (!g.transB()) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(g.b(), g.bOff() + (p0 + p) * g.ldb() + j0, dst, p * nc, nc);
            }
            return;
        }
        float[] b = g.b();
        // strips of 64 columns: writes run in order, and the 64 stored rows being read stay in L1
        for (int j1 = 0; j1 < nc; j1 += 64) {
            int width = Math.min(64, nc - j1);
            int src = g.bOff() + (j0 + j1) * g.ldb() + p0;
            for (int p = 0; p < kc; p++) {
                int d = p * nc + j1;
                for (int j = 0; j < width; j++) {
                    dst[d + j] = b[src + j * g.ldb() + p];
                }
            }
        }
    }
}
