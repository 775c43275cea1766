package dev.kiln.kernel.gemm;

/**
 * The op(B) of single-precision products packed once, for a B that many products share unchanged: the weight of an
 * inference layer, whose packing (a transposition for a FullyConnected weight) would otherwise be repeated on every
 * call and, at small batches, cost more than the product itself. The vector kernel reads the panels in place; the
 * scalar path (and {@link #pack}) reads the stored B, which must therefore stay unchanged while this is used. Products
 * with it give bitwise the results of {@link Gemm#sgemm} on the stored B: the same depth blocks, the same panels.
 * Made by {@link Gemm#packB}.
 */
public final class PackedB implements Gemm.PanelSource {
    private final boolean transB;
    private final int k;
    private final int n;
    private final float[] b;
    private final int bOff;
    private final int ldb;
    /**
     * The panels: per depth block, every column in panels of the kernel's width (the last one only as wide as the
     * narrow block that computes it); null when not packed.
     */
    private final float[] panels;
    /** Where each depth block's panels start in {@link #panels}. */
    private final int[] blockStart;
    /** Vector lanes the panels were packed for; 0 when they were not packed (no vector kernel). */
    private final int lanes;

    PackedB(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] panels, int[] blockStart,
            int lanes) {
        this.transB = transB;
        this.k = k;
        this.n = n;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        this.panels = panels;
        this.blockStart = blockStart;
        this.lanes = lanes;
    }

    /** Rows of op(B): the depth of the products. */
    public int k() {
        return k;
    }

    /** Columns of op(B) and of C. */
    public int n() {
        return n;
    }

    /** Whether B is stored transposed ({@code n x k}), each column of op(B) a row of the stored array. */
    boolean transB() {
        return transB;
    }

    /** The stored B, which products that {@link Gemm#dotsRows} read by rows instead of the panels. */
    float[] stored() {
        return b;
    }

    /** Where the stored B starts in {@link #stored}. */
    int storedOffset() {
        return bOff;
    }

    /** The row stride of the stored B. */
    int storedStride() {
        return ldb;
    }

    /** Floats held beyond the stored B (the packed panels). */
    public long packedFloats() {
        return panels == null ? 0 : panels.length;
    }

    /** Whether the vector kernel can read panels of {@code lanes}-wide vectors from this. */
    boolean hasPanels(int vectorLanes) {
        return panels != null && lanes == vectorLanes;
    }

    float[] panels() {
        return panels;
    }

    /**
     * Where the panel of op(B) starting at column {@code j} (a multiple of the kernel's panel width) begins, in depth
     * block {@code block}, which is {@code kc} deep.
     */
    int panelAt(int block, int kc, int j) {
        return blockStart[block] + j * kc;
    }

    /** Packs from the stored B, as {@link FloatPacking#packB} does (the scalar path and single elements). */
    @Override
    public void pack(int p0, int kc, int j0, int nc, int nr, float[] dst, int dstOff) {
        for (int q = 0; q * nr < nc; q++) {
            int d = dstOff + q * nr * kc;
            for (int p = 0; p < kc; p++) {
                for (int col = 0; col < nr; col++) {
                    int j = j0 + q * nr + col;
                    dst[d + p * nr + col] = col + q * nr < nc ? stored(p0 + p, j) : 0f;
                }
            }
        }
    }

    private float stored(int p, int j) {
        return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    /** The stored B as a problem's operand, for packing it with the kernel's own routine. */
    FloatProblem storedProblem() {
        return new FloatProblem(false, transB, 1, n, k, 1f, new float[Math.max(1, k)], 0, Math.max(1, k), b, bOff,
                ldb, 0f, new float[Math.max(1, n)], 0, n, 1, null);
    }
}
