package dev.kiln.tornado.kernel;

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
 * loop index.
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
        KernelClass k = c.kernel(c.op().equals(op) ? "reduce_" + op : "reduce" + c.op(), w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("o", c(outSize), o -> {
                KernelWriter.IntVar base = w.intLocal("base", offset(o, kept, in, strides));
                float init = switch (op) {
                    case "max" -> Float.NEGATIVE_INFINITY;
                    case "min" -> Float.POSITIVE_INFINITY;
                    default -> 0f;
                };
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(init));
                w.forRange("j", c(0), c(count), j -> {
                    Exprs.Flt v = w.load(x, add(base, offset(j, gone, in, strides)));
                    w.set(acc, switch (op) {
                        case "max" -> Exprs.max(acc, v);
                        case "min" -> Exprs.min(acc, v);
                        case "norm" -> Exprs.add(acc, ord == 1 ? Exprs.abs(v) : Exprs.mul(v, v));
                        default -> Exprs.add(acc, v);
                    });
                });
                w.store(out, o, switch (op) {
                    case "mean" -> Exprs.div(acc, Exprs.f(count));
                    case "norm" -> ord == 1 ? acc : Exprs.math("sqrt", acc);
                    default -> acc;
                });
            });
        });
        return List.of(c.launch(k, c.buffers().input(0), c.buffers().output(0)));
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
