package dev.kiln.tornado.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.tornado.kernel.Exprs.add;
import static dev.kiln.tornado.kernel.Exprs.and;
import static dev.kiln.tornado.kernel.Exprs.c;
import static dev.kiln.tornado.kernel.Exprs.div;
import static dev.kiln.tornado.kernel.Exprs.eq;
import static dev.kiln.tornado.kernel.Exprs.flat;
import static dev.kiln.tornado.kernel.Exprs.ge;
import static dev.kiln.tornado.kernel.Exprs.lt;
import static dev.kiln.tornado.kernel.Exprs.mul;
import static dev.kiln.tornado.kernel.Exprs.rem;
import static dev.kiln.tornado.kernel.Exprs.sub;
import static dev.kiln.tornado.kernel.Exprs.within;

/**
 * Direct 1-D/2-D convolution in NCHW (stride, pad, dilation, groups, bias), one work item per output element, and
 * its gradient {@code _backward_Convolution}: the data gradient gathered per data element over the output positions
 * whose window covers it, the weight gradient per weight element over batch and positions, the bias gradient per
 * filter.
 */
final class ConvKernels {
    private ConvKernels() {
    }

    static void register(Map<String, Family> families) {
        families.put("Convolution", Family.of(Window2d::check, ConvKernels::forward));
        families.put("_backward_Convolution", Family.of(Window2d::check, ConvKernels::backward));
    }

    private static List<KernelLaunch> forward(NodeCall c) {
        Window2d g = Window2d.of(c, c.in(0), c.out(0), false);
        boolean bias = !c.boolAttr("no_bias");
        BufferTable t = c.buffers();
        return List.of(bias ? convolve(c, g, c.intAttr("num_group"), true, t.input(0), t.input(1), t.input(2),
                t.output(0)) : convolve(c, g, c.intAttr("num_group"), false, t.input(0), t.input(1), t.output(0)));
    }

    /**
     * The convolution of geometry {@code g} over buffers data, weight (oc, c / groups, kh, kw)[, bias], output:
     * register-tiled where each group's filters come in whole tiles and there are a tile's worth of positions.
     */
    static KernelLaunch convolve(NodeCall c, Window2d g, int groups, boolean bias, int... buffers) {
        int fg = g.oc() / groups;
        return fg % MatmulKernels.TILE == 0 && g.oh() * g.ow() >= MatmulKernels.TILE
                ? TiledConvKernels.convolution(c, g, groups, bias, buffers) : direct(c, g, groups, bias, buffers);
    }

    /** One work item per output element. */
    static KernelLaunch direct(NodeCall c, Window2d g, int groups, boolean bias, int... buffers) {
        int cg = g.c() / groups;
        int fg = g.oc() / groups;
        KernelClass k = c.kernel("convolution", w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array wt = w.floatArray("weight");
            KernelWriter.Array b = bias ? w.floatArray("bias") : null;
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("nf", c(g.n() * g.oc()), nf -> w.parallelFor("pos", c(g.oh() * g.ow()), pos -> {
                KernelWriter.IntVar n = w.intLocal("n", div(nf, c(g.oc())));
                KernelWriter.IntVar f = w.intLocal("f", rem(nf, c(g.oc())));
                KernelWriter.IntVar oy = w.intLocal("oy", div(pos, c(g.ow())));
                KernelWriter.IntVar ox = w.intLocal("ox", rem(pos, c(g.ow())));
                KernelWriter.IntVar c0 = w.intLocal("c0", mul(div(f, c(fg)), c(cg)));
                KernelWriter.FloatVar acc = w.floatLocal("acc", b == null ? Exprs.f(0f) : w.load(b, f));
                w.forRange("ci", c(0), c(cg), ci -> w.forRange("ky", c(0), c(g.kh()), ky -> {
                    KernelWriter.IntVar iy = w.intLocal("iy", add(sub(mul(oy, c(g.sh())), c(g.ph())),
                            mul(ky, c(g.dh()))));
                    w.when(within(iy, c(0), c(g.h())), () -> w.forRange("kx", c(0), c(g.kw()), kx -> {
                        KernelWriter.IntVar ix = w.intLocal("ix", add(sub(mul(ox, c(g.sw())), c(g.pw())),
                                mul(kx, c(g.dw()))));
                        w.when(within(ix, c(0), c(g.w())), () -> w.set(acc, Exprs.add(acc, Exprs.mul(
                                w.load(x, flat(new int[] {g.n(), g.c(), g.h(), g.w()}, n, add(c0, ci), iy, ix)),
                                w.load(wt, flat(new int[] {g.oc(), cg, g.kh(), g.kw()}, f, ci, ky, kx))))));
                    }));
                }));
                w.store(out, add(mul(nf, c(g.oh() * g.ow())), pos), acc);
            }));
        });
        return c.launch(k, buffers);
    }

    /** Inputs (ograd, data, weight[, bias]); outputs (data grad, weight grad[, bias grad]). */
    private static List<KernelLaunch> backward(NodeCall c) {
        Window2d g = Window2d.of(c, c.in(1), c.in(0), false);
        int groups = c.intAttr("num_group");
        BufferTable t = c.buffers();
        List<KernelLaunch> launches = new ArrayList<>();
        launches.add(dataGrad(c, g, groups, false, t.input(0), t.input(2), t.output(0)));
        launches.add(weightGrad(c, g, groups, t.input(0), t.input(1), t.output(1)));
        if (!c.boolAttr("no_bias")) {
            launches.add(c.launch(biasGrad(c, g.n(), g.oc(), g.oh() * g.ow()), t.input(0), t.output(2)));
        }
        return launches;
    }

    /**
     * The data gradient of the convolution of geometry {@code g}, over buffers ograd, weight[, bias added per data
     * channel], data gradient: each data element gathers the output positions whose window covers it (the
     * transposed convolution, which is also Deconvolution's forward pass).
     */
    static KernelLaunch dataGrad(NodeCall c, Window2d g, int groups, boolean bias, int... buffers) {
        if ((g.c() / groups) % Tile.SIZE == 0 && g.h() * g.w() >= Tile.SIZE) {
            return TiledConvKernels.dataGrad(c, g, groups, bias, buffers);
        }
        int cg = g.c() / groups;
        int fg = g.oc() / groups;
        int[] gradDims = {g.n(), g.oc(), g.oh(), g.ow()};
        int[] weightDims = {g.oc(), cg, g.kh(), g.kw()};
        KernelClass dData = c.kernel("convolution_data_grad", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array wt = w.floatArray("weight");
            KernelWriter.Array b = bias ? w.floatArray("bias") : null;
            KernelWriter.Array out = w.floatArray("data_grad");
            w.parallelFor("i", c(g.n() * g.c() * g.h() * g.w()), i -> {
                KernelWriter.IntVar n = w.intLocal("n", div(i, c(g.c() * g.h() * g.w())));
                KernelWriter.IntVar ch = w.intLocal("ch", rem(div(i, c(g.h() * g.w())), c(g.c())));
                KernelWriter.IntVar y = w.intLocal("y", rem(div(i, c(g.w())), c(g.h())));
                KernelWriter.IntVar x = w.intLocal("x", rem(i, c(g.w())));
                KernelWriter.IntVar grp = w.intLocal("grp", div(ch, c(cg)));
                KernelWriter.FloatVar acc = w.floatLocal("acc", b == null ? Exprs.f(0f) : w.load(b, ch));
                w.forRange("fi", c(0), c(fg), fi -> w.forRange("ky", c(0), c(g.kh()), ky -> {
                    KernelWriter.IntVar ty = w.intLocal("ty", sub(add(y, c(g.ph())), mul(ky, c(g.dh()))));
                    w.when(and(ge(ty, c(0)), eq(rem(ty, c(g.sh())), c(0)), lt(div(ty, c(g.sh())), c(g.oh()))),
                            () -> w.forRange("kx", c(0), c(g.kw()), kx -> {
                                KernelWriter.IntVar tx = w.intLocal("tx", sub(add(x, c(g.pw())), mul(kx, c(g.dw()))));
                                w.when(and(ge(tx, c(0)), eq(rem(tx, c(g.sw())), c(0)),
                                        lt(div(tx, c(g.sw())), c(g.ow()))), () -> {
                                    Exprs.Int f = add(mul(grp, c(fg)), fi);
                                    w.set(acc, Exprs.add(acc, Exprs.mul(
                                            w.load(og, flat(gradDims, n, f, div(ty, c(g.sh())), div(tx, c(g.sw())))),
                                            w.load(wt, flat(weightDims, f, sub(ch, mul(grp, c(cg))), ky, kx)))));
                                });
                            }));
                }));
                w.store(out, i, acc);
            });
        });
        return c.launch(dData, buffers);
    }

    /** The weight gradient of the convolution of geometry {@code g}, over buffers ograd, data, weight gradient. */
    static KernelLaunch weightGrad(NodeCall c, Window2d g, int groups, int... buffers) {
        if ((g.oc() / groups) % Tile.SIZE == 0 && (g.c() / groups) * g.kh() * g.kw() >= Tile.SIZE) {
            return TiledConvKernels.weightGrad(c, g, groups, buffers);
        }
        int cg = g.c() / groups;
        int fg = g.oc() / groups;
        int[] dataDims = {g.n(), g.c(), g.h(), g.w()};
        int[] gradDims = {g.n(), g.oc(), g.oh(), g.ow()};
        KernelClass dWeight = c.kernel("convolution_weight_grad", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array xs = w.floatArray("data");
            KernelWriter.Array out = w.floatArray("weight_grad");
            w.parallelFor("i", c(g.oc() * cg * g.kh() * g.kw()), i -> {
                KernelWriter.IntVar f = w.intLocal("f", div(i, c(cg * g.kh() * g.kw())));
                KernelWriter.IntVar ci = w.intLocal("ci", rem(div(i, c(g.kh() * g.kw())), c(cg)));
                KernelWriter.IntVar ky = w.intLocal("ky", rem(div(i, c(g.kw())), c(g.kh())));
                KernelWriter.IntVar kx = w.intLocal("kx", rem(i, c(g.kw())));
                KernelWriter.IntVar ch = w.intLocal("ch", add(mul(div(f, c(fg)), c(cg)), ci));
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(0f));
                w.forRange("n", c(0), c(g.n()), n -> w.forRange("oy", c(0), c(g.oh()), oy -> {
                    KernelWriter.IntVar iy = w.intLocal("iy", add(sub(mul(oy, c(g.sh())), c(g.ph())),
                            mul(ky, c(g.dh()))));
                    w.when(within(iy, c(0), c(g.h())), () -> w.forRange("ox", c(0), c(g.ow()), ox -> {
                        KernelWriter.IntVar ix = w.intLocal("ix", add(sub(mul(ox, c(g.sw())), c(g.pw())),
                                mul(kx, c(g.dw()))));
                        w.when(within(ix, c(0), c(g.w())), () -> w.set(acc, Exprs.add(acc, Exprs.mul(
                                w.load(og, flat(gradDims, n, f, oy, ox)),
                                w.load(xs, flat(dataDims, n, ch, iy, ix))))));
                    }));
                }));
                w.store(out, i, acc);
            });
        });
        return c.launch(dWeight, buffers);
    }

    /** {@code out[f] = sum over n and positions of ograd[n, f, pos]}: a per-channel sum. */
    static KernelClass biasGrad(NodeCall c, int n, int channels, int inner) {
        return c.kernel("channel_sum", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("f", c(channels), f -> {
                KernelWriter.FloatVar acc = w.floatLocal("acc", Exprs.f(0f));
                w.forRange("n", c(0), c(n), b -> w.forRange("p", c(0), c(inner), p -> w.set(acc,
                        Exprs.add(acc, w.load(og, flat(new int[] {n, channels, inner}, b, f, p))))));
                w.store(out, f, acc);
            });
        });
    }
}
