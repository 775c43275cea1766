package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.mul;
import static dev.kiln.tornado.kernel.Exprs.rem;
import static dev.kiln.tornado.kernel.Exprs.sub;

/**
 * More gathers, each output element reading one input element: SliceChannel (split) as one launch per part, stack
 * as one launch per input, SwapAxis, reverse, tile, repeat, broadcast_axis, slice (begin, end, step) and
 * {@code _backward_slice} (the gradient at the sliced elements, zero elsewhere).
 */
final class GatherKernels {
    private GatherKernels() {
    }

    static void register(Map<String, Family> families) {
        families.put("SliceChannel", Family.of(c -> null, GatherKernels::split));
        families.put("stack", Family.of(c -> null, GatherKernels::stack));
        families.put("SwapAxis", Family.of(c -> null, GatherKernels::swapAxes));
        families.put("reverse", Family.of(c -> null, GatherKernels::reverse));
        families.put("tile", Family.of(c -> null, GatherKernels::tile));
        families.put("repeat", Family.of(c -> null, GatherKernels::repeat));
        families.put("slice", Family.of(c -> null, GatherKernels::slice));
        families.put("_backward_slice", Family.of(c -> null, GatherKernels::sliceBackward));
        families.put("broadcast_axis", Family.of(c -> null, c -> LayoutKernels.gather(c, "broadcast", 0,
                i -> Broadcast.index(i, c.out(0), c.in(0)), 1f)));
    }

    /** The input offset of output element {@code i}: output coordinate {@code d} read through {@code map}. */
    private static Exprs.Int remap(Exprs.Int i, Shape out, Shape in, CoordMap map) {
        int[] strides = in.strides();
        Exprs.Int e = c(0);
        for (int d = 0; d < out.rank(); d++) {
            int target = map.inputAxis(d);
            if (target >= 0 && in.get(target) > 1) {
                e = add(e, mul(map.coord(d, LayoutKernels.coord(i, out, d)), c(strides[target])));
            }
        }
        return e;
    }

    /** Output axis {@code d} reads input axis {@code inputAxis(d)} (none when negative) at {@code coord}. */
    private interface CoordMap {
        int inputAxis(int d);

        default Exprs.Int coord(int d, Exprs.Int outCoord) {
            return outCoord;
        }
    }

    /** Where slice starts and how it steps along each axis of {@code data}, as the CPU op resolves begin and step. */
    private record SliceRanges(int[] begin, int[] step) {
        static SliceRanges of(NodeCall c, Shape data) {
            dev.kiln.op.IntTuple begin = (dev.kiln.op.IntTuple) c.attr("begin");
            dev.kiln.op.IntTuple step = (dev.kiln.op.IntTuple) c.attr("step");
            int[] b = new int[data.rank()];
            int[] s = new int[data.rank()];
            java.util.Arrays.fill(s, 1);
            for (int i = 0; i < begin.size(); i++) {
                int st = step.isEmpty() || step.isNone(i) ? 1 : step.get(i);
                int len = data.get(i);
                long first = begin.isNone(i) ? (st < 0 ? len - 1 : 0) : begin.get(i);
                if (first < 0) {
                    first += len;
                }
                if (first < 0 && st > 0) {
                    first = 0;
                }
                if (first > len - 1 && st < 0) {
                    first = len - 1;
                }
                b[i] = (int) Math.max(first, 0);
                s[i] = st;
            }
            return new SliceRanges(b, s);
        }
    }

    private static List<KernelLaunch> slice(NodeCall c) {
        Shape in = c.in(0);
        SliceRanges rg = SliceRanges.of(c, in);
        return LayoutKernels.gather(c, "slice", 0, i -> remap(i, c.out(0), in, new CoordMap() {
            @Override
            public int inputAxis(int d) {
                return d;
            }

            @Override
            public Exprs.Int coord(int d, Exprs.Int outCoord) {
                return add(c(rg.begin()[d]), mul(outCoord, c(rg.step()[d])));
            }
        }), 1f);
    }

    /** Inputs (out_grad, data): element c of the data-shaped output takes the gradient when c = begin + k * step. */
    private static List<KernelLaunch> sliceBackward(NodeCall c) {
        Shape grad = c.in(0);
        Shape data = c.out(0);
        SliceRanges rg = SliceRanges.of(c, data);
        int[] gradStrides = grad.strides();
        return List.of(LayoutKernels.gather(c, "slice_grad", 0, 0, i -> {
            List<Exprs.Cond> conds = new ArrayList<>();
            for (int d = 0; d < data.rank(); d++) {
                Exprs.Int t = sub(LayoutKernels.coord(i, data, d), c(rg.begin()[d]));
                conds.add(Exprs.eq(rem(t, c(rg.step()[d])), c(0)));
                conds.add(Exprs.within(div(t, c(rg.step()[d])), c(0), c(grad.get(d))));
            }
            return Exprs.and(conds.toArray(Exprs.Cond[]::new));
        }, i -> {
            Exprs.Int e = c(0);
            for (int d = 0; d < data.rank(); d++) {
                Exprs.Int k = div(sub(LayoutKernels.coord(i, data, d), c(rg.begin()[d])), c(rg.step()[d]));
                e = add(e, mul(k, c(gradStrides[d])));
            }
            return e;
        }, 1f));
    }

    private static List<KernelLaunch> split(NodeCall c) {
        Shape in = c.in(0);
        int axis = in.normalizeAxis(c.intAttr("axis"));
        int parts = c.intAttr("num_outputs");
        int inner = in.sizeOf(axis + 1, in.rank());
        int block = in.get(axis) / parts * inner;
        int inBlock = in.get(axis) * inner;
        List<KernelLaunch> launches = new ArrayList<>();
        for (int j = 0; j < parts; j++) {
            int at = j * block;
            launches.add(LayoutKernels.gather(c, "split", 0, j, i -> null,
                    i -> add(add(mul(div(i, c(block)), c(inBlock)), c(at)), rem(i, c(block))), 1f));
        }
        return launches;
    }

    private static List<KernelLaunch> stack(NodeCall c) {
        Shape out = c.out(0);
        int axis = out.normalizeAxis(c.intAttr("axis"));
        int inner = out.sizeOf(axis + 1, out.rank());
        int n = c.in().size();
        List<KernelLaunch> launches = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            int at = j * inner;
            KernelClass k = c.kernel("stack", w -> {
                KernelWriter.Array src = w.floatArray("in");
                KernelWriter.Array dst = w.floatArray("out");
                w.parallelFor("i", c(out.size() / n), i -> w.store(dst,
                        add(add(mul(div(i, c(inner)), c(n * inner)), c(at)), rem(i, c(inner))), w.load(src, i)));
            });
            launches.add(c.launch(k, c.buffers().input(j), c.buffers().output(0)));
        }
        return launches;
    }

    private static List<KernelLaunch> swapAxes(NodeCall c) {
        Shape in = c.in(0);
        int a = in.normalizeAxis(c.intAttr("dim1"));
        int b = in.normalizeAxis(c.intAttr("dim2"));
        IntUnaryOperator perm = d -> d == a ? b : d == b ? a : d;
        return LayoutKernels.gather(c, "swap_axes", 0, i -> remap(i, c.out(0), in, perm::applyAsInt), 1f);
    }

    private static List<KernelLaunch> reverse(NodeCall c) {
        Shape in = c.in(0);
        boolean[] flipped = new boolean[in.rank()];
        for (int a : c.tupleAttr("axis")) {
            flipped[in.normalizeAxis(a)] = true;
        }
        return LayoutKernels.gather(c, "reverse", 0, i -> remap(i, in, in, new CoordMap() {
            @Override
            public int inputAxis(int d) {
                return d;
            }

            @Override
            public Exprs.Int coord(int d, Exprs.Int outCoord) {
                return flipped[d] ? sub(c(in.get(d) - 1), outCoord) : outCoord;
            }
        }), 1f);
    }

    private static List<KernelLaunch> tile(NodeCall c) {
        Shape in = c.in(0);
        Shape out = c.out(0);
        int lead = out.rank() - in.rank();
        return LayoutKernels.gather(c, "tile", 0, i -> remap(i, out, in, new CoordMap() {
            @Override
            public int inputAxis(int d) {
                return d - lead;
            }

            @Override
            public Exprs.Int coord(int d, Exprs.Int outCoord) {
                return rem(outCoord, c(in.get(d - lead)));
            }
        }), 1f);
    }

    private static List<KernelLaunch> repeat(NodeCall c) {
        Shape in = c.in(0);
        int repeats = c.intAttr("repeats");
        if (c.attr("axis") == null) {
            return LayoutKernels.gather(c, "repeat", 0, i -> div(i, c(repeats)), 1f);
        }
        int axis = in.normalizeAxis(c.intAttr("axis"));
        return LayoutKernels.gather(c, "repeat", 0, i -> remap(i, c.out(0), in, new CoordMap() {
            @Override
            public int inputAxis(int d) {
                return d;
            }

            @Override
            public Exprs.Int coord(int d, Exprs.Int outCoord) {
                return d == axis ? div(outCoord, c(repeats)) : outCoord;
            }
        }), 1f);
    }
}
