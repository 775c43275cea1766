package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.Shape;

import java.util.List;
import java.util.Map;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.flat;
import static dev.kiln.tornado.kernel.Exprs.mul;
import static dev.kiln.tornado.kernel.Exprs.rem;

/**
 * Lookups by float32 indices (truncated toward zero, then clipped or wrapped as MXNet's {@code mode}): Embedding
 * and take, and their gradients, which gather instead of scatter-adding: each element of the weight (or {@code a})
 * gradient loops over the indices and sums the output gradient where an index resolves to its row. take with
 * {@code mode='raise'} cannot raise on a device and stays on the host.
 */
final class IndexKernels {
    private IndexKernels() {
    }

    static void register(Map<String, Family> families) {
        families.put("Embedding", Family.of(c -> null, IndexKernels::embedding));
        families.put("_backward_Embedding", Family.of(c -> null, IndexKernels::embeddingBackward));
        Family take = Family.of(c -> c.stringAttr("mode").equals("raise")
                ? "take with mode='raise' checks indices on the host" : null, IndexKernels::take);
        families.put("take", take);
        families.put("_backward_take", Family.of(take::check, IndexKernels::takeBackward));
    }

    /** An index value resolved onto {@code [0, size)}: truncated, then clipped, or wrapped when {@code wrap}. */
    static Exprs.Int resolve(Exprs.Flt index, int size, boolean wrap) {
        Exprs.Int i = w -> {
            index.push(w);
            w.mv().visitInsn(org.objectweb.asm.Opcodes.F2I);
        };
        return wrap ? rem(add(rem(i, c(size)), c(size)), c(size)) : Exprs.min(Exprs.max(i, c(0)), c(size - 1));
    }

    /** Inputs (data, weight): out[i, d] = weight[row(data[i]), d]. */
    private static List<KernelLaunch> embedding(NodeCall c) {
        Shape weight = c.in(1);
        int rows = weight.get(0);
        int dim = weight.get(1);
        KernelClass k = c.kernel("embedding", w -> {
            KernelWriter.Array data = w.floatArray("data");
            KernelWriter.Array wt = w.floatArray("weight");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("i", c(c.out(0).size()), i -> w.store(out, i, w.load(wt,
                    add(mul(resolve(w.load(data, div(i, c(dim))), rows, false), c(dim)), rem(i, c(dim))))));
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.output(0)));
    }

    /** Inputs (ograd, data): weight_grad[r, d] = sum of ograd[i, d] over the i whose index resolves to r. */
    private static List<KernelLaunch> embeddingBackward(NodeCall c) {
        Shape weight = c.out(0);
        int rows = weight.get(0);
        int dim = weight.get(1);
        int n = c.in(1).size();
        KernelClass k = c.kernel("embedding_grad", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array data = w.floatArray("data");
            KernelWriter.Array out = w.floatArray("weight_grad");
            w.parallelFor("e", c(rows * dim), e -> {
                KernelWriter.IntVar r = w.intLocal("r", div(e, c(dim)));
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(0f));
                w.forRange("i", c(0), c(n), i -> w.when(Exprs.eq(resolve(w.load(data, i), rows, false), r),
                        () -> w.set(acc, Exprs.add(acc, w.load(og, add(mul(i, c(dim)), rem(e, c(dim))))))));
                w.store(out, e, acc);
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.output(0)));
    }

    /** The geometry of take on {@code a}: (outer, axis length, inner) and the number of indices. */
    private record Take(int outer, int length, int inner, int count, boolean wrap) {
        static Take of(NodeCall c, Shape a, Shape indices) {
            int axis = Math.floorMod(c.intAttr("axis"), a.rank());
            return new Take(a.sizeOf(0, axis), a.get(axis), a.sizeOf(axis + 1, a.rank()), indices.size(),
                    c.stringAttr("mode").equals("wrap"));
        }
    }

    /** Inputs (a, indices): out[o, j, in] = a[o, resolve(indices[j]), in]. */
    private static List<KernelLaunch> take(NodeCall c) {
        Take g = Take.of(c, c.in(0), c.in(1));
        KernelClass k = c.kernel("take", w -> {
            KernelWriter.Array a = w.floatArray("a");
            KernelWriter.Array indices = w.floatArray("indices");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("i", c(g.outer() * g.count() * g.inner()), i -> {
                Exprs.Int j = rem(div(i, c(g.inner())), c(g.count()));
                w.store(out, i, w.load(a, flat(new int[] {g.outer(), g.length(), g.inner()},
                        div(i, c(g.count() * g.inner())), resolve(w.load(indices, j), g.length(), g.wrap()),
                        rem(i, c(g.inner())))));
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.output(0)));
    }

    /** Inputs (ograd, indices, a): a_grad[o, r, in] = sum of ograd[o, j, in] over the j resolving to r. */
    private static List<KernelLaunch> takeBackward(NodeCall c) {
        Take g = Take.of(c, c.in(2), c.in(1));
        KernelClass k = c.kernel("take_grad", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array indices = w.floatArray("indices");
            KernelWriter.Array out = w.floatArray("a_grad");
            w.parallelFor("e", c(g.outer() * g.length() * g.inner()), e -> {
                KernelWriter.IntVar o = w.intLocal("o", div(e, c(g.length() * g.inner())));
                KernelWriter.IntVar r = w.intLocal("r", rem(div(e, c(g.inner())), c(g.length())));
                KernelWriter.IntVar in = w.intLocal("in", rem(e, c(g.inner())));
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(0f));
                w.forRange("j", c(0), c(g.count()), j -> w.when(
                        Exprs.eq(resolve(w.load(indices, j), g.length(), g.wrap()), r), () -> w.set(acc,
                                Exprs.add(acc, w.load(og, flat(new int[] {g.outer(), g.count(), g.inner()}, o, j,
                                        in))))));
                w.store(out, e, acc);
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.output(0)));
    }
}
