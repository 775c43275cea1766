package dev.kiln.op.optimizer;

import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.OpDef;

import java.util.List;

import static dev.kiln.op.optimizer.UpdateOp.CLIP_GRADIENT;
import static dev.kiln.op.optimizer.UpdateOp.LAZY_UPDATE;
import static dev.kiln.op.optimizer.UpdateOp.LR;
import static dev.kiln.op.optimizer.UpdateOp.RESCALE_GRAD;
import static dev.kiln.op.optimizer.UpdateOp.WD;

/**
 * The adaptive-moment family of MXNet's updates: {@code adam_update}, {@code _adamw_update} (contrib) and LAMB's two
 * phases. Each keeps a mean and a variance updated in place.
 */
final class AdamUpdates {
    static final AttrSpec<Double> BETA1 = AttrSpec.of("beta1", AttrType.FLOAT, 0.9, "decay of the first moment");
    static final AttrSpec<Double> BETA2 = AttrSpec.of("beta2", AttrType.FLOAT, 0.999, "decay of the second moment");
    static final AttrSpec<Double> EPSILON = AttrSpec.of("epsilon", AttrType.FLOAT, 1e-8, "keeps division finite");
    static final AttrSpec<Double> ETA = AttrSpec.required("eta", AttrType.FLOAT, "learning-rate schedule multiplier");
    static final AttrSpec<Double> LAMB_EPSILON = AttrSpec.of("epsilon", AttrType.FLOAT, 1e-6, "keeps division finite");
    static final AttrSpec<Integer> T = AttrSpec.required("t", AttrType.INT, "the update count, for bias correction");
    static final AttrSpec<Boolean> BIAS_CORRECTION = AttrSpec.of("bias_correction", AttrType.BOOL, true,
            "divide the moments by 1 - beta^t");
    static final AttrSpec<Double> LAMB_WD = AttrSpec.required("wd", AttrType.FLOAT, "weight decay");
    static final AttrSpec<Double> LOWER_BOUND = AttrSpec.of("lower_bound", AttrType.FLOAT, -1.0,
            "lower bound of the weight norm r1; negative for none");
    static final AttrSpec<Double> UPPER_BOUND = AttrSpec.of("upper_bound", AttrType.FLOAT, -1.0,
            "upper bound of the weight norm r1; negative for none");

    private AdamUpdates() {
    }

    static List<OpDef> ops() {
        return List.of(adam(), adamW(), lambPhase1(), lambPhase2());
    }

    /**
     * With {@code g = clip(rescale_grad * grad + wd * weight)}: {@code mean = beta1 * mean + (1 - beta1) * g},
     * {@code var = beta2 * var + (1 - beta2) * g^2}, {@code weight -= lr * mean / (sqrt(var) + epsilon)}. No bias
     * correction here: MXNet's Adam folds it into {@code lr}.
     */
    private static OpDef adam() {
        return new UpdateOp("adam_update", List.of("weight", "grad", "mean", "var"), List.of(2, 3), List.of(),
                List.of(LR, BETA1, BETA2, EPSILON, WD, RESCALE_GRAD, CLIP_GRADIENT, LAZY_UPDATE),
                "Adam step (bias correction is the caller's, in lr); updates mean and var in place", (p, v) -> {
                    double b1 = p.get(BETA1);
                    double b2 = p.get(BETA2);
                    double eps = p.get(EPSILON);
                    return (x, i) -> {
                        double w = x[0][i];
                        double g = p.clipGradient(p.rescale() * x[1][i] + p.wd() * w);
                        x[2][i] = b1 * x[2][i] + (1 - b1) * g;
                        x[3][i] = b2 * x[3][i] + (1 - b2) * g * g;
                        return w - p.lr() * x[2][i] / (Math.sqrt(x[3][i]) + eps);
                    };
                });
    }

    /**
     * AdamW with decoupled decay; {@code rescale_grad} is a one-element array, and a non-finite or zero value skips
     * the step (the weight and states are left as they were). With {@code g = clip(rescale_grad * grad)}:
     * moments as Adam, {@code weight -= eta * (lr * mean / (sqrt(var) + epsilon) + wd * weight)}.
     */
    private static OpDef adamW() {
        return new UpdateOp("_adamw_update", List.of("weight", "grad", "mean", "var", "rescale_grad"),
                List.of(2, 3), List.of(4), List.of(LR, BETA1, BETA2, EPSILON, WD, ETA, CLIP_GRADIENT),
                "AdamW step with decoupled weight decay; updates mean and var in place", (p, v) -> {
                    double rescale = (float) v[4][0];
                    if (!Double.isFinite(rescale) || rescale == 0) {
                        return (x, i) -> x[0][i];
                    }
                    double eta = p.get(ETA);
                    double b1 = p.get(BETA1);
                    double b2 = p.get(BETA2);
                    double eps = p.get(EPSILON);
                    return (x, i) -> {
                        double w = x[0][i];
                        double g = p.clipGradient(rescale * x[1][i]);
                        x[2][i] = b1 * x[2][i] + (1 - b1) * g;
                        x[3][i] = b2 * x[3][i] + (1 - b2) * g * g;
                        return w - eta * (p.lr() * x[2][i] / (Math.sqrt(x[3][i]) + eps) + p.wd() * w);
                    };
                }, "_contrib_adamw_update");
    }

    /**
     * LAMB's first phase: moments of {@code g = clip(rescale_grad * grad)} as Adam, and the output
     * {@code mean_hat / (sqrt(var_hat) + epsilon) + wd * weight}, where the hats divide by {@code 1 - beta^t} when
     * {@code bias_correction} is on.
     */
    private static OpDef lambPhase1() {
        return new UpdateOp("lamb_update_phase1", List.of("weight", "grad", "mean", "var"), List.of(2, 3), List.of(),
                List.of(BETA1, BETA2, LAMB_EPSILON, T, BIAS_CORRECTION, LAMB_WD, RESCALE_GRAD, CLIP_GRADIENT),
                "LAMB phase 1: the update direction; updates mean and var in place", (p, v) -> {
                    double b1 = p.get(BETA1);
                    double b2 = p.get(BETA2);
                    double eps = p.get(LAMB_EPSILON);
                    int t = p.attrs().get(T);
                    boolean correct = p.attrs().get(BIAS_CORRECTION);
                    double c1 = correct ? 1 - (float) Math.pow(b1, t) : 1;
                    double c2 = correct ? 1 - (float) Math.pow(b2, t) : 1;
                    return (x, i) -> {
                        double g = p.clipGradient(p.rescale() * x[1][i]);
                        x[2][i] = b1 * x[2][i] + (1 - b1) * g;
                        x[3][i] = b2 * x[3][i] + (1 - b2) * g * g;
                        return x[2][i] / c1 / (Math.sqrt(x[3][i] / c2) + eps) + p.wd() * x[0][i];
                    };
                });
    }

    /**
     * LAMB's second phase: {@code r1} (the weight norm) is limited to {@code [lower_bound, upper_bound]} where those
     * are non-negative; {@code weight -= lr * r1 / r2 * g}, or {@code lr * g} when either norm is zero.
     */
    private static OpDef lambPhase2() {
        return new UpdateOp("lamb_update_phase2", List.of("weight", "g", "r1", "r2"), List.of(), List.of(2, 3),
                List.of(LR, LOWER_BOUND, UPPER_BOUND),
                "LAMB phase 2: the trust-ratio scaled step", (p, v) -> {
                    double r1 = v[2][0];
                    double r2 = v[3][0];
                    double lower = p.get(LOWER_BOUND);
                    double upper = p.get(UPPER_BOUND);
                    if (lower >= 0) {
                        r1 = Math.max(r1, lower);
                    }
                    if (upper >= 0) {
                        r1 = Math.min(r1, upper);
                    }
                    double lr = r1 == 0 || r2 == 0 ? p.get(LR) : p.get(LR) * r1 / r2;
                    return (x, i) -> x[0][i] - lr * x[1][i];
                });
    }
}
