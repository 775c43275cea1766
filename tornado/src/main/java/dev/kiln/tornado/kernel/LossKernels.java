package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.List;
import java.util.Map;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.eq;
import static dev.kiln.tornado.kernel.Exprs.f;
import static dev.kiln.tornado.kernel.Exprs.math;
import static dev.kiln.tornado.kernel.Exprs.mul;
import static dev.kiln.tornado.kernel.Exprs.select;
import static dev.kiln.tornado.kernel.Exprs.sub;

/**
 * The softmax losses Gluon training graphs end in. {@code SoftmaxOutput}: the softmax of its rows (data as (N, -1),
 * axis 1 with {@code multi_output}, the last axis with {@code preserve_shape}); {@code _backward_SoftmaxOutput}: per
 * row {@code (output - target) * grad_scale / norm} against class-index labels (label smoothing, ignored labels,
 * the three normalisations; a first single-item launch counts the valid labels for {@code valid}) or
 * {@code (output - label) * grad_scale} against a label of the data's shape, times the incoming gradient with
 * {@code out_grad}. {@code softmax_cross_entropy}: each row's {@code -log(max(p[label], 1e-8))} into scratch, then
 * one work item sums them (an out-of-range label, which the CPU op rejects, gives NaN: a kernel cannot throw);
 * {@code _backward_softmax_cross_entropy}: {@code (softmax - one_hot(label)) * out_grad}. Labels are float class
 * indices truncated to int, as the CPU ops read them.
 */
final class LossKernels {
    private LossKernels() {
    }

    static void register(Map<String, Family> families) {
        families.put("SoftmaxOutput", Family.of(c -> null, c -> List.of(RowKernels.softmaxRows(c, "softmax_output",
                rows(c, c.in(0)), 1f, false, c.buffers().input(0), c.buffers().output(0)))));
        families.put("_backward_SoftmaxOutput", Family.of(c -> null, LossKernels::softmaxOutputBackward));
        families.put("softmax_cross_entropy", Family.of(c -> null, LossKernels::crossEntropy));
        families.put("_backward_softmax_cross_entropy", Family.of(c -> null, LossKernels::crossEntropyBackward));
    }

    /** SoftmaxOutput's rows: axis 1 with multi_output, the last axis with preserve_shape, else data as (N, -1). */
    private static Rows rows(NodeCall c, Shape s) {
        if (c.boolAttr("multi_output")) {
            return Rows.along(s, 1);
        } else if (c.boolAttr("preserve_shape")) {
            return Rows.along(s, s.rank() - 1);
        }
        return new Rows(s.get(0), s.sizeOf(1, s.rank()), 1);
    }

    /** Inputs (out_grad, output, label); row {@code r}'s label is label element {@code r}. */
    private static List<KernelLaunch> softmaxOutputBackward(NodeCall c) {
        Shape y = c.in(1);
        float scale = (float) c.doubleAttr("grad_scale");
        boolean outGrad = c.boolAttr("out_grad");
        BufferTable t = c.buffers();
        if (c.in(2).equals(y)) {
            KernelClass k = c.kernel("softmax_output_grad_dense", w -> {
                KernelWriter.Array og = w.floatArray("ograd");
                KernelWriter.Array out = w.floatArray("output");
                KernelWriter.Array label = w.floatArray("label");
                KernelWriter.Array dx = w.floatArray("data_grad");
                w.parallelFor("i", c(y.size()), i -> {
                    Exprs.Flt g = mul(sub(w.load(out, i), w.load(label, i)), f(scale));
                    w.store(dx, i, outGrad ? mul(g, w.load(og, i)) : g);
                });
            });
            return List.of(c.launch(k, t.input(0), t.input(1), t.input(2), t.output(0)));
        }
        Rows rows = rows(c, y);
        boolean useIgnore = c.boolAttr("use_ignore");
        int ignore = (int) c.doubleAttr("ignore_label");
        float alpha = (float) c.doubleAttr("smooth_alpha");
        String normalization = c.stringAttr("normalization");
        int norm = switch (normalization) {
            case "batch" -> rows.count();
            case "valid" -> 1; // divided by the count in the kernel
            default -> c.boolAttr("multi_output") ? rows.inner() : 1;
        };
        boolean valid = normalization.equals("valid");
        int count = valid ? c.buffers().scratch(DType.FLOAT32, 1) : -1;
        KernelClass k = c.kernel("softmax_output_grad", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array out = w.floatArray("output");
            KernelWriter.Array label = w.floatArray("label");
            KernelWriter.Array counted = valid ? w.floatArray("valid") : null;
            KernelWriter.Array dx = w.floatArray("data_grad");
            w.parallelFor("r", c(rows.count()), r -> {
                KernelWriter.IntVar base = w.intLocal("base", rows.base(r));
                KernelWriter.IntVar cls = w.intLocal("cls", Exprs.toInt(w.load(label, r)));
                KernelWriter.FloatVar factor = w.floatLocal("factor", counted == null ? f(scale / norm)
                        : div(f(scale), Exprs.max(f(1f), w.load(counted, c(0)))));
                if (useIgnore) {
                    w.set(factor, select(eq(cls, c(ignore)), f(0f), factor));
                }
                w.forRange("j", c(0), c(rows.length()), j -> {
                    Exprs.Flt target = alpha == 0 ? select(eq(j, cls), f(1f), f(0f))
                            : select(eq(j, cls), f(1 - alpha), f(alpha / (rows.length() - 1)));
                    Exprs.Flt g = mul(sub(w.load(out, rows.at(base, j)), target), factor);
                    w.store(dx, rows.at(base, j), outGrad ? mul(g, w.load(og, rows.at(base, j))) : g);
                });
            });
        });
        if (!valid) {
            return List.of(c.launch(k, t.input(0), t.input(1), t.input(2), t.output(0)));
        }
        KernelClass counter = c.kernel("count_valid_labels", w -> {
            KernelWriter.Array label = w.floatArray("label");
            KernelWriter.Array counted = w.floatArray("valid");
            w.parallelFor("one", c(1), one -> {
                KernelWriter.FloatVar n = w.floatLocal("n", f(0f));
                w.forRange("r", c(0), c(rows.count()), r -> w.set(n, add(n,
                        select(eq(Exprs.toInt(w.load(label, r)), c(ignore)), f(0f), f(1f)))));
                w.store(counted, one, n);
            });
        });
        return List.of(c.launch(counter, t.input(2), count), c.launch(k, t.input(0), t.input(1), t.input(2), count,
                t.output(0)));
    }

    /** Inputs (data, label); output (1,). */
    private static List<KernelLaunch> crossEntropy(NodeCall c) {
        Rows rows = new Rows(c.in(0).get(0), c.in(0).get(1), 1);
        int losses = c.buffers().scratch(DType.FLOAT32, rows.count());
        KernelClass perRow = c.kernel("softmax_cross_entropy_rows", w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array label = w.floatArray("label");
            KernelWriter.Array loss = w.floatArray("loss");
            w.parallelFor("r", c(rows.count()), r -> {
                KernelWriter.IntVar base = w.intLocal("base", rows.base(r));
                KernelWriter.FloatVar[] stats = RowKernels.maxAndSum(w, x, rows, base, 1f);
                KernelWriter.FloatVar l = w.floatLocal("l", w.load(label, r));
                KernelWriter.IntVar cls = w.intLocal("cls", Exprs.min(Exprs.max(Exprs.toInt(l), c(0)),
                        c(rows.length() - 1)));
                KernelWriter.FloatVar p = w.floatLocal("p", div(math("exp", sub(w.load(x, add(base, cls)),
                        stats[0])), stats[1]));
                // a negative, NaN or too large label gives NaN where the CPU op throws: (l - l) / (l - l), as
                // TornadoVM's OpenCL backend emits a NaN constant as an undeclared identifier
                w.store(loss, r, select(Exprs.and(Exprs.ge(l, f(0f)), Exprs.gt(f(rows.length()), l)),
                        Exprs.neg(math("log", Exprs.max(p, f(1e-8f)))), div(sub(l, l), sub(l, l))));
            });
        });
        KernelClass total = c.kernel("sum_rows_losses", w -> {
            KernelWriter.Array loss = w.floatArray("loss");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("one", c(1), one -> {
                KernelWriter.FloatVar sum = w.floatLocal("sum", f(0f));
                w.forRange("r", c(0), c(rows.count()), r -> w.set(sum, add(sum, w.load(loss, r))));
                w.store(out, one, sum);
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(perRow, t.input(0), t.input(1), losses), c.launch(total, losses, t.output(0)));
    }

    /** Inputs (out_grad (1,), data, label). */
    private static List<KernelLaunch> crossEntropyBackward(NodeCall c) {
        Rows rows = new Rows(c.in(1).get(0), c.in(1).get(1), 1);
        KernelClass k = c.kernel("softmax_cross_entropy_grad", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array label = w.floatArray("label");
            KernelWriter.Array dx = w.floatArray("data_grad");
            w.parallelFor("r", c(rows.count()), r -> {
                KernelWriter.IntVar base = w.intLocal("base", rows.base(r));
                KernelWriter.FloatVar[] stats = RowKernels.maxAndSum(w, x, rows, base, 1f);
                KernelWriter.IntVar cls = w.intLocal("cls", Exprs.toInt(w.load(label, r)));
                KernelWriter.FloatVar g = w.floatLocal("g", w.load(og, c(0)));
                w.forRange("j", c(0), c(rows.length()), j -> {
                    Exprs.Flt p = div(math("exp", sub(w.load(x, add(base, j)), stats[0])), stats[1]);
                    w.store(dx, add(base, j), mul(sub(p, select(eq(j, cls), f(1f), f(0f))), g));
                });
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.input(2), t.output(0)));
    }
}
