package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.Shape;

import java.util.List;
import java.util.Map;

import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.f;
import static dev.kiln.tornado.kernel.Exprs.math;

/**
 * Kernels with one work item per row along an axis, looping over the row (no reduction annotations): softmax,
 * log_softmax and softmin (temperature included) and their gradients, LayerNorm with its mean and std outputs, and
 * pick / {@code _backward_pick} (float indices, clip or wrap).
 */
final class RowKernels {
    private RowKernels() {
    }

    static void register(Map<String, Family> families) {
        for (String op : List.of("softmax", "log_softmax", "softmin")) {
            families.put(op, Family.of(RowKernels::checkSoftmax, RowKernels::softmax));
            families.put("_backward_" + op, Family.of(RowKernels::checkSoftmax,
                    RowKernels::softmaxBackward));
        }
        families.put("LayerNorm", Family.of(c -> null, RowKernels::layerNorm));
        families.put("pick", Family.of(c -> null, RowKernels::pick));
        families.put("_backward_pick", Family.of(c -> null, RowKernels::pickBackward));
    }

    private static String checkSoftmax(NodeCall c) {
        return c.boolAttr("use_length") ? "use_length (a length input)" : null;
    }

    /** The factor applied to the data: -1 for softmin, divided by the temperature. */
    private static float scale(NodeCall c) {
        Object t = c.attr("temperature");
        double temperature = t == null ? 1.0 : ((Number) t).doubleValue();
        return (float) ((c.op().endsWith("softmin") ? -1 : 1) / temperature);
    }

    private static List<KernelLaunch> softmax(NodeCall c) {
        Rows rows = Rows.along(c.in(0), c.intAttr("axis"));
        return List.of(softmaxRows(c, c.op(), rows, scale(c), c.op().equals("log_softmax"), c.buffers().input(0),
                c.buffers().output(0)));
    }

    /** The launch writing the (log-)softmax of {@code scale * x} along {@code rows} of buffer {@code in}. */
    static KernelLaunch softmaxRows(NodeCall c, String label, Rows rows, float scale, boolean log, int in, int out) {
        KernelClass k = c.kernel(label, w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array y = w.floatArray("out");
            w.parallelFor("r", c(rows.count()), r -> {
                KernelWriter.IntVar base = w.intLocal("base", rows.base(r));
                KernelWriter.FloatVar[] stats = maxAndSum(w, x, rows, base, scale);
                KernelWriter.FloatVar logSum = w.floatLocal("logsum", math("log", stats[1]));
                w.forRange("j", c(0), c(rows.length()), j -> {
                    Exprs.Flt shifted = Exprs.sub(Exprs.mul(w.load(x, rows.at(base, j)), f(scale)), stats[0]);
                    w.store(y, rows.at(base, j), log ? Exprs.sub(shifted, logSum)
                            : Exprs.div(math("exp", shifted), stats[1]));
                });
            });
        });
        return c.launch(k, in, out);
    }

    /**
     * Locals holding the maximum of {@code scale * x} over the row at {@code base} and the sum of
     * {@code exp(scale * x - max)} over it: a softmax element is {@code exp(scale * x - max) / sum}.
     */
    static KernelWriter.FloatVar[] maxAndSum(KernelWriter w, KernelWriter.Array x, Rows rows, Exprs.Int base,
                                             float scale) {
        KernelWriter.FloatVar max = w.floatLocal("max", f(Float.NEGATIVE_INFINITY));
        w.forRange("j", c(0), c(rows.length()), j -> w.set(max,
                Exprs.max(max, Exprs.mul(w.load(x, rows.at(base, j)), f(scale)))));
        KernelWriter.FloatVar sum = w.floatLocal("sum", f(0f));
        w.forRange("j", c(0), c(rows.length()), j -> w.set(sum, Exprs.add(sum,
                math("exp", Exprs.sub(Exprs.mul(w.load(x, rows.at(base, j)), f(scale)), max)))));
        return new KernelWriter.FloatVar[] {max, sum};
    }

    /** Inputs (out_grad, output, data). */
    private static List<KernelLaunch> softmaxBackward(NodeCall c) {
        Rows rows = Rows.along(c.in(1), c.intAttr("axis"));
        float scale = scale(c);
        boolean log = c.op().equals("_backward_log_softmax");
        KernelClass k = c.kernel(c.op(), w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array y = w.floatArray("output");
            KernelWriter.Array dx = w.floatArray("data_grad");
            w.parallelFor("r", c(rows.count()), r -> {
                KernelWriter.IntVar base = w.intLocal("base", rows.base(r));
                KernelWriter.FloatVar sum = w.floatLocal("sum", f(0f));
                w.forRange("j", c(0), c(rows.length()), j -> w.set(sum, Exprs.add(sum, log
                        ? w.load(og, rows.at(base, j))
                        : Exprs.mul(w.load(og, rows.at(base, j)), w.load(y, rows.at(base, j))))));
                w.forRange("j", c(0), c(rows.length()), j -> {
                    Exprs.Flt o = w.load(og, rows.at(base, j));
                    Exprs.Flt p = w.load(y, rows.at(base, j));
                    Exprs.Flt g = log ? Exprs.sub(o, Exprs.mul(math("exp", p), sum)) : Exprs.mul(p, Exprs.sub(o, sum));
                    w.store(dx, rows.at(base, j), Exprs.mul(f(scale), g));
                });
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.output(0)));
    }

    /** Outputs (output, mean, std), std = sqrt(var + eps), var the mean squared deviation. */
    private static List<KernelLaunch> layerNorm(NodeCall c) {
        Rows rows = Rows.along(c.in(0), c.intAttr("axis"));
        float eps = (float) c.doubleAttr("eps");
        KernelClass k = c.kernel("layer_norm", w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array gamma = w.floatArray("gamma");
            KernelWriter.Array beta = w.floatArray("beta");
            KernelWriter.Array out = w.floatArray("out");
            KernelWriter.Array mean = w.floatArray("mean");
            KernelWriter.Array std = w.floatArray("std");
            w.parallelFor("r", c(rows.count()), r -> {
                KernelWriter.IntVar base = w.intLocal("base", rows.base(r));
                KernelWriter.FloatVar sum = w.floatLocal("sum", f(0f));
                w.forRange("j", c(0), c(rows.length()), j -> w.set(sum, Exprs.add(sum, w.load(x, rows.at(base, j)))));
                KernelWriter.FloatVar mu = w.floatLocal("mu", Exprs.div(sum, f(rows.length())));
                KernelWriter.FloatVar sq = w.floatLocal("sq", f(0f));
                w.forRange("j", c(0), c(rows.length()), j -> {
                    KernelWriter.FloatVar d = w.floatLocal("d", Exprs.sub(w.load(x, rows.at(base, j)), mu));
                    w.set(sq, Exprs.add(sq, Exprs.mul(d, d)));
                });
                KernelWriter.FloatVar sd = w.floatLocal("sd",
                        math("sqrt", Exprs.add(Exprs.div(sq, f(rows.length())), f(eps))));
                w.forRange("j", c(0), c(rows.length()), j -> w.store(out, rows.at(base, j), Exprs.add(Exprs.mul(
                        Exprs.div(Exprs.sub(w.load(x, rows.at(base, j)), mu), sd), w.load(gamma, j)),
                        w.load(beta, j))));
                w.store(mean, r, mu);
                w.store(std, r, sd);
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.input(2), t.output(0), t.output(1), t.output(2)));
    }

    /** The picked position along a row of {@code length} for a float index, clipped or wrapped as {@code mode}. */
    private static Exprs.Int position(NodeCall c, Exprs.Flt index, int length) {
        return IndexKernels.resolve(index, length, c.stringAttr("mode").equals("wrap"));
    }

    /** pick(data, index): out[row] = data[row, index[row]]. */
    private static List<KernelLaunch> pick(NodeCall c) {
        Shape data = c.in(0);
        Rows rows = Rows.along(data, c.intAttr("axis"));
        KernelClass k = c.kernel("pick", w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array index = w.floatArray("index");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("r", c(rows.count()), r -> w.store(out, r,
                    w.load(x, rows.at(rows.base(r), position(c, w.load(index, r), rows.length())))));
        });
        return List.of(c.launch(k, c.buffers().input(0), c.buffers().input(1), c.buffers().output(0)));
    }

    /** Inputs (ograd, index, data): the data gradient, the row's gradient at its picked position, zero elsewhere. */
    private static List<KernelLaunch> pickBackward(NodeCall c) {
        Shape data = c.in(2);
        Rows rows = Rows.along(data, c.intAttr("axis"));
        KernelClass k = c.kernel("pick_grad", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array index = w.floatArray("index");
            KernelWriter.Array dx = w.floatArray("data_grad");
            w.parallelFor("r", c(rows.count()), r -> {
                KernelWriter.IntVar base = w.intLocal("base", rows.base(r));
                KernelWriter.IntVar at = w.intLocal("at", position(c, w.load(index, r), rows.length()));
                w.forRange("j", c(0), c(rows.length()), j -> w.store(dx, rows.at(base, j),
                        Exprs.select(Exprs.eq(j, at), w.load(og, r), f(0f))));
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.output(0)));
    }
}
