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
 * as one launch per input, SwapAxis, reverse, tile, repeat and broadcast_axis.
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
