package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.reduce.ReduceAxes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.mul;
import static dev.kiln.tornado.kernel.Exprs.rem;

/**
 * Kernels that move data without arithmetic: copies (Flatten, Reshape, reshape_like, expand_dims, squeeze, _copy,
 * Dropout that drops nothing), fills (zeros_like, ones_like), and gathers where each output element reads one input
 * element at computed coordinates (transpose, slice_axis and its gradient, broadcast_to, broadcast_like,
 * _broadcast_reduced_like, Concat as one launch per input and its gradient as one per part).
 */
final class LayoutKernels {
    private LayoutKernels() {
    }

    static void register(Map<String, Family> families) {
        Family copy = Family.of(c -> null, c -> gather(c, "copy", 0, i -> i, 1f));
        for (String op : List.of("Flatten", "Reshape", "reshape_like", "expand_dims", "squeeze", "_copy")) {
            families.put(op, copy);
        }
        families.put("Dropout", Family.of(
                c -> c.node().op().isRandom(c.attrs(), !Boolean.FALSE.equals(c.training()))
                        ? "Dropout with p > 0 draws random masks in training (or a mode the lowering was not told); it "
                        + "runs on the host" : null,
                c -> {
                    List<KernelLaunch> l = new ArrayList<>(gather(c, "copy", 0, i -> i, 1f));
                    l.add(fill(c, 1, 1f));
                    return l;
                }));
        families.put("zeros_like", Family.of(c -> null, c -> List.of(fill(c, 0, 0f))));
        families.put("ones_like", Family.of(c -> null, c -> List.of(fill(c, 0, 1f))));
        families.put("transpose", Family.of(c -> null, LayoutKernels::transpose));
        families.put("slice_axis", Family.of(c -> null, LayoutKernels::sliceAxis));
        Family broadcast = Family.of(c -> null, c -> gather(c, "broadcast", 0,
                i -> Broadcast.index(i, c.out(0), c.in(0)), 1f));
        families.put("broadcast_to", broadcast);
        families.put("broadcast_like", broadcast);
        families.put("_broadcast_reduced_like", Family.of(c -> null, LayoutKernels::broadcastReducedLike));
        families.put("Concat", Family.of(c -> null, LayoutKernels::concat));
        families.put("where", Family.of(c -> null, LayoutKernels::where));
        families.put("_backward_Concat", Family.of(c -> null, LayoutKernels::concatBackward));
        families.put("_backward_slice_axis", Family.of(c -> null, LayoutKernels::sliceAxisBackward));
    }

    /** Coordinate {@code d} of flat index {@code i} in {@code shape}. */
    static Exprs.Int coord(Exprs.Int i, Shape shape, int d) {
        Exprs.Int q = div(i, c(shape.strides()[d]));
        return d == 0 ? q : rem(q, c(shape.get(d)));
    }

    /** {@code base + sum_d coord(i, shape, d) * strides[d]}: flat index {@code i} of {@code shape} re-strided. */
    static Exprs.Int strided(Exprs.Int i, Shape shape, int[] strides, int base) {
        Exprs.Int e = c(base);
        for (int d = 0; d < shape.rank(); d++) {
            e = add(e, mul(coord(i, shape, d), c(strides[d])));
        }
        return e;
    }

    /** {@code out[i] = scale * in[index(i)]} over output 0, in one parallel loop. */
    static List<KernelLaunch> gather(NodeCall c, String label, int input, UnaryOperator<Exprs.Int> index,
                                     float scale) {
        return List.of(gather(c, label, input, 0, i -> null, index, scale));
    }

    /**
     * {@code out[i] = scale * in[index(i)]} over output {@code output}, or 0 where {@code inside(i)} (when not null)
     * is false.
     */
    static KernelLaunch gather(NodeCall c, String label, int input, int output,
                               java.util.function.Function<Exprs.Int, Exprs.Cond> inside,
                               UnaryOperator<Exprs.Int> index, float scale) {
        KernelClass k = c.kernel(label, w -> {
            KernelWriter.Array in = w.floatArray("in");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("i", c(c.out(output).size()), i -> {
                Exprs.Flt v = w.load(in, index.apply(i));
                Exprs.Flt scaled = scale == 1f ? v : Exprs.mul(v, Exprs.f(scale));
                Exprs.Cond where = inside.apply(i);
                w.store(out, i, where == null ? scaled : Exprs.select(where, scaled, Exprs.f(0f)));
            });
        });
        return c.launch(k, c.buffers().input(input), c.buffers().output(output));
    }

    /** Output {@code output} filled with {@code value}. */
    static KernelLaunch fill(NodeCall c, int output, float value) {
        KernelClass k = c.kernel("fill", w -> {
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("i", c(c.out(output).size()), i -> w.store(out, i, Exprs.f(value)));
        });
        return c.launch(k, c.buffers().output(output));
    }

    /** Inputs (condition, x, y): x where the condition (per element, or per row when 1-D) is non-zero or NaN. */
    private static List<KernelLaunch> where(NodeCall c) {
        Shape x = c.in(1);
        int perCondition = x.size() / c.in(0).size();
        KernelClass k = c.kernel("where", w -> {
            KernelWriter.Array cond = w.floatArray("condition");
            KernelWriter.Array xs = w.floatArray("x");
            KernelWriter.Array ys = w.floatArray("y");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("i", c(x.size()), i -> w.store(out, i, Exprs.select(
                    Exprs.ne(w.load(cond, perCondition == 1 ? i : div(i, c(perCondition))), Exprs.f(0f)),
                    w.load(xs, i), w.load(ys, i))));
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.input(2), t.output(0)));
    }

    private static List<KernelLaunch> transpose(NodeCall c) {
        Shape in = c.in(0);
        Shape out = c.out(0);
        int[] axes = c.tupleAttr("axes");
        if (axes.length == 0) {
            axes = new int[in.rank()];
            for (int d = 0; d < axes.length; d++) {
                axes[d] = in.rank() - 1 - d;
            }
        }
        int[] perm = axes;
        int[] inStrides = in.strides();
        return gather(c, "transpose", 0, i -> {
            Exprs.Int e = c(0);
            for (int d = 0; d < out.rank(); d++) {
                int a = perm[d] < 0 ? perm[d] + in.rank() : perm[d];
                e = add(e, mul(coord(i, out, d), c(inStrides[a])));
            }
            return e;
        }, 1f);
    }

    /** slice_axis's first index along its axis of {@code data}. */
    private static int sliceBegin(NodeCall c, Shape data, int axis) {
        int begin = c.intAttr("begin");
        return begin < 0 ? begin + data.get(axis) : begin;
    }

    private static List<KernelLaunch> sliceAxis(NodeCall c) {
        Shape in = c.in(0);
        Shape out = c.out(0);
        int axis = in.normalizeAxis(c.intAttr("axis"));
        int first = sliceBegin(c, in, axis);
        int[] inStrides = in.strides();
        return gather(c, "slice_axis", 0, i -> strided(i, out, inStrides, first * inStrides[axis]), 1f);
    }

    /** Inputs (out_grad, data): out_grad at the slice's elements of a data-shaped output, zero elsewhere. */
    private static List<KernelLaunch> sliceAxisBackward(NodeCall c) {
        Shape grad = c.in(0);
        Shape data = c.out(0);
        int axis = data.normalizeAxis(c.intAttr("axis"));
        int first = sliceBegin(c, data, axis);
        int[] gradStrides = grad.strides();
        return List.of(gather(c, "slice_axis_grad", 0, 0,
                i -> Exprs.within(coord(i, data, axis), c(first), c(first + grad.get(axis))),
                i -> strided(i, data, gradStrides, -first * gradStrides[axis]), 1f));
    }

    private static List<KernelLaunch> broadcastReducedLike(NodeCall c) {
        Shape like = c.in(1);
        ReduceAxes axes = ReduceAxes.of(c.node().op(), like, (dev.kiln.op.IntTuple) c.attr("axis"), true,
                c.boolAttr("exclude"));
        Shape kept = axes.outShape();
        float scale = c.boolAttr("mean") ? (float) kept.size() / like.size() : 1f;
        return gather(c, "broadcast_reduced", 0, i -> Broadcast.index(i, like, kept), scale);
    }

    private static List<KernelLaunch> concat(NodeCall c) {
        Shape out = c.out(0);
        int axis = out.normalizeAxis(c.intAttr("dim"));
        int inner = out.sizeOf(axis + 1, out.rank());
        List<KernelLaunch> launches = new ArrayList<>();
        int offset = 0;
        for (int j = 0; j < c.in().size(); j++) {
            Shape in = c.in(j);
            int block = in.get(axis) * inner;
            int at = offset * inner;
            int outBlock = out.get(axis) * inner;
            KernelClass k = c.kernel("concat", w -> {
                KernelWriter.Array src = w.floatArray("in");
                KernelWriter.Array dst = w.floatArray("out");
                w.parallelFor("i", c(in.size()), i -> w.store(dst,
                        add(add(mul(div(i, c(block)), c(outBlock)), c(at)), rem(i, c(block))), w.load(src, i)));
            });
            launches.add(c.launch(k, c.buffers().input(j), c.buffers().output(0)));
            offset += in.get(axis);
        }
        return launches;
    }

    /** Inputs (out_grad, data...): output j is the part of out_grad along the axis that input j contributed. */
    private static List<KernelLaunch> concatBackward(NodeCall c) {
        Shape grad = c.in(0);
        int axis = grad.normalizeAxis(c.intAttr("dim"));
        int inner = grad.sizeOf(axis + 1, grad.rank());
        int gradBlock = grad.get(axis) * inner;
        List<KernelLaunch> launches = new ArrayList<>();
        int offset = 0;
        for (int j = 0; j < c.out().size(); j++) {
            int block = c.out(j).get(axis) * inner;
            int at = offset * inner;
            launches.add(gather(c, "concat_grad", 0, j, i -> null,
                    i -> add(add(mul(div(i, c(block)), c(gradBlock)), c(at)), rem(i, c(block))), 1f));
            offset += c.out(j).get(axis);
        }
        return launches;
    }
}
