package dev.kiln.op.optimizer;

import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.OpDef;

import java.util.List;

import static dev.kiln.op.optimizer.UpdateOp.CLIP_GRADIENT;
import static dev.kiln.op.optimizer.UpdateOp.LAZY_UPDATE;
import static dev.kiln.op.optimizer.UpdateOp.LR;
import static dev.kiln.op.optimizer.UpdateOp.MOMENTUM;
import static dev.kiln.op.optimizer.UpdateOp.RESCALE_GRAD;
import static dev.kiln.op.optimizer.UpdateOp.WD;
import static dev.kiln.op.optimizer.UpdateOp.sign;

/**
 * The momentum-SGD family of MXNet's updates: {@code sgd_update}, {@code sgd_mom_update}, {@code nag_mom_update},
 * {@code signsgd_update} and {@code signum_update}. The gradient is rescaled, then clipped; weight decay is applied to
 * the weight (not clipped), as MXNet's kernels do.
 */
final class SgdUpdates {
    static final AttrSpec<Double> WD_LH = AttrSpec.of("wd_lh", AttrType.FLOAT, 0.0,
            "decoupled weight decay, applied to the weight directly");

    private SgdUpdates() {
    }

    static List<OpDef> ops() {
        return List.of(sgd(), sgdMom(), nagMom(), signSgd(), signum());
    }

    /** {@code weight = (1 - lr * wd) * weight - lr * clip(rescale_grad * grad)}. */
    private static OpDef sgd() {
        return new UpdateOp("sgd_update", List.of("weight", "grad"), List.of(), List.of(),
                List.of(LR, WD, RESCALE_GRAD, CLIP_GRADIENT, LAZY_UPDATE),
                "SGD step: weight = (1 - lr*wd)*weight - lr*clip(rescale_grad*grad)", (p, v) -> {
                    return (x, i) -> (1 - p.lr() * p.wd()) * x[0][i] - p.lr() * p.clipGradient(p.rescale() * x[1][i]);
                });
    }

    /** {@code mom = momentum * mom - lr * wd * weight - lr * clip(rescale_grad * grad); weight += mom}. */
    private static OpDef sgdMom() {
        return new UpdateOp("sgd_mom_update", List.of("weight", "grad", "mom"), List.of(2), List.of(),
                List.of(LR, MOMENTUM, WD, RESCALE_GRAD, CLIP_GRADIENT, LAZY_UPDATE),
                "momentum SGD step; updates mom in place", (p, v) -> {
                    double momentum = p.get(MOMENTUM);
                    return (x, i) -> {
                        double w = x[0][i];
                        x[2][i] = momentum * x[2][i] - p.lr() * p.wd() * w
                                - p.lr() * p.clipGradient(p.rescale() * x[1][i]);
                        return w + x[2][i];
                    };
                });
    }

    /**
     * Nesterov momentum as MXNet's kernel writes it: with {@code g = clip(rescale_grad * grad) + wd * weight},
     * {@code mom = momentum * mom}, {@code weight = weight - mom + (momentum + 1) * (mom - lr * g)}, then
     * {@code mom -= lr * g}.
     */
    private static OpDef nagMom() {
        return new UpdateOp("nag_mom_update", List.of("weight", "grad", "mom"), List.of(2), List.of(),
                List.of(LR, MOMENTUM, WD, RESCALE_GRAD, CLIP_GRADIENT),
                "Nesterov momentum SGD step; updates mom in place", (p, v) -> {
                    double momentum = p.get(MOMENTUM);
                    return (x, i) -> {
                        double w = x[0][i];
                        double g = p.clipGradient(p.rescale() * x[1][i]) + p.wd() * w;
                        double mom = momentum * x[2][i];
                        x[2][i] = mom - p.lr() * g;
                        return w - mom + (momentum + 1) * (mom - p.lr() * g);
                    };
                });
    }

    /** {@code weight = (1 - lr * wd) * weight - lr * sign(grad)}: MXNet's kernel ignores rescale and clip. */
    private static OpDef signSgd() {
        return new UpdateOp("signsgd_update", List.of("weight", "grad"), List.of(), List.of(),
                List.of(LR, WD, RESCALE_GRAD, CLIP_GRADIENT),
                "signSGD step: weight = (1 - lr*wd)*weight - lr*sign(grad)", (p, v) -> {
                    return (x, i) -> (1 - p.lr() * p.wd()) * x[0][i] - p.lr() * sign(x[1][i]);
                });
    }

    /**
     * {@code mom = momentum * mom - (1 - momentum) * (wd * weight + clip(rescale_grad * grad))},
     * {@code weight = (1 - lr * wd_lh) * weight + lr * sign(mom)}.
     */
    private static OpDef signum() {
        return new UpdateOp("signum_update", List.of("weight", "grad", "mom"), List.of(2), List.of(),
                List.of(LR, MOMENTUM, WD, RESCALE_GRAD, CLIP_GRADIENT, WD_LH),
                "Signum step: the sign of the momentum; updates mom in place", (p, v) -> {
                    double wdLh = p.get(WD_LH);
                    double momentum = p.get(MOMENTUM);
                    return (x, i) -> {
                        double w = x[0][i];
                        x[2][i] = momentum * x[2][i] - (1 - momentum) * p.wd() * w
                                - (1 - momentum) * p.clipGradient(p.rescale() * x[1][i]);
                        return (1 - p.lr() * wdLh) * w + p.lr() * sign(x[2][i]);
                    };
                });
    }
}
