package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.Shape;

import java.util.Map;
import java.util.List;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.mul;
import static dev.kiln.tornado.kernel.Exprs.rem;

/**
 * Matrix products as a 2-D parallel GEMM: FullyConnected (flatten or not, with or without bias), dot (the operands
 * read as matrices, either one transposed) and batch_dot (3-D, transpose flags). Outputs of at least
 * {@value #TILE} x {@value #TILE} are register-tiled: each work item computes a {@value #TILE} x {@value #TILE}
 * block, loading {@value #TILE} elements of each operand per step of the contraction and reusing each
 * {@value #TILE} times (edge blocks read clamped rows and columns and store only the elements inside); smaller
 * ones take one work item per output element.
 */
final class MatmulKernels {
    private MatmulKernels() {
    }

    /** Where element {@code (batch, row, col)} of an operand sits in its buffer. */
    @FunctionalInterface
    interface Layout {
        Exprs.Int at(Exprs.Int batch, Exprs.Int row, Exprs.Int col);
    }

    /**
     * {@code out[b, m, n] = bias[n] + sum_k A[b, m, k] * B[b, k, n]} for {@code b < batch}, the output row-major
     * {@code (batch, m, n)}.
     */
    record Gemm(int batch, int m, int n, int k, Layout a, Layout b, boolean bias) {
        /** A row-major {@code rows x cols} matrix per batch, read transposed when {@code transposed}. */
        static Layout matrix(int rows, int cols, boolean transposed) {
            return (bt, r, cl) -> {
                Exprs.Int base = mul(bt, c(rows * cols));
                return transposed ? add(base, add(mul(cl, c(cols)), r)) : add(base, add(mul(r, c(cols)), cl));
            };
        }
    }

    /** The side of a register tile. */
    static final int TILE = Tile.SIZE;

    static void register(Map<String, Family> families) {
        families.put("FullyConnected", Family.of(c -> null, MatmulKernels::fullyConnected));
        families.put("dot", Family.of(c -> null, MatmulKernels::dot));
        families.put("batch_dot", Family.of(
                c -> c.in(0).rank() == 3 && c.in(1).rank() == 3 ? null
                        : "batch_dot of rank " + c.in(0).rank() + " x " + c.in(1).rank() + " (the device does 3-D)",
                MatmulKernels::batchDot));
    }

    /** The launch of {@code g} over buffers a, b (, bias) and the output: tiled where the output allows. */
    static KernelLaunch launch(NodeCall c, String label, Gemm g, int... buffers) {
        return g.m() >= TILE && g.n() >= TILE ? tiled(c, label, g, buffers) : simple(c, label, g, buffers);
    }

    /** One work item per output element. */
    static KernelLaunch simple(NodeCall c, String label, Gemm g, int... buffers) {
        KernelClass k = c.kernel(label, w -> {
            KernelWriter.Array a = w.floatArray("a");
            KernelWriter.Array b = w.floatArray("b");
            KernelWriter.Array bias = g.bias() ? w.floatArray("bias") : null;
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("row", c(g.batch() * g.m()), row -> w.parallelFor("col", c(g.n()), col -> {
                KernelWriter.IntVar bt = w.intLocal("batch", div(row, c(g.m())));
                KernelWriter.IntVar m = w.intLocal("m", rem(row, c(g.m())));
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(0f));
                w.forRange("k", c(0), c(g.k()), kk -> w.set(acc, Exprs.add(acc,
                        Exprs.mul(w.load(a, g.a().at(bt, m, kk)), w.load(b, g.b().at(bt, kk, col))))));
                Exprs.Flt v = bias == null ? acc : Exprs.add(acc, w.load(bias, col));
                w.store(out, add(mul(row, c(g.n())), col), v);
            }));
        });
        return c.launch(k, buffers);
    }

    /**
     * One work item per {@value #TILE} x {@value #TILE} output block ({@link Tile}): the block's operand rows and
     * columns (clamped into the matrix at the edges) are loaded once per contraction step.
     */
    static KernelLaunch tiled(NodeCall c, String label, Gemm g, int... buffers) {
        int rowBlocks = (g.m() + TILE - 1) / TILE;
        int colBlocks = (g.n() + TILE - 1) / TILE;
        boolean rowEdge = g.m() % TILE != 0;
        boolean colEdge = g.n() % TILE != 0;
        KernelClass k = c.kernel(label + "_tiled", w -> {
            KernelWriter.Array a = w.floatArray("a");
            KernelWriter.Array b = w.floatArray("b");
            KernelWriter.Array bias = g.bias() ? w.floatArray("bias") : null;
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("rb", c(g.batch() * rowBlocks), rb -> w.parallelFor("cb", c(colBlocks), cb -> {
                KernelWriter.IntVar bt = w.intLocal("batch", div(rb, c(rowBlocks)));
                KernelWriter.IntVar m0 = w.intLocal("m0", mul(rem(rb, c(rowBlocks)), c(TILE)));
                KernelWriter.IntVar n0 = w.intLocal("n0", mul(cb, c(TILE)));
                KernelWriter.IntVar[] rows = new KernelWriter.IntVar[TILE];
                KernelWriter.IntVar[] cols = new KernelWriter.IntVar[TILE];
                for (int i = 0; i < TILE; i++) {
                    Exprs.Int row = add(m0, c(i));
                    Exprs.Int col = add(n0, c(i));
                    rows[i] = w.intLocal("r" + i, rowEdge ? Exprs.min(row, c(g.m() - 1)) : row);
                    cols[i] = w.intLocal("c" + i, colEdge ? Exprs.min(col, c(g.n() - 1)) : col);
                }
                Tile t = new Tile(w, (i, j) -> bias == null ? Exprs.f(0f) : w.load(bias, cols[j]));
                w.forRange("k", c(0), c(g.k()), kk -> t.step(i -> w.load(a, g.a().at(bt, rows[i], kk)),
                        j -> w.load(b, g.b().at(bt, kk, cols[j]))));
                t.store(out, (i, j) -> add(mul(add(mul(bt, c(g.m())), rows[i]), c(g.n())), cols[j]),
                        rowEdge || colEdge ? (i, j) -> Exprs.and(Exprs.lt(add(m0, c(i)), c(g.m())),
                                Exprs.lt(add(n0, c(j)), c(g.n()))) : null);
            }));
        });
        return c.launch(k, buffers);
    }

    private static List<KernelLaunch> fullyConnected(NodeCall c) {
        Shape x = c.in(0);
        int hidden = c.intAttr("num_hidden");
        int k = c.boolAttr("flatten") ? x.sizeOf(1, x.rank()) : x.get(x.rank() - 1);
        int m = x.size() / Math.max(1, k);
        boolean bias = !c.boolAttr("no_bias");
        Gemm g = new Gemm(1, m, hidden, k, Gemm.matrix(m, k, false), Gemm.matrix(hidden, k, true), bias);
        BufferTable t = c.buffers();
        return List.of(bias ? launch(c, "fully_connected", g, t.input(0), t.input(1), t.input(2), t.output(0))
                : launch(c, "fully_connected", g, t.input(0), t.input(1), t.output(0)));
    }

    private static List<KernelLaunch> dot(NodeCall c) {
        Shape l = c.in(0);
        Shape r = c.in(1);
        boolean ta = c.boolAttr("transpose_a") && l.rank() > 1;
        boolean tb = c.boolAttr("transpose_b") && r.rank() > 1;
        // each operand as a row-major matrix: lhs (ma, na), rhs (mb, nb), as the CPU op reads them
        int ma = ta ? l.get(0) : l.size() / l.get(l.rank() - 1);
        int na = l.size() / ma;
        int nb = tb ? r.get(r.rank() - 1) : r.size() / r.get(0);
        int mb = r.size() / nb;
        int m = ta ? na : ma;
        int k = ta ? ma : na;
        int n = tb ? mb : nb;
        Gemm g = new Gemm(1, m, n, k, Gemm.matrix(ma, na, ta), Gemm.matrix(mb, nb, tb), false);
        return List.of(launch(c, "dot", g, c.buffers().input(0), c.buffers().input(1), c.buffers().output(0)));
    }

    private static List<KernelLaunch> batchDot(NodeCall c) {
        Shape l = c.in(0);
        Shape r = c.in(1);
        boolean ta = c.boolAttr("transpose_a");
        boolean tb = c.boolAttr("transpose_b");
        int m = ta ? l.get(2) : l.get(1);
        int k = ta ? l.get(1) : l.get(2);
        int n = tb ? r.get(1) : r.get(2);
        Gemm g = new Gemm(l.get(0), m, n, k, Gemm.matrix(l.get(1), l.get(2), ta), Gemm.matrix(r.get(1), r.get(2), tb),
                false);
        return List.of(launch(c, "batch_dot", g, c.buffers().input(0), c.buffers().input(1), c.buffers().output(0)));
    }
}
