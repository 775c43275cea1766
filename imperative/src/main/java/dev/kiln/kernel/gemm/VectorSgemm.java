package dev.kiln.kernel.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on the Vector API: the classic three-level blocking (columns of C by {@link #NC}, depth by
 * {@link #KC}, rows by {@link #MC}) over packed panels, with a {@code 6 x 4-vector} register block (6 x 64 floats on
 * AVX-512) as the micro-kernel, and blocks one to three vectors wide for a partial last column panel. Only
 * {@link Gemm} calls it, and only after {@code VectorSupport} said the Vector API is present, so nothing else in the
 * kernel package loads a Vector API class.
 */
final class VectorSgemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of the register block. */
    static final int MR = 6;
    /** Columns of the register block: four vectors. */
    static final int NR = 4 * L;
    /** Depth of one packed block: an A panel (6 x KC) stays in L1, a B panel (KC x NR) in L2. */
    static final int KC = Gemm.SGEMM_KC;
    /** Rows of op(A) packed at once (MC x KC floats, about 100 KB: L2). */
    static final int MC = 96;
    /** Widest C (in columns) for which full row panels of an untransposed A are read in place, not packed. */
    static final int DIRECT_A_MAX_N = Gemm.directAMaxN();
    /** Columns of op(B) packed at once (KC x NC floats: L2/L3). */
    static final int NC = ((1024 + NR - 1) / NR) * NR;
    /** Most floats of a packed op(B) that {@link #streamRows} keeps whole: 512 KB, half of a core's L2. */
    static final int STREAM_B_FLOATS = 1 << 17;

    private VectorSgemm() {
    }

    /** Per-thread packing buffers and the register-block spill tile. */
    static final class Workspace {
        final float[] packA = new float[MC * KC];
        final float[] packB = new float[KC * NC];
        final float[] tile = new float[MR * NR];
        final int[] gatherIndex = new int[NR];
    }

    /** Give up waiting for the compiler after this long and use the vector kernel anyway. */
    private static final long WARM_UP_LIMIT_NANOS = 20_000_000_000L;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    static {
        // Vector API code is hundreds of times slower in the interpreter and C1 than once C2 has compiled it, and
        // C2 only sees the kernels after many calls. Exercising them on a side thread at first use gets them
        // compiled within a fraction of a second instead of after seconds of slow GEMMs.
        Thread warmUp = new Thread(VectorSgemm::warmUp, "kiln-gemm-warmup");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** Set once the kernels run at compiled speed; until then {@link Gemm} uses the scalar path. */
    private static volatile boolean warm;

    /** True once the micro-kernel has been seen running compiled (or warm-up gave up waiting). */
    static boolean isWarm() {
        return warm;
    }

    private static void warmUp() {
        float[] pa = new float[MR * 32];
        float[] pb = new float[32 * NR];
        float[] c = new float[MR * NR];
        float[] tile = new float[MR * NR];
        long deadline = System.nanoTime() + WARM_UP_LIMIT_NANOS;
        // Compiled, 100 calls of a 32-deep block take about 20 us; interpreted or in C1, milliseconds.
        while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                microKernel(32, pa, 0, 1, MR, pb, 0, tile, 0, NR);
                storeRows(tile, MR, c, 0, NR, i % 3 == 0 ? 0f : i % 3 == 1 ? 1f : 0.5f);
                storePartial(tile, MR, 1 + i % NR, c, 0, NR, i % 3 == 0 ? 0f : i % 3 == 1 ? 1f : 0.5f);
                NarrowKernels.kernel(1 + i % 3, 32, pa, 0, 1, MR, pb, 0, tile);
                ShortKernels.kernel(1 + i % 4, 32, pa, 0, 1, MR, pb, 0, tile);
                if (L == VectorTranspose.SIDE) {
                    VectorTranspose.transpose(pb, 0, L, c, 0, L);
                }
            }
            if (System.nanoTime() - t0 < 500_000L) {
                break;
            }
        }
        warm = true;
    }

    /** Computes the whole of {@code g} on the calling thread (k >= 1, m, n >= 1). */
    static void compute(FloatProblem g) {
        Workspace ws = WORKSPACE.get();
        int m = g.m();
        int n = g.n();
        int k = g.k();
        boolean directA = !g.transA() && g.alpha() == 1f && n <= DIRECT_A_MAX_N;
        PackedB packed = g.source() instanceof PackedB p && p.hasPanels(L) ? p : null;
        if (directA && packed == null && n <= NR && k > Gemm.depthBlock(k)
                && (long) k * vectors(n) * L <= STREAM_B_FLOATS) {
            streamRows(g, ws);
            return;
        }
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0, kb = Gemm.depthBlock(k), block = 0; pc < k; pc += kb, block++) {
                int kc = Math.min(kb, k - pc);
                float[] pb = ws.packB;
                int pbAt = 0;
                if (packed != null) {
                    // a packed problem's bOff is its first column, a multiple of NR (Gemm splits it by panels)
                    pb = packed.panels();
                    pbAt = packed.panelAt(block, kc, g.bOff() + jc);
                } else {
                    packB(g, pc, kc, jc, nc, ws, pb, 0);
                }
                // beta applies once, on the first depth block; later blocks accumulate into C
                float beta = pc == 0 ? g.beta() : 1f;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    // full row panels of a plain A are read in place when few column panels reuse them
                    int direct = directA ? mc / MR * MR : 0;
                    if (direct < mc) {
                        FloatPacking.packA(g, ic + direct, mc - direct, pc, kc, MR, ws.packA);
                    }
                    macroKernel(g, ws, pb, pbAt, ic, mc, jc, nc, pc, kc, beta, pc == 0 ? g.bias() : null, direct);
                }
            }
        }
    }

    /**
     * {@link #compute} of a product one register block wide or less, many depth blocks deep, with A read in place
     * (the 512-filter layers of a ResNet on a 4 x 4 grid at batch 1: 512 x 16 x 4608). All of op(B) is packed first
     * (it stays in L2), then each register row panel runs through every depth block in turn, so that each row of A is
     * read front to back in one stream instead of one depth block of every row per pass, a pattern the hardware
     * prefetchers followed badly. Each element of C gets the same depth blocks in the same order as in {@link
     * #compute}, so the results are bitwise the same.
     */
    private static void streamRows(FloatProblem g, Workspace ws) {
        int m = g.m();
        int n = g.n();
        int k = g.k();
        int kb = Gemm.depthBlock(k);
        int vectors = vectors(n);
        int width = vectors * L;
        float[] pb = ws.packB;
        for (int pc = 0; pc < k; pc += kb) {
            packB(g, pc, Math.min(kb, k - pc), 0, n, ws, pb, pc * width);
        }
        float[] c = g.c();
        int rs = g.rowStride();
        int cs = g.colStride();
        for (int ir = 0; ir < m; ir += MR) {
            int mr = Math.min(MR, m - ir);
            int cAt = g.cOff() + ir * rs;
            for (int pc = 0; pc < k; pc += kb) {
                int kc = Math.min(kb, k - pc);
                float[] pa = g.a();
                int aAt = g.aOff() + ir * g.lda() + pc;
                int ars = g.lda();
                int ads = 1;
                if (mr < MR) {
                    // a last partial row panel is packed, zero-padded to a whole one, as compute does
                    FloatPacking.packA(g, ir, mr, pc, kc, MR, ws.packA);
                    pa = ws.packA;
                    aAt = 0;
                    ars = 1;
                    ads = MR;
                }
                block(ws, vectors, kc, pa, aAt, ars, ads, pb, pc * width, mr, n, c, cAt, rs, cs,
                        pc == 0 ? g.beta() : 1f, pc == 0 ? g.bias() : null, g.biasOff());
            }
        }
    }

    /**
     * Packs op(B) like {@link FloatPacking#packB}, moving full panels with vectors: rows of an untransposed B are
     * copied, and a transposed B is transposed in 16 x 16 blocks ({@link VectorTranspose}) or, for a depth tail
     * and on narrower vectors, gathered one depth step (one element from each of NR stored rows) at a time. A
     * partial last panel is packed only as wide as the {@link NarrowKernels} block that computes it.
     */
    private static void packB(FloatProblem g, int pc, int kc, int jc, int nc, Workspace ws, float[] dst, int at) {
        int full = nc / NR * NR;
        float[] b = g.b();
        if (g.source() != null) {
            if (full > 0) {
                g.source().pack(pc, kc, g.bOff() + jc, full, NR, dst, at);
            }
            if (full < nc) {
                g.source().pack(pc, kc, g.bOff() + jc + full, nc - full, vectors(nc - full) * L, dst,
                        at + full * kc);
            }
            return;
        }
        int ldb = g.ldb();
        if (g.transB()) {
            int[] rows = ws.gatherIndex;
            for (int i = 0; i < NR; i++) {
                rows[i] = i * ldb;
            }
            // with 16 lanes, whole 16 x 16 blocks are transposed in registers and only a depth tail is gathered
            int blocked = L == VectorTranspose.SIDE ? kc / L * L : 0;
            for (int jr = 0; jr < full; jr += NR) {
                int src = g.bOff() + (jc + jr) * ldb + pc;
                int d = at + jr * kc;
                for (int p = 0; p < blocked; p += L) {
                    for (int q = 0; q < NR; q += L) {
                        VectorTranspose.transpose(b, src + q * ldb + p, ldb, dst, d + p * NR + q, NR);
                    }
                }
                d += blocked * NR;
                for (int p = blocked; p < kc; p++, d += NR) {
                    FloatVector.fromArray(S, b, src + p, rows, 0).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + p, rows, L).intoArray(dst, d + L);
                    FloatVector.fromArray(S, b, src + p, rows, 2 * L).intoArray(dst, d + 2 * L);
                    FloatVector.fromArray(S, b, src + p, rows, 3 * L).intoArray(dst, d + 3 * L);
                }
            }
        } else {
            for (int jr = 0; jr < full; jr += NR) {
                int src = g.bOff() + pc * ldb + jc + jr;
                int d = at + jr * kc;
                for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                    FloatVector.fromArray(S, b, src).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                    FloatVector.fromArray(S, b, src + 2 * L).intoArray(dst, d + 2 * L);
                    FloatVector.fromArray(S, b, src + 3 * L).intoArray(dst, d + 3 * L);
                }
            }
        }
        if (full < nc) {
            // the partial panel is packed only as many vectors wide as its block computes
            FloatPacking.packB(g, pc, kc, jc + full, nc - full, vectors(nc - full) * L, dst, at + full * kc);
        }
    }

    /**
     * op(B) (k x n; B stored n x k when {@code transB}) packed whole, depth block after depth block, in the panels
     * {@link #compute} reads: the layout {@link PackedB} describes. Without panels when they would not fit one array.
     */
    static PackedB pack(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        int kb = Gemm.depthBlock(k);
        int blocks = (k + kb - 1) / kb;
        int full = n / NR * NR;
        int width = full + (full < n ? vectors(n - full) * L : 0);
        int[] start = new int[blocks];
        long total = 0;
        for (int block = 0; block < blocks; block++) {
            start[block] = (int) total;
            total += (long) Math.min(kb, k - block * kb) * width;
        }
        if (total > Integer.MAX_VALUE - 16) {
            return new PackedB(transB, k, n, b, bOff, ldb, null, null, 0);
        }
        float[] panels = new float[(int) total];
        PackedB packed = new PackedB(transB, k, n, b, bOff, ldb, panels, start, L);
        FloatProblem g = packed.storedProblem();
        Workspace ws = WORKSPACE.get();
        for (int block = 0, pc = 0; pc < k; pc += kb, block++) {
            packB(g, pc, Math.min(kb, k - pc), 0, n, ws, panels, start[block]);
        }
        return packed;
    }

    /** Vectors of the register block that computes {@code nr} (at most NR) columns. */
    private static int vectors(int nr) {
        return (nr + L - 1) / L;
    }

    /** Row panels below {@code direct} are read from A in place, the rest from the packed buffer. */
    private static void macroKernel(FloatProblem g, Workspace ws, float[] pb, int pbAt, int ic, int mc, int jc,
                                    int nc, int pc, int kc, float beta, float[] bias, int direct) {
        float[] c = g.c();
        int rs = g.rowStride();
        int cs = g.colStride();
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int vectors = vectors(nr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                float[] pa = ir < direct ? g.a() : ws.packA;
                int aAt = ir < direct ? g.aOff() + (ic + ir) * g.lda() + pc : (ir - direct) * kc;
                int ars = ir < direct ? g.lda() : 1;
                int ads = ir < direct ? 1 : MR;
                int cAt = g.cOff() + (ic + ir) * rs + (jc + jr) * cs;
                block(ws, vectors, kc, pa, aAt, ars, ads, pb, pbAt + jr * kc, mr, nr, c, cAt, rs, cs, beta, bias,
                        g.biasOff() + jc + jr);
            }
        }
    }

    /**
     * One register block, {@code vectors} wide ({@link #microKernel} or a {@link NarrowKernels} block), of an A panel
     * and a packed B panel, then its first {@code mr} rows and {@code nr} columns stored into C at {@code cAt} (rows
     * {@code rs} apart, columns {@code cs}) as {@code tile + beta * C}, or, with a {@code bias} (the first depth
     * block of a problem that has one), as {@code tile + bias[biasAt + j]} for column j, C not read.
     */
    private static void block(Workspace ws, int vectors, int kc, float[] pa, int aAt, int ars, int ads, float[] pb,
                              int bAt, int mr, int nr, float[] c, int cAt, int rs, int cs, float beta, float[] bias,
                              int biasAt) {
        if (vectors == 4 && beta == 0f && bias == null && mr == MR && nr == NR && cs == 1) {
            // C is not read: a whole block goes straight into it (a shallow product spent a third of its time
            // copying the tile)
            microKernel(kc, pa, aAt, ars, ads, pb, bAt, c, cAt, rs);
            return;
        }
        if (vectors == 4 && mr < MR - 1) {
            ShortKernels.kernel(mr, kc, pa, aAt, ars, ads, pb, bAt, ws.tile);
        } else if (vectors == 4) {
            microKernel(kc, pa, aAt, ars, ads, pb, bAt, ws.tile, 0, NR);
        } else {
            NarrowKernels.kernel(vectors, kc, pa, aAt, ars, ads, pb, bAt, ws.tile);
        }
        if (bias != null) {
            storeBiased(ws.tile, mr, nr, c, cAt, rs, cs, bias, biasAt);
        } else if (nr == NR && cs == 1) {
            storeRows(ws.tile, mr, c, cAt, rs, beta);
        } else if (cs == 1) {
            storePartial(ws.tile, mr, nr, c, cAt, rs, beta);
        } else {
            storeEdge(ws.tile, mr, nr, c, cAt, rs, cs, beta);
        }
    }

    /**
     * The register block: out[6 x NR] = A panel (6 x kc) times packed B panel (kc x NR), 24 accumulators, row r of
     * the result at {@code out[outAt + r * outStride]}. A(r, p) is {@code pa[aAt + r * ars + p * ads]}: (1, MR) for a
     * packed panel, (lda, 1) for rows of A read in place. Kept small and free of C addressing so that C2 compiles it
     * early and whole.
     */
    static void microKernel(int kc, float[] pa, int aAt, int ars, int ads, float[] pb, int bAt, float[] out, int outAt,
                            int outStride) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bAt + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, pb, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, pb, bi + 3 * L);
            int ai = aAt + p * ads;
            FloatVector a = FloatVector.broadcast(S, pa[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, pa[ai + 1 * ars]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, pa[ai + 2 * ars]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, pa[ai + 3 * ars]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(S, pa[ai + 4 * ars]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42); c43 = a.fma(b3, c43);
            a = FloatVector.broadcast(S, pa[ai + 5 * ars]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52); c53 = a.fma(b3, c53);
        }
        int r0 = outAt;
        c00.intoArray(out, r0); c01.intoArray(out, r0 + L); c02.intoArray(out, r0 + 2 * L);
        c03.intoArray(out, r0 + 3 * L);
        int r1 = outAt + outStride;
        c10.intoArray(out, r1); c11.intoArray(out, r1 + L); c12.intoArray(out, r1 + 2 * L);
        c13.intoArray(out, r1 + 3 * L);
        int r2 = outAt + 2 * outStride;
        c20.intoArray(out, r2); c21.intoArray(out, r2 + L); c22.intoArray(out, r2 + 2 * L);
        c23.intoArray(out, r2 + 3 * L);
        int r3 = outAt + 3 * outStride;
        c30.intoArray(out, r3); c31.intoArray(out, r3 + L); c32.intoArray(out, r3 + 2 * L);
        c33.intoArray(out, r3 + 3 * L);
        int r4 = outAt + 4 * outStride;
        c40.intoArray(out, r4); c41.intoArray(out, r4 + L); c42.intoArray(out, r4 + 2 * L);
        c43.intoArray(out, r4 + 3 * L);
        int r5 = outAt + 5 * outStride;
        c50.intoArray(out, r5); c51.intoArray(out, r5 + L); c52.intoArray(out, r5 + 2 * L);
        c53.intoArray(out, r5 + 3 * L);
    }

    /**
     * The first {@code rows} rows of a C block of full width and unit column stride become tile + beta * C; C is not
     * read when beta is 0 (BLAS semantics).
     */
    private static void storeRows(float[] tile, int rows, float[] c, int cAt, int rs, float beta) {
        for (int r = 0; r < rows; r++) {
            int row = cAt + r * rs;
            for (int v = 0; v < NR; v += L) {
                FloatVector t = FloatVector.fromArray(S, tile, r * NR + v);
                if (beta == 0f) {
                    t.intoArray(c, row + v);
                } else if (beta == 1f) {
                    t.add(FloatVector.fromArray(S, c, row + v)).intoArray(c, row + v);
                } else {
                    t.add(FloatVector.fromArray(S, c, row + v).mul(beta)).intoArray(c, row + v);
                }
            }
        }
    }

    /**
     * The same update for the first {@code nr} columns of a block with unit column stride: whole vectors, then one
     * masked vector (or, where that vector would reach past the array's end, its lanes one by one); lane by lane the
     * same arithmetic as {@link #storeEdge}.
     */
    private static void storePartial(float[] tile, int rows, int nr, float[] c, int cAt, int rs, float beta) {
        int last = (nr - 1) / L * L;
        VectorMask<Float> tail = S.indexInRange(0, nr - last);
        for (int r = 0; r < rows; r++) {
            int row = cAt + r * rs;
            // a masked access whose vector reaches past the array's end takes the Vector API's lane-checked Java
            // path (3% of ResNet-18 at batch 1 went there); such a row's last lanes are updated one by one instead
            int vectorEnd = row + last + L <= c.length ? last : last - L;
            for (int j = vectorEnd + L; j < nr; j++) {
                c[row + j] = update(tile[r * NR + j], c, row + j, beta);
            }
            for (int v = 0; v <= vectorEnd; v += L) {
                VectorMask<Float> m = v == last ? tail : S.maskAll(true);
                FloatVector t = FloatVector.fromArray(S, tile, r * NR + v);
                if (beta == 0f) {
                    t.intoArray(c, row + v, m);
                } else if (beta == 1f) {
                    t.add(FloatVector.fromArray(S, c, row + v, m)).intoArray(c, row + v, m);
                } else {
                    t.add(FloatVector.fromArray(S, c, row + v, m).mul(beta)).intoArray(c, row + v, m);
                }
            }
        }
    }

    /**
     * The first {@code mr} rows and {@code nr} columns of a block become tile + bias: the sums storeRows and
     * storeEdge make with beta 1 over a C that held the bias, C not read. Whole vectors where a row's columns fill
     * them, the rest element by element.
     */
    private static void storeBiased(float[] tile, int mr, int nr, float[] c, int cAt, int rs, int cs, float[] bias,
                                    int biasAt) {
        int vectorEnd = cs == 1 ? nr / L * L : 0;
        for (int r = 0; r < mr; r++) {
            int row = cAt + r * rs;
            for (int v = 0; v < vectorEnd; v += L) {
                FloatVector.fromArray(S, tile, r * NR + v).add(FloatVector.fromArray(S, bias, biasAt + v))
                        .intoArray(c, row + v);
            }
            for (int j = vectorEnd; j < nr; j++) {
                c[row + j * cs] = tile[r * NR + j] + bias[biasAt + j];
            }
        }
    }

    /** The same update for a partial or strided block, element by element with identical rounding. */
    private static void storeEdge(float[] tile, int mr, int nr, float[] c, int cAt, int rs, int cs, float beta) {
        for (int r = 0; r < mr; r++) {
            int row = cAt + r * rs;
            for (int j = 0; j < nr; j++) {
                int at = row + j * cs;
                c[at] = update(tile[r * NR + j], c, at, beta);
            }
        }
    }

    /** One element of {@code tile + beta * C}, rounded as the vector stores round it; C is not read when beta is 0. */
    private static float update(float t, float[] c, int at, float beta) {
        return beta == 0f ? t : beta == 1f ? t + c[at] : t + c[at] * beta;
    }
}
