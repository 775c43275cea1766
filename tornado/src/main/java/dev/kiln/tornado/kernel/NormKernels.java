package dev.kiln.tornado.kernel;

import java.util.List;
import java.util.Map;

import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.f;
import static dev.kiln.tornado.kernel.Exprs.flat;
import static dev.kiln.tornado.kernel.Exprs.math;

/**
 * BatchNorm: with the moving statistics (predict mode, or {@code use_global_stats}) the output per element and the
 * mean and inverse-std outputs per channel; with batch statistics (training mode) one work item per channel computes
 * the channel's mean, biased variance and inverse std into the mean and invstd outputs and moves the moving mean
 * and variance IN PLACE (inputs 3 and 4, as the CPU op does; see {@link DeviceKernels#mutatedInputs}), then the
 * output per element. {@code _backward_BatchNorm}: one work item per channel summing over its elements, then
 * writing the channel's data gradient (through the batch statistics unless {@code use_global_stats}) and the gamma
 * and beta gradients.
 */
final class NormKernels {
    private NormKernels() {
    }

    static void register(Map<String, Family> families) {
        families.put("BatchNorm", Family.of(NormKernels::checkForward, NormKernels::forward));
        families.put("_backward_BatchNorm", Family.of(c -> null, NormKernels::backward));
    }

    private static String checkForward(NodeCall c) {
        return c.training() == null && !c.boolAttr("use_global_stats")
                ? "BatchNorm normalises with batch or moving statistics by the mode, which the lowering was not told"
                : null;
    }

    /** True if the node normalises with the batch's statistics (and so moves the moving ones in place). */
    static boolean batchStatistics(NodeCall c) {
        return Boolean.TRUE.equals(c.training()) && !c.boolAttr("use_global_stats");
    }

    private static Rows rows(NodeCall c, int input) {
        return Rows.along(c.in(input), c.intAttr("axis"));
    }

    /** Inputs (data, gamma, beta, moving_mean, moving_var); outputs (output, mean, invstd). */
    private static List<KernelLaunch> forward(NodeCall c) {
        return batchStatistics(c) ? trainingForward(c) : predictForward(c);
    }

    private static List<KernelLaunch> predictForward(NodeCall c) {
        Rows rows = rows(c, 0);
        float eps = (float) c.doubleAttr("eps");
        KernelClass stats = c.kernel("batch_norm_stats", w -> {
            KernelWriter.Array mean = w.floatArray("moving_mean");
            KernelWriter.Array var = w.floatArray("moving_var");
            KernelWriter.Array meanOut = w.floatArray("mean");
            KernelWriter.Array invOut = w.floatArray("invstd");
            w.parallelFor("ch", c(rows.length()), ch -> {
                w.store(meanOut, ch, w.load(mean, ch));
                w.store(invOut, ch, invStd(w.load(var, ch), eps));
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(stats, t.input(3), t.input(4), t.output(1), t.output(2)), normalise(c, rows));
    }

    private static List<KernelLaunch> trainingForward(NodeCall c) {
        Rows rows = rows(c, 0);
        float eps = (float) c.doubleAttr("eps");
        float momentum = (float) c.doubleAttr("momentum");
        int[] dims = {rows.outer(), rows.length(), rows.inner()};
        int n = rows.outer() * rows.inner();
        KernelClass stats = c.kernel("batch_norm_batch_stats", w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array movingMean = w.floatArray("moving_mean");
            KernelWriter.Array movingVar = w.floatArray("moving_var");
            KernelWriter.Array meanOut = w.floatArray("mean");
            KernelWriter.Array invOut = w.floatArray("invstd");
            w.parallelFor("ch", c(rows.length()), ch -> {
                KernelWriter.FloatVar sum = w.floatLocal("sum", f(0f));
                w.forRange("o", c(0), c(rows.outer()), o -> w.forRange("in", c(0), c(rows.inner()), in ->
                        w.set(sum, Exprs.add(sum, w.load(x, flat(dims, o, ch, in))))));
                KernelWriter.FloatVar mu = w.floatLocal("mu", Exprs.div(sum, f(n)));
                KernelWriter.FloatVar sq = w.floatLocal("sq", f(0f));
                w.forRange("o", c(0), c(rows.outer()), o -> w.forRange("in", c(0), c(rows.inner()), in -> {
                    KernelWriter.FloatVar d = w.floatLocal("d", Exprs.sub(w.load(x, flat(dims, o, ch, in)), mu));
                    w.set(sq, Exprs.add(sq, Exprs.mul(d, d)));
                }));
                KernelWriter.FloatVar var = w.floatLocal("var", Exprs.div(sq, f(n)));
                w.store(meanOut, ch, mu);
                // a constant channel with eps = 0 gives 0, as the CPU op does, instead of infinity
                w.store(invOut, ch, eps == 0f ? Exprs.select(Exprs.eq(sq, f(0f)), f(0f), invStd(var, eps))
                        : invStd(var, eps));
                w.store(movingMean, ch, Exprs.add(Exprs.mul(w.load(movingMean, ch), f(momentum)),
                        Exprs.mul(mu, f(1 - momentum))));
                w.store(movingVar, ch, Exprs.add(Exprs.mul(w.load(movingVar, ch), f(momentum)),
                        Exprs.mul(var, f(1 - momentum))));
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(stats, t.input(0), t.input(3), t.input(4), t.output(1), t.output(2)),
                normalise(c, rows));
    }

    /** {@code out = (x - mean) * invstd * gamma + beta} per element, from the mean and invstd outputs. */
    private static KernelLaunch normalise(NodeCall c, Rows rows) {
        boolean fixGamma = c.boolAttr("fix_gamma");
        int[] dims = {rows.outer(), rows.length(), rows.inner()};
        KernelClass k = c.kernel("batch_norm_normalise", w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array gamma = w.floatArray("gamma");
            KernelWriter.Array beta = w.floatArray("beta");
            KernelWriter.Array mean = w.floatArray("mean");
            KernelWriter.Array inv = w.floatArray("invstd");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("i", c(rows.outer() * rows.length() * rows.inner()), i -> {
                KernelWriter.IntVar ch = w.intLocal("ch", LayoutKernels.coord(i, dev.kiln.ndarray.Shape.of(dims), 1));
                Exprs.Flt scale = fixGamma ? w.load(inv, ch) : Exprs.mul(w.load(gamma, ch), w.load(inv, ch));
                w.store(out, i, Exprs.add(Exprs.mul(Exprs.sub(w.load(x, i), w.load(mean, ch)), scale),
                        w.load(beta, ch)));
            });
        });
        BufferTable t = c.buffers();
        return c.launch(k, t.input(0), t.input(1), t.input(2), t.output(1), t.output(2), t.output(0));
    }

    /** {@code 1 / sqrt(var + eps)}. */
    private static Exprs.Flt invStd(Exprs.Flt var, float eps) {
        return Exprs.div(f(1f), math("sqrt", Exprs.add(var, f(eps))));
    }

    /** Inputs (out_grad, data, gamma, mean, invstd, mean_grad, invstd_grad); outputs (data, gamma, beta grads). */
    private static List<KernelLaunch> backward(NodeCall c) {
        Rows rows = rows(c, 1);
        boolean fixGamma = c.boolAttr("fix_gamma");
        boolean batchStats = !c.boolAttr("use_global_stats");
        int[] dims = {rows.outer(), rows.length(), rows.inner()};
        int n = rows.outer() * rows.inner();
        KernelClass k = c.kernel("batch_norm_grad", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array gamma = w.floatArray("gamma");
            KernelWriter.Array mean = w.floatArray("mean");
            KernelWriter.Array invstd = w.floatArray("invstd");
            KernelWriter.Array meanGrad = w.floatArray("mean_grad");
            KernelWriter.Array invstdGrad = w.floatArray("invstd_grad");
            KernelWriter.Array dx = w.floatArray("data_grad");
            KernelWriter.Array dGamma = w.floatArray("gamma_grad");
            KernelWriter.Array dBeta = w.floatArray("beta_grad");
            w.parallelFor("ch", c(rows.length()), ch -> {
                KernelWriter.FloatVar mu = w.floatLocal("mu", w.load(mean, ch));
                KernelWriter.FloatVar s = w.floatLocal("s", w.load(invstd, ch));
                KernelWriter.FloatVar sumO = w.floatLocal("sum_o", f(0f));
                KernelWriter.FloatVar sumOX = w.floatLocal("sum_ox", f(0f));
                w.forRange("o", c(0), c(rows.outer()), o -> w.forRange("in", c(0), c(rows.inner()), in -> {
                    KernelWriter.IntVar at = w.intLocal("at", flat(dims, o, ch, in));
                    KernelWriter.FloatVar g = w.floatLocal("g", w.load(og, at));
                    w.set(sumO, Exprs.add(sumO, g));
                    w.set(sumOX, Exprs.add(sumOX, Exprs.mul(g, Exprs.mul(Exprs.sub(w.load(x, at), mu), s))));
                }));
                w.store(dBeta, ch, sumO);
                w.store(dGamma, ch, fixGamma ? f(0f) : sumOX);
                KernelWriter.FloatVar scale = w.floatLocal("scale", fixGamma ? s : Exprs.mul(w.load(gamma, ch), s));
                KernelWriter.FloatVar meanO = w.floatLocal("mean_o", Exprs.div(sumO, f(n)));
                KernelWriter.FloatVar meanOX = w.floatLocal("mean_ox", Exprs.div(sumOX, f(n)));
                KernelWriter.FloatVar viaMean = w.floatLocal("via_mean", Exprs.div(w.load(meanGrad, ch), f(n)));
                KernelWriter.FloatVar viaInv = w.floatLocal("via_invstd",
                        Exprs.div(Exprs.mul(w.load(invstdGrad, ch), Exprs.mul(s, s)), f(n)));
                w.forRange("o", c(0), c(rows.outer()), o -> w.forRange("in", c(0), c(rows.inner()), in -> {
                    KernelWriter.IntVar at = w.intLocal("at", flat(dims, o, ch, in));
                    Exprs.Flt g = w.load(og, at);
                    if (batchStats) {
                        KernelWriter.FloatVar xh = w.floatLocal("xhat", Exprs.mul(Exprs.sub(w.load(x, at), mu), s));
                        w.store(dx, at, Exprs.sub(Exprs.add(Exprs.mul(scale, Exprs.sub(Exprs.sub(g, meanO),
                                Exprs.mul(xh, meanOX))), viaMean), Exprs.mul(viaInv, xh)));
                    } else {
                        w.store(dx, at, Exprs.mul(g, scale));
                    }
                }));
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.input(2), t.input(3), t.input(4), t.input(5),
                t.input(6), t.output(0), t.output(1), t.output(2)));
    }
}
