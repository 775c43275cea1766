package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.flat;
import static dev.kiln.tornado.kernel.Exprs.mul;

/**
 * Nearest-neighbour {@code UpSampling} of NCHW inputs: each input's pixels repeated {@code out / in} times along
 * height and width, several inputs concatenated along channels or summed ({@code multi_input_mode}); one work item
 * per output element. {@code _backward_UpSampling} (nearest): each input's gradient sums the output gradient over
 * the block its pixel was repeated into, from its own channels (concat) or the same channels (sum). Bilinear
 * upsampling (a depthwise deconvolution with a weight) is unsupported.
 */
final class UpSamplingKernels {
    private UpSamplingKernels() {
    }

    static void register(Map<String, Family> families) {
        families.put("UpSampling", Family.of(UpSamplingKernels::check, UpSamplingKernels::forward));
        families.put("_backward_UpSampling", Family.of(UpSamplingKernels::check, UpSamplingKernels::backward));
    }

    private static String check(NodeCall c) {
        if (!"nearest".equals(c.stringAttr("sample_type"))) {
            return "sample_type " + c.stringAttr("sample_type") + " (the device upsamples nearest)";
        }
        return c.in().size() + c.out().size() > KernelWriter.MAX_PARAMS
                ? "more than " + (KernelWriter.MAX_PARAMS - 1) + " inputs" : null;
    }

    /** The first output channel input {@code i} fills: 0 when summed, else the channels of the inputs before. */
    private static int channelStart(NodeCall c, List<Shape> inputs, int i) {
        if ("sum".equals(c.stringAttr("multi_input_mode"))) {
            return 0;
        }
        int start = 0;
        for (int k = 0; k < i; k++) {
            start += inputs.get(k).get(1);
        }
        return start;
    }

    private static List<KernelLaunch> forward(NodeCall c) {
        Shape out = c.out(0);
        int[] od = out.dims();
        boolean sum = "sum".equals(c.stringAttr("multi_input_mode"));
        KernelClass k = c.kernel("upsampling_nearest", w -> {
            List<KernelWriter.Array> ins = new ArrayList<>();
            for (int i = 0; i < c.in().size(); i++) {
                ins.add(w.floatArray("in" + i));
            }
            KernelWriter.Array y = w.floatArray("out");
            w.parallelFor("plane", c(od[0] * od[1]), plane -> w.parallelFor("pos", c(od[2] * od[3]), pos -> {
                KernelWriter.IntVar[] at = coordinates(w, plane, pos, od);
                KernelWriter.IntVar n = at[0];
                KernelWriter.IntVar ch = at[1];
                KernelWriter.IntVar oy = at[2];
                KernelWriter.IntVar ox = at[3];
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(0f));
                for (int i = 0; i < c.in().size(); i++) {
                    int[] d = c.in(i).dims();
                    int f = od[2] / d[2];
                    int start = channelStart(c, c.in(), i);
                    KernelWriter.Array x = ins.get(i);
                    Runnable read = () -> w.set(acc, Exprs.add(acc, w.load(x, flat(d, n, Exprs.sub(ch, c(start)),
                            div(oy, c(f)), div(ox, c(f))))));
                    if (sum) {
                        read.run();
                    } else {
                        w.when(Exprs.within(ch, c(start), c(start + d[1])), read);
                    }
                }
                w.store(y, add(mul(plane, c(od[2] * od[3])), pos), acc);
            }));
        });
        int[] buffers = new int[c.in().size() + 1];
        for (int i = 0; i < c.in().size(); i++) {
            buffers[i] = c.buffers().input(i);
        }
        buffers[c.in().size()] = c.buffers().output(0);
        return List.of(c.launch(k, buffers));
    }

    /** Locals (n, channel, y, x) of image plane {@code plane} and position {@code pos} in NCHW {@code dims}. */
    private static KernelWriter.IntVar[] coordinates(KernelWriter w, Exprs.Int plane, Exprs.Int pos, int[] dims) {
        return new KernelWriter.IntVar[] {w.intLocal("n", div(plane, c(dims[1]))),
            w.intLocal("ch", Exprs.rem(plane, c(dims[1]))), w.intLocal("y", div(pos, c(dims[3]))),
            w.intLocal("x", Exprs.rem(pos, c(dims[3])))};
    }

    /** Inputs (ograd, inputs...); one launch per input gradient. */
    private static List<KernelLaunch> backward(NodeCall c) {
        int[] gd = c.in(0).dims();
        List<Shape> inputs = c.in().subList(1, c.in().size());
        List<KernelLaunch> launches = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int[] d = inputs.get(i).dims();
            int f = gd[2] / d[2];
            int start = channelStart(c, inputs, i);
            KernelClass k = c.kernel("upsampling_nearest_grad", w -> {
                KernelWriter.Array og = w.floatArray("ograd");
                KernelWriter.Array dx = w.floatArray("data_grad");
                w.parallelFor("plane", c(d[0] * d[1]), plane -> w.parallelFor("pos", c(d[2] * d[3]), pos -> {
                    KernelWriter.IntVar[] at = coordinates(w, plane, pos, d);
                    KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(0f));
                    w.forRange("a", c(0), c(f), a -> w.forRange("b", c(0), c(f), b -> w.set(acc, Exprs.add(acc,
                            w.load(og, flat(gd, at[0], add(at[1], c(start)), add(mul(at[2], c(f)), a),
                                    add(mul(at[3], c(f)), b)))))));
                    w.store(dx, add(mul(plane, c(d[2] * d[3])), pos), acc);
                }));
            });
            launches.add(c.launch(k, c.buffers().input(0), c.buffers().output(i)));
        }
        return launches;
    }
}
