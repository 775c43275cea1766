package dev.kiln.tornado.kernel;

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
 * The register-tiled ({@link Tile}) convolution kernels {@link ConvKernels} selects where the channels come in whole
 * tiles per group: the forward pass as an implicit GEMM of filters by output positions, and the data gradient
 * (also Deconvolution's forward pass) of data channels by data positions, and the weight gradient of filters by
 * weight positions. Positions past the end are clamped for reading and not stored.
 */
final class TiledConvKernels {
    private TiledConvKernels() {
    }

    /**
     * Convolution as an implicit GEMM with register tiles: one work item per block of {@value MatmulKernels#TILE}
     * filters (of one group) by {@value MatmulKernels#TILE} output positions of one image; per (channel, ky, kx) it
     * loads the block's weights and the data under each position once (0 in the padding) and combines them into
     * the block's accumulators. Positions past the end are clamped for reading and not stored.
     */
    static KernelLaunch convolution(NodeCall c, Window2d g, int groups, boolean bias, int... buffers) {
        int tile = Tile.SIZE;
        int cg = g.c() / groups;
        int fg = g.oc() / groups;
        int positions = g.oh() * g.ow();
        int posBlocks = (positions + tile - 1) / tile;
        int filterBlocks = g.oc() / tile;
        int[] dataDims = {g.n(), g.c(), g.h(), g.w()};
        int[] weightDims = {g.oc(), cg, g.kh(), g.kw()};
        KernelClass k = c.kernel("convolution_tiled", w -> {
            KernelWriter.Array x = w.floatArray("data");
            KernelWriter.Array wt = w.floatArray("weight");
            KernelWriter.Array b = bias ? w.floatArray("bias") : null;
            KernelWriter.Array out = w.floatArray("out");
            w.parallelFor("nfb", c(g.n() * filterBlocks), nfb -> w.parallelFor("pb", c(posBlocks), pb -> {
                KernelWriter.IntVar n = w.intLocal("n", div(nfb, c(filterBlocks)));
                KernelWriter.IntVar f0 = w.intLocal("f0", mul(rem(nfb, c(filterBlocks)), c(tile)));
                KernelWriter.IntVar c0 = w.intLocal("c0", mul(div(f0, c(fg)), c(cg)));
                KernelWriter.IntVar p0 = w.intLocal("p0", mul(pb, c(tile)));
                KernelWriter.IntVar[] iy0 = new KernelWriter.IntVar[tile];
                KernelWriter.IntVar[] ix0 = new KernelWriter.IntVar[tile];
                for (int j = 0; j < tile; j++) {
                    KernelWriter.IntVar pos = w.intLocal("pos" + j, Exprs.min(add(p0, c(j)), c(positions - 1)));
                    iy0[j] = w.intLocal("iy" + j, sub(mul(div(pos, c(g.ow())), c(g.sh())), c(g.ph())));
                    ix0[j] = w.intLocal("ix" + j, sub(mul(rem(pos, c(g.ow())), c(g.sw())), c(g.pw())));
                }
                Tile t = new Tile(w, (i, j) -> b == null ? Exprs.f(0f) : w.load(b, add(f0, c(i))));
                w.forRange("ci", c(0), c(cg), ci -> w.forRange("ky", c(0), c(g.kh()), ky ->
                        w.forRange("kx", c(0), c(g.kw()), kx -> t.step(
                                i -> w.load(wt, flat(weightDims, add(f0, c(i)), ci, ky, kx)), j -> {
                                    KernelWriter.IntVar iy = w.intLocal("y" + j, add(iy0[j], mul(ky, c(g.dh()))));
                                    KernelWriter.IntVar ix = w.intLocal("x" + j, add(ix0[j], mul(kx, c(g.dw()))));
                                    return Exprs.select(and(within(iy, c(0), c(g.h())), within(ix, c(0), c(g.w()))),
                                            w.load(x, flat(dataDims, n, add(c0, ci), iy, ix)), Exprs.f(0f));
                                }))));
                t.store(out, (i, j) -> add(mul(add(mul(n, c(g.oc())), add(f0, c(i))), c(positions)), add(p0, c(j))),
                        positions % tile == 0 ? null : (i, j) -> lt(add(p0, c(j)), c(positions)));
            }));
        });
        return c.launch(k, buffers);
    }

    /**
     * The data gradient with one work item per block of {@value Tile#SIZE} data channels (of one group) by
     * {@value Tile#SIZE} data positions of one image: per (filter of the group, ky, kx) the block's weights and the
     * output gradient at each position's covering window (0 where none covers it) are loaded once.
     */
    static KernelLaunch dataGrad(NodeCall c, Window2d g, int groups, boolean bias, int... buffers) {
        int tile = Tile.SIZE;
        int cg = g.c() / groups;
        int fg = g.oc() / groups;
        int positions = g.h() * g.w();
        int posBlocks = (positions + tile - 1) / tile;
        int channelBlocks = g.c() / tile;
        int[] gradDims = {g.n(), g.oc(), g.oh(), g.ow()};
        int[] weightDims = {g.oc(), cg, g.kh(), g.kw()};
        KernelClass k = c.kernel("convolution_data_grad_tiled", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array wt = w.floatArray("weight");
            KernelWriter.Array b = bias ? w.floatArray("bias") : null;
            KernelWriter.Array out = w.floatArray("data_grad");
            w.parallelFor("ncb", c(g.n() * channelBlocks), ncb -> w.parallelFor("pb", c(posBlocks), pb -> {
                KernelWriter.IntVar n = w.intLocal("n", div(ncb, c(channelBlocks)));
                KernelWriter.IntVar ch0 = w.intLocal("ch0", mul(rem(ncb, c(channelBlocks)), c(tile)));
                KernelWriter.IntVar grp = w.intLocal("grp", div(ch0, c(cg)));
                KernelWriter.IntVar local0 = w.intLocal("local0", sub(ch0, mul(grp, c(cg))));
                KernelWriter.IntVar p0 = w.intLocal("p0", mul(pb, c(tile)));
                KernelWriter.IntVar[] ty0 = new KernelWriter.IntVar[tile];
                KernelWriter.IntVar[] tx0 = new KernelWriter.IntVar[tile];
                for (int j = 0; j < tile; j++) {
                    KernelWriter.IntVar pos = w.intLocal("pos" + j, Exprs.min(add(p0, c(j)), c(positions - 1)));
                    ty0[j] = w.intLocal("ty" + j, add(div(pos, c(g.w())), c(g.ph())));
                    tx0[j] = w.intLocal("tx" + j, add(rem(pos, c(g.w())), c(g.pw())));
                }
                Tile t = new Tile(w, (i, j) -> b == null ? Exprs.f(0f) : w.load(b, add(ch0, c(i))));
                w.forRange("fi", c(0), c(fg), fi -> w.forRange("ky", c(0), c(g.kh()), ky ->
                        w.forRange("kx", c(0), c(g.kw()), kx -> {
                            KernelWriter.IntVar f = w.intLocal("f", add(mul(grp, c(fg)), fi));
                            t.step(i -> w.load(wt, flat(weightDims, f, add(local0, c(i)), ky, kx)), j -> {
                                KernelWriter.IntVar ty = w.intLocal("y" + j, sub(ty0[j], mul(ky, c(g.dh()))));
                                KernelWriter.IntVar tx = w.intLocal("x" + j, sub(tx0[j], mul(kx, c(g.dw()))));
                                return Exprs.select(and(covered(ty, g.sh(), g.oh()), covered(tx, g.sw(), g.ow())),
                                        w.load(og, flat(gradDims, n, f, div(ty, c(g.sh())), div(tx, c(g.sw())))),
                                        Exprs.f(0f));
                            });
                        })));
                t.store(out, (i, j) -> add(mul(add(mul(n, c(g.c())), add(ch0, c(i))), c(positions)), add(p0, c(j))),
                        positions % tile == 0 ? null : (i, j) -> lt(add(p0, c(j)), c(positions)));
            }));
        });
        return c.launch(k, buffers);
    }

    /**
     * The weight gradient with one work item per block of {@value Tile#SIZE} filters (of one group) by
     * {@value Tile#SIZE} weight positions (channel, ky, kx) of the group: per (image, output position) the block's
     * output gradients and the data under each weight position (0 in the padding) are loaded once.
     */
    static KernelLaunch weightGrad(NodeCall c, Window2d g, int groups, int... buffers) {
        int tile = Tile.SIZE;
        int cg = g.c() / groups;
        int fg = g.oc() / groups;
        int window = g.kh() * g.kw();
        int inner = cg * window;
        int innerBlocks = (inner + tile - 1) / tile;
        int[] dataDims = {g.n(), g.c(), g.h(), g.w()};
        int[] gradDims = {g.n(), g.oc(), g.oh(), g.ow()};
        KernelClass k = c.kernel("convolution_weight_grad_tiled", w -> {
            KernelWriter.Array og = w.floatArray("ograd");
            KernelWriter.Array xs = w.floatArray("data");
            KernelWriter.Array out = w.floatArray("weight_grad");
            w.parallelFor("fb", c(g.oc() / tile), fb -> w.parallelFor("qb", c(innerBlocks), qb -> {
                KernelWriter.IntVar f0 = w.intLocal("f0", mul(fb, c(tile)));
                KernelWriter.IntVar c0 = w.intLocal("c0", mul(div(f0, c(fg)), c(cg)));
                KernelWriter.IntVar q0 = w.intLocal("q0", mul(qb, c(tile)));
                KernelWriter.IntVar[] ch = new KernelWriter.IntVar[tile];
                KernelWriter.IntVar[] dy = new KernelWriter.IntVar[tile];
                KernelWriter.IntVar[] dx = new KernelWriter.IntVar[tile];
                for (int j = 0; j < tile; j++) {
                    KernelWriter.IntVar q = w.intLocal("q" + j, Exprs.min(add(q0, c(j)), c(inner - 1)));
                    ch[j] = w.intLocal("ch" + j, add(c0, div(q, c(window))));
                    dy[j] = w.intLocal("dy" + j, sub(mul(rem(div(q, c(g.kw())), c(g.kh())), c(g.dh())), c(g.ph())));
                    dx[j] = w.intLocal("dx" + j, sub(mul(rem(q, c(g.kw())), c(g.dw())), c(g.pw())));
                }
                Tile t = new Tile(w, (i, j) -> Exprs.f(0f));
                w.forRange("n", c(0), c(g.n()), n -> w.forRange("oy", c(0), c(g.oh()), oy ->
                        w.forRange("ox", c(0), c(g.ow()), ox -> t.step(
                                i -> w.load(og, flat(gradDims, n, add(f0, c(i)), oy, ox)), j -> {
                                    KernelWriter.IntVar iy = w.intLocal("y" + j, add(mul(oy, c(g.sh())), dy[j]));
                                    KernelWriter.IntVar ix = w.intLocal("x" + j, add(mul(ox, c(g.sw())), dx[j]));
                                    return Exprs.select(and(within(iy, c(0), c(g.h())), within(ix, c(0), c(g.w()))),
                                            w.load(xs, flat(dataDims, n, ch[j], iy, ix)), Exprs.f(0f));
                                }))));
                t.store(out, (i, j) -> add(mul(add(f0, c(i)), c(inner)), add(q0, c(j))),
                        inner % tile == 0 ? null : (i, j) -> lt(add(q0, c(j)), c(inner)));
            }));
        });
        return c.launch(k, buffers);
    }

    /** {@code t >= 0}, a multiple of {@code stride}, and {@code t / stride < size}: an output position. */
    private static Exprs.Cond covered(Exprs.Int t, int stride, int size) {
        return and(ge(t, c(0)), eq(rem(t, c(stride)), c(0)), lt(div(t, c(stride)), c(size)));
    }
}
