package dev.kiln.tornado.kernel;

import java.util.List;
import java.util.Map;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.and;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.eq;
import static dev.kiln.tornado.kernel.Exprs.max;
import static dev.kiln.tornado.kernel.Exprs.min;
import static dev.kiln.tornado.kernel.Exprs.mul;
import static dev.kiln.tornado.kernel.Exprs.rem;
import static dev.kiln.tornado.kernel.Exprs.sub;
import static dev.kiln.tornado.kernel.Exprs.within;

/**
 * 1-D/2-D Pooling in NCHW (max, avg, sum; global pooling; conventions valid and full; count_include_pad), one work
 * item per output element over its window as the CPU clips it (start {@code g*stride - pad}, end cut at the padded
 * extent, then to the data), and {@code _backward_Pooling}, one work item per data element gathering from the
 * windows that cover it: max sends a window's gradient to the first element of the window equal to its maximum, avg
 * divides by the window's divisor.
 */
final class PoolKernels {
    private PoolKernels() {
    }

    static void register(Map<String, Family> families) {
        families.put("Pooling", Family.of(PoolKernels::check, PoolKernels::forward));
        families.put("_backward_Pooling", Family.of(PoolKernels::check, PoolKernels::backward));
    }

    private static String check(NodeCall c) {
        String type = c.stringAttr("pool_type");
        if (type.equals("lp")) {
            return "pool_type lp";
        }
        if (c.stringAttr("pooling_convention").equals("same")) {
            return "pooling_convention same";
        }
        return Window2d.check(c);
    }

    /** One axis of a window: data range [lo, hi) and the averaging extent. */
    private record Span(KernelWriter.IntVar lo, KernelWriter.IntVar hi, KernelWriter.IntVar extent) {
        static Span of(KernelWriter w, String axis, Exprs.Int o, int stride, int pad, int kernel, int size,
                       boolean countPad) {
            KernelWriter.IntVar start = w.intLocal(axis + "start", sub(mul(o, c(stride)), c(pad)));
            KernelWriter.IntVar end = w.intLocal(axis + "end", min(add(start, c(kernel)), c(size + pad)));
            KernelWriter.IntVar lo = w.intLocal(axis + "lo", max(start, c(0)));
            KernelWriter.IntVar hi = w.intLocal(axis + "hi", min(end, c(size)));
            KernelWriter.IntVar extent = w.intLocal(axis + "extent", countPad ? sub(end, start) : sub(hi, lo));
            return new Span(lo, hi, extent);
        }
    }

    private static boolean countPad(NodeCall c) {
        Object cip = c.attr("count_include_pad");
        return cip == null || Boolean.TRUE.equals(cip);
    }

    private static List<KernelLaunch> forward(NodeCall c) {
        Window2d g = Window2d.of(c, c.in(0), c.out(0), c.boolAttr("global_pool"));
        String type = c.stringAttr("pool_type");
        boolean countPad = countPad(c);
        KernelClass k = c.kernel("pooling_" + type, w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("nc", c(g.n() * g.c()), nc -> w.parallelFor("pos", c(g.oh() * g.ow()), pos -> {
                Span sy = Span.of(w, "y", div(pos, c(g.ow())), g.sh(), g.ph(), g.kh(), g.h(), countPad);
                Span sx = Span.of(w, "x", rem(pos, c(g.ow())), g.sw(), g.pw(), g.kw(), g.w(), countPad);
                // max starts at the lowest finite float, as MXNet's (an empty or all -inf window gives it)
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(type.equals("max") ? -Float.MAX_VALUE : 0f));
                w.forRange("iy", sy.lo(), sy.hi(), iy -> w.forRange("ix", sx.lo(), sx.hi(), ix -> {
                    Exprs.Flt v = w.load(x, add(mul(nc, c(g.h() * g.w())), add(mul(iy, c(g.w())), ix)));
                    w.set(acc, type.equals("max") ? Exprs.select(Exprs.gt(v, acc), v, acc) : Exprs.add(acc, v));
                }));
                Exprs.Flt result = type.equals("avg")
                        ? Exprs.div(acc, Exprs.toFloat(mul(sy.extent(), sx.extent()))) : acc;
                w.store(out, add(mul(nc, c(g.oh() * g.ow())), pos), result);
            }));
        });
        return List.of(c.launch(k, c.buffers().input(0), c.buffers().output(0)));
    }

    /** Inputs (ograd, data, output); output the data gradient. */
    private static List<KernelLaunch> backward(NodeCall c) {
        Window2d g = Window2d.of(c, c.in(1), c.in(0), c.boolAttr("global_pool"));
        String type = c.stringAttr("pool_type");
        boolean countPad = countPad(c);
        KernelClass k = c.kernel("pooling_" + type + "_grad", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array y = w.floatArray("output");
            KernelWriter.Array out = w.floatArray("data_grad");
            w.parallelFor("i", c(g.n() * g.c() * g.h() * g.w()), i -> {
                KernelWriter.IntVar nc = w.intLocal("nc", div(i, c(g.h() * g.w())));
                KernelWriter.IntVar py = w.intLocal("py", rem(div(i, c(g.w())), c(g.h())));
                KernelWriter.IntVar px = w.intLocal("px", rem(i, c(g.w())));
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(0f));
                // the windows that may cover (py, px): start <= p + pad - ... , re-checked against the clipped span
                Exprs.Int oyLo = max(c(0), div(add(sub(add(py, c(g.ph())), c(g.kh())), c(g.sh())), c(g.sh())));
                Exprs.Int oyHi = min(c(g.oh()), add(div(add(py, c(g.ph())), c(g.sh())), c(1)));
                Exprs.Int oxLo = max(c(0), div(add(sub(add(px, c(g.pw())), c(g.kw())), c(g.sw())), c(g.sw())));
                Exprs.Int oxHi = min(c(g.ow()), add(div(add(px, c(g.pw())), c(g.sw())), c(1)));
                w.forRange("oy", oyLo, oyHi, oy -> w.forRange("ox", oxLo, oxHi, ox -> {
                    Span sy = Span.of(w, "y", oy, g.sh(), g.ph(), g.kh(), g.h(), countPad);
                    Span sx = Span.of(w, "x", ox, g.sw(), g.pw(), g.kw(), g.w(), countPad);
                    w.when(and(within(py, sy.lo(), sy.hi()), within(px, sx.lo(), sx.hi())), () -> {
                        KernelWriter.IntVar o = w.intLocal("o", add(mul(nc, c(g.oh() * g.ow())),
                                add(mul(oy, c(g.ow())), ox)));
                        if (type.equals("max")) {
                            maxShare(w, g, x, y, og, nc, py, px, sy, sx, o, acc);
                        } else {
                            Exprs.Flt grad = w.load(og, o);
                            w.set(acc, Exprs.add(acc, type.equals("avg")
                                    ? Exprs.div(grad, Exprs.toFloat(mul(sy.extent(), sx.extent()))) : grad));
                        }
                    });
                }));
                w.store(out, i, acc);
            });
        });
        BufferTable t = c.buffers();
        return List.of(c.launch(k, t.input(0), t.input(1), t.input(2), t.output(0)));
    }

    /** Adds the window's gradient when (py, px) is the first element of the window equal to the window's max. */
    private static void maxShare(KernelWriter w, Window2d g, KernelWriter.Array x, KernelWriter.Array y,
                                 KernelWriter.Array og, KernelWriter.IntVar nc, KernelWriter.IntVar py,
                                 KernelWriter.IntVar px, Span sy, Span sx, KernelWriter.IntVar o,
                                 KernelWriter.FloatVar acc) {
        KernelWriter.FloatVar best = w.floatLocal("best", w.load(y, o));
        KernelWriter.IntVar found = w.intLocal("found", c(0));
        w.forRange("wy", sy.lo(), sy.hi(), wy -> w.forRange("wx", sx.lo(), sx.hi(), wx -> w.when(
                and(eq(found, c(0)), Exprs.eq(w.load(x, add(mul(nc, c(g.h() * g.w())), add(mul(wy, c(g.w())), wx))),
                        best)), () -> {
                    w.set(found, c(1));
                    w.when(and(eq(wy, py), eq(wx, px)), () -> w.set(acc, Exprs.add(acc, w.load(og, o))));
                })));
    }
}
