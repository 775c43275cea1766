package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.op.reduce.ReduceAxes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.mul;
import static dev.kiln.tornado.kernel.Exprs.rem;

/**
 * Reductions over axes (sum, mean, max, min with axis, keepdims and exclude; norm with ord 1 or 2; and
 * {@code _sum_like}, the gradient of broadcasting, which sums over the axes its second input was broadcast along):
 * one work item per output element, a sequential loop over the reduced elements, whose coordinates come from the
 * loop index. When there are few outputs and many elements each (a sum of a whole tensor), each output's elements
 * are cut into pieces reduced in parallel, and a second launch combines the pieces: a device is not left with one
 * busy work item.
 */
final class ReduceKernels {
    private ReduceKernels() {
    }

    static void register(Map<String, Family> families) {
        for (String op : List.of("sum", "mean", "max", "min", "norm")) {
            families.put(op, Family.of(c -> null, ReduceKernels::reduce));
        }
        families.put("_sum_like", Family.of(c -> null, ReduceKernels::sumLike));
    }

    private static List<KernelLaunch> reduce(NodeCall c) {
        Shape in = c.in(0);
        ReduceAxes axes = ReduceAxes.of(c.node().op(), in, (IntTuple) c.attr("axis"), false,
                c.boolAttr("exclude"));
        return reduceOver(c, axes.reduced(), c.op());
    }

    /** {@code _sum_like(data, like)}: data summed over its leading axes like lacks and the axes where like has 1. */
    private static List<KernelLaunch> sumLike(NodeCall c) {
        Shape in = c.in(0);
        Shape like = c.in(1);
        int offset = in.rank() - like.rank();
        boolean[] reduced = new boolean[in.rank()];
        for (int d = 0; d < in.rank(); d++) {
            reduced[d] = d < offset || (like.get(d - offset) == 1 && in.get(d) != 1);
        }
        return reduceOver(c, reduced, "sum");
    }

    /** The launch reducing input 0 of the node over the axes marked {@code reduced} with {@code op}. */
    private static List<KernelLaunch> reduceOver(NodeCall c, boolean[] reduced, String op) {
        Shape in = c.in(0);
        List<Integer> kept = new ArrayList<>();
        List<Integer> gone = new ArrayList<>();
        for (int d = 0; d < in.rank(); d++) {
            (reduced[d] ? gone : kept).add(d);
        }
        int outSize = kept.stream().mapToInt(in::get).reduce(1, (a, b) -> a * b);
        int count = gone.stream().mapToInt(in::get).reduce(1, (a, b) -> a * b);
        int[] strides = in.strides();
        int ord = op.equals("norm") ? c.intAttr("ord") : 0;
        String label = c.op().equals(op) ? "reduce_" + op : "reduce" + c.op();
        int chunks = chunks(outSize, count);
        if (chunks > 1) {
            return twoStages(c, label, op, ord, in, kept, gone, outSize, count, chunks);
        }
        KernelClass k = c.kernel(label, w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("o", c(outSize), o -> {
                KernelWriter.IntVar base = w.intLocal("base", offset(o, kept, in, strides));
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(identity(op)));
                w.forRange("j", c(0), c(count), j ->
                        w.set(acc, fold(op, ord, acc, w.load(x, add(base, offset(j, gone, in, strides))))));
                w.store(out, o, finish(op, ord, acc, count));
            });
        });
        return List.of(c.launch(k, c.buffers().input(0), c.buffers().output(0)));
    }

    /**
     * How many pieces each output's reduced elements are split into: 1 (one work item per output) unless the
     * outputs are too few to occupy a device and each has many elements to reduce; then up to 256 pieces of at
     * least 1,024 elements, reduced in parallel, whose partial results a second launch combines.
     */
    static int chunks(int outSize, int count) {
        if (outSize >= 1024 || count < 4096) {
            return 1;
        }
        return Math.min(256, Math.max(2, Math.min(count / 1024, 4096 / outSize)));
    }

    /** Stage one: each (output, piece) pair folds its slice into scratch; stage two folds the pieces per output. */
    private static List<KernelLaunch> twoStages(NodeCall c, String label, String op, int ord, Shape in,
                                                List<Integer> kept, List<Integer> gone, int outSize, int count,
                                                int chunks) {
        int[] strides = in.strides();
        int len = (count + chunks - 1) / chunks;
        KernelClass partial = c.kernel(label + "_pieces", w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array part = w.floatArray("partial");
            w.parallelFor("p", c(outSize * chunks), p -> {
                KernelWriter.IntVar base = w.intLocal("base", offset(div(p, c(chunks)), kept, in, strides));
                KernelWriter.IntVar from = w.intLocal("from", mul(rem(p, c(chunks)), c(len)));
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(identity(op)));
                w.forRange("j", from, Exprs.min(add(from, c(len)), c(count)), j ->
                        w.set(acc, fold(op, ord, acc, w.load(x, add(base, offset(j, gone, in, strides))))));
                w.store(part, p, acc);
            });
        });
        String combine = op.equals("max") || op.equals("min") ? op : "sum";
        KernelClass total = c.kernel(label + "_total", w -> {
            KernelWriter.Array part = w.floatArray("partial");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("o", c(outSize), o -> {
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(identity(op)));
                w.forRange("k", c(0), c(chunks), k ->
                        w.set(acc, fold(combine, 0, acc, w.load(part, add(mul(o, c(chunks)), k)))));
                w.store(out, o, finish(op, ord, acc, count));
            });
        });
        int scratch = c.buffers().scratch(DType.FLOAT32, (long) outSize * chunks);
        return List.of(c.launch(partial, c.buffers().input(0), scratch),
                c.launch(total, scratch, c.buffers().output(0)));
    }

    private static float identity(String op) {
        return switch (op) {
            case "max" -> Float.NEGATIVE_INFINITY;
            case "min" -> Float.POSITIVE_INFINITY;
            default -> 0f;
        };
    }

    /** The accumulator after taking in {@code v}: max, min, |v| or v squared for norms, else the sum. */
    private static Exprs.Flt fold(String op, int ord, Exprs.Flt acc, Exprs.Flt v) {
        return switch (op) {
            case "max" -> Exprs.max(acc, v);
            case "min" -> Exprs.min(acc, v);
            case "norm" -> Exprs.add(acc, ord == 1 ? Exprs.abs(v) : Exprs.mul(v, v));
            default -> Exprs.add(acc, v);
        };
    }

    /** The output from the accumulator: the mean divides by the count, the 2-norm takes the square root. */
    private static Exprs.Flt finish(String op, int ord, Exprs.Flt acc, int count) {
        return switch (op) {
            case "mean" -> Exprs.div(acc, Exprs.f(count));
            case "norm" -> ord == 1 ? acc : Exprs.math("sqrt", acc);
            default -> acc;
        };
    }

    /** The input offset of flat index {@code i} over the dims {@code dims} of {@code in} (row-major among them). */
    private static Exprs.Int offset(Exprs.Int i, List<Integer> dims, Shape in, int[] strides) {
        Exprs.Int e = c(0);
        int step = 1;
        for (int k = dims.size() - 1; k >= 0; k--) {
            int d = dims.get(k);
            Exprs.Int coord = k == 0 ? div(i, c(step)) : rem(div(i, c(step)), c(in.get(d)));
            e = add(e, mul(coord, c(strides[d])));
            step *= in.get(d);
        }
        return e;
    }
}
