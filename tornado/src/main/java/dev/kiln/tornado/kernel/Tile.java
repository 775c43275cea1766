package dev.kiln.tornado.kernel;

import java.util.function.BiFunction;
import java.util.function.IntFunction;

/**
 * A register tile of a kernel body: {@value #SIZE} x {@value #SIZE} float accumulators in locals, moved per step of
 * a contraction by the outer product of {@value #SIZE} row values and {@value #SIZE} column values, each loaded once
 * into a local and used {@value #SIZE} times. The GEMM and convolution kernels compute their blocks with it.
 */
final class Tile {
    /** The side of a tile. */
    static final int SIZE = 4;

    private final KernelWriter w;
    private final KernelWriter.FloatVar[][] acc = new KernelWriter.FloatVar[SIZE][SIZE];

    /** The accumulators, {@code acc[i][j]} starting at {@code init(i, j)}. */
    Tile(KernelWriter w, BiFunction<Integer, Integer, Exprs.Flt> init) {
        this.w = w;
        for (int i = 0; i < SIZE; i++) {
            for (int j = 0; j < SIZE; j++) {
                acc[i][j] = w.floatLocal("acc" + i + j, init.apply(i, j));
            }
        }
    }

    /** {@code acc[i][j] += row(i) * col(j)}; {@code row} and {@code col} may declare locals of their own. */
    void step(IntFunction<Exprs.Flt> row, IntFunction<Exprs.Flt> col) {
        KernelWriter.FloatVar[] rv = new KernelWriter.FloatVar[SIZE];
        KernelWriter.FloatVar[] cv = new KernelWriter.FloatVar[SIZE];
        for (int i = 0; i < SIZE; i++) {
            rv[i] = w.floatLocal("row" + i, row.apply(i));
        }
        for (int j = 0; j < SIZE; j++) {
            cv[j] = w.floatLocal("col" + j, col.apply(j));
        }
        for (int i = 0; i < SIZE; i++) {
            for (int j = 0; j < SIZE; j++) {
                w.set(acc[i][j], Exprs.add(acc[i][j], Exprs.mul(rv[i], cv[j])));
            }
        }
    }

    /** {@code out[at(i, j)] = acc[i][j]} where {@code inside(i, j)} holds ({@code inside} null: everywhere). */
    void store(KernelWriter.Array out, BiFunction<Integer, Integer, Exprs.Int> at,
               BiFunction<Integer, Integer, Exprs.Cond> inside) {
        for (int i = 0; i < SIZE; i++) {
            for (int j = 0; j < SIZE; j++) {
                Exprs.Int index = at.apply(i, j);
                KernelWriter.FloatVar v = acc[i][j];
                if (inside == null) {
                    w.store(out, index, v);
                } else {
                    w.when(inside.apply(i, j), () -> w.store(out, index, v));
                }
            }
        }
    }
}
