package dev.kiln.op.nn;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpContext;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * Kiln's {@code _contrib_DropBlock} (Ghiasi et al., 2018, as Metalhead.jl's {@code dropblock}): in training mode,
 * on {@code (N, C, H, W)} data, seeds drawn with probability
 * {@code gamma = gamma_scale * p * H * W / k^2 / ((W - k + 1) * (H - k + 1))} each zero the {@code k x k} block
 * centred on them ({@code k = min(block_size, H, W)}), and the kept elements are scaled by
 * {@code numel / kept} so the expected sum is unchanged. In predict mode the op is the identity. A hidden second
 * output holds the scaled mask, so the gradient is {@code out_grad * mask}, the forward's own draw.
 * <p>
 * Two deliberate differences from Metalhead, both where its formula breaks: the denominator uses the clipped size
 * {@code k}, so a block as large as the map gives a finite {@code gamma}; and when every element is dropped the
 * output is zero instead of NaN.
 */
final class DropBlockOp extends MaskedOp {
    static final AttrSpec<Double> P = AttrSpec.of("p", AttrType.FLOAT, 0.1, "probability of dropping a block");
    static final AttrSpec<Integer> BLOCK_SIZE = AttrSpec.of("block_size", AttrType.INT, 7,
            "side of the square block zeroed around each seed");
    static final AttrSpec<Double> GAMMA_SCALE = AttrSpec.of("gamma_scale", AttrType.FLOAT, 1.0,
            "multiplies the seed probability gamma");

    DropBlockOp() {
        super("_contrib_DropBlock", List.of(P, BLOCK_SIZE, GAMMA_SCALE));
    }

    @Override
    public String doc() {
        return "Zeroes square blocks of each feature map in training (DropBlock), rescaling the rest.";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape x = inputShapes.get(0);
        double p = attrs.get(P);
        if (!(p >= 0 && p <= 1)) {
            throw error("attribute 'p' must be in [0, 1], got " + p);
        }
        double gs = attrs.get(GAMMA_SCALE);
        if (!(gs >= 0 && gs <= 1)) {
            throw error("attribute 'gamma_scale' must be in [0, 1], got " + gs);
        }
        if (attrs.get(BLOCK_SIZE) < 1) {
            throw error("attribute 'block_size' must be positive, got " + attrs.get(BLOCK_SIZE));
        }
        if (x.rank() != 4) {
            throw error("data must be 4-D (N, C, H, W), got " + x);
        }
        return List.of(x, x);
    }

    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape data = slots.unify(new int[] {0}, new int[] {0, 1});
        if (ShapeSlots.isRankKnown(data) && data.rank() != 4) {
            throw error("data must be 4-D (N, C, H, W), got " + data);
        }
        slots.forward();
    }

    /** Draws its block seeds in training when {@code p} is above 0. */
    @Override
    public boolean isRandom(Attrs attrs, boolean training) {
        return training && attrs.get(P) > 0;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        NDArray maskOut = call.newOutput(1);
        double p = call.attr(P);
        if (!OpContext.isTraining() || p == 0) {
            x.copyTo(out);
            maskOut.fill(1);
            return List.of(out, maskOut);
        }
        Shape s = x.shape();
        int planes = s.get(0) * s.get(1);
        int h = s.get(2);
        int w = s.get(3);
        int k = Math.min(call.attr(BLOCK_SIZE), Math.min(h, w));
        double gamma = call.attr(GAMMA_SCALE) * p * h * w / ((double) k * k) / ((double) (w - k + 1) * (h - k + 1));
        boolean[] seed = new boolean[x.size()];
        NNRandom.uniform(seed.length, (i, u) -> seed[i] = u < gamma);
        double[] mask = new double[x.size()];
        long kept = blockMask(seed, mask, planes, h, w, k);
        double scale = kept == 0 ? 0 : (double) mask.length / kept;
        for (int i = 0; i < mask.length; i++) {
            mask[i] *= scale;
        }
        Rows.scatter(mask, 0, maskOut, 0, 1, mask.length);
        for (int i = 0; i < mask.length; i++) {
            out.setDouble(i, x.getDouble(i) * maskOut.getDouble(i));
        }
        return List.of(out, maskOut);
    }

    /**
     * 1 where no seed lies in the {@code k x k} window around the element, else 0 (the window starts {@code k/2}
     * rows and columns before the element, as a stride-1 max pool padded by {@code k/2}); returns how many are kept.
     */
    private static long blockMask(boolean[] seed, double[] mask, int planes, int h, int w, int k) {
        int before = k / 2;
        long kept = 0;
        for (int pl = 0; pl < planes; pl++) {
            int base = pl * h * w;
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    boolean hit = false;
                    for (int a = Math.max(0, i - before); a <= Math.min(h - 1, i - before + k - 1) && !hit; a++) {
                        for (int b = Math.max(0, j - before); b <= Math.min(w - 1, j - before + k - 1); b++) {
                            if (seed[base + a * w + b]) {
                                hit = true;
                                break;
                            }
                        }
                    }
                    mask[base + i * w + j] = hit ? 0 : 1;
                    kept += hit ? 0 : 1;
                }
            }
        }
        return kept;
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T og = g.outGrad(0);
        return g.grads(g.training() ? g.mul(og, g.output(1)) : og);
    }
}
