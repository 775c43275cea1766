package dev.kiln.op.optimizer;

import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.OpDef;

import java.util.List;

import static dev.kiln.op.optimizer.UpdateOp.CLIP_GRADIENT;
import static dev.kiln.op.optimizer.UpdateOp.LR;
import static dev.kiln.op.optimizer.UpdateOp.RESCALE_GRAD;
import static dev.kiln.op.optimizer.UpdateOp.WD;
import static dev.kiln.op.optimizer.UpdateOp.clip;
import static dev.kiln.op.optimizer.UpdateOp.sign;

/**
 * The per-coordinate step-size family of MXNet's updates: {@code rmsprop_update} (Tieleman and Hinton),
 * {@code rmspropalex_update} (Graves' centred form) and {@code ftrl_update}.
 */
final class RmsPropUpdates {
    static final AttrSpec<Double> GAMMA1 = AttrSpec.of("gamma1", AttrType.FLOAT, 0.95,
            "decay of the squared-gradient average");
    static final AttrSpec<Double> GAMMA2 = AttrSpec.of("gamma2", AttrType.FLOAT, 0.9, "momentum of the step");
    static final AttrSpec<Double> EPSILON = AttrSpec.of("epsilon", AttrType.FLOAT, 1e-8, "keeps division finite");
    static final AttrSpec<Double> CLIP_WEIGHTS = AttrSpec.of("clip_weights", AttrType.FLOAT, -1.0,
            "clip the new weight to [-clip_weights, clip_weights]; negative turns clipping off");
    static final AttrSpec<Double> LAMDA1 = AttrSpec.of("lamda1", AttrType.FLOAT, 0.01, "L1 regularisation");
    static final AttrSpec<Double> BETA = AttrSpec.of("beta", AttrType.FLOAT, 1.0,
            "per-coordinate learning-rate offset");

    private RmsPropUpdates() {
    }

    static List<OpDef> ops() {
        return List.of(rmsprop(), rmspropAlex(), ftrl());
    }

    /**
     * With {@code g = clip(rescale_grad * grad + wd * weight)}: {@code n = (1 - gamma1) * g^2 + gamma1 * n},
     * {@code weight -= lr * g / sqrt(n + epsilon)}, then the weight clip.
     */
    private static OpDef rmsprop() {
        return new UpdateOp("rmsprop_update", List.of("weight", "grad", "n"), List.of(2), List.of(),
                List.of(LR, GAMMA1, EPSILON, WD, RESCALE_GRAD, CLIP_GRADIENT, CLIP_WEIGHTS),
                "RMSProp step; updates n in place", (p, v) -> {
                    double g1 = p.get(GAMMA1);
                    double eps = p.get(EPSILON);
                    double clipWeights = p.get(CLIP_WEIGHTS);
                    return (x, i) -> {
                        double w = x[0][i];
                        double g = p.clipGradient(p.rescale() * x[1][i] + p.wd() * w);
                        x[2][i] = (1 - g1) * g * g + g1 * x[2][i];
                        double next = w - p.lr() * (g / Math.sqrt(x[2][i] + eps));
                        return clipWeights >= 0 ? clip(next, clipWeights) : next;
                    };
                });
    }

    /**
     * Centred RMSProp: with {@code g} as {@code rmsprop_update}, {@code n} and {@code g_avg} average {@code g^2} and
     * {@code g}; {@code delta = gamma2 * delta - lr * g / sqrt(n - g_avg^2 + epsilon)}; {@code weight += delta},
     * then the weight clip.
     */
    private static OpDef rmspropAlex() {
        return new UpdateOp("rmspropalex_update", List.of("weight", "grad", "n", "g", "delta"), List.of(2, 3, 4),
                List.of(), List.of(LR, GAMMA1, GAMMA2, EPSILON, WD, RESCALE_GRAD, CLIP_GRADIENT, CLIP_WEIGHTS),
                "centred RMSProp step; updates n, g and delta in place", (p, v) -> {
                    double g1 = p.get(GAMMA1);
                    double g2 = p.get(GAMMA2);
                    double eps = p.get(EPSILON);
                    double clipWeights = p.get(CLIP_WEIGHTS);
                    return (x, i) -> {
                        double w = x[0][i];
                        double g = p.clipGradient(p.rescale() * x[1][i] + p.wd() * w);
                        x[2][i] = (1 - g1) * g * g + g1 * x[2][i];
                        x[3][i] = (1 - g1) * g + g1 * x[3][i];
                        x[4][i] = g2 * x[4][i] - p.lr() * g / Math.sqrt(x[2][i] - x[3][i] * x[3][i] + eps);
                        double next = w + x[4][i];
                        return clipWeights >= 0 ? clip(next, clipWeights) : next;
                    };
                });
    }

    /**
     * FTRL-proximal: with {@code g = clip(rescale_grad * grad)},
     * {@code z += g - (sqrt(n + g^2) - sqrt(n)) * weight / lr}, {@code n += g^2},
     * {@code weight = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd)} where {@code |z| > lamda1}, else 0.
     */
    private static OpDef ftrl() {
        return new UpdateOp("ftrl_update", List.of("weight", "grad", "z", "n"), List.of(2, 3), List.of(),
                List.of(LR, LAMDA1, BETA, WD, RESCALE_GRAD, CLIP_GRADIENT),
                "FTRL-proximal step; updates z and n in place", (p, v) -> {
                    double lamda1 = p.get(LAMDA1);
                    double beta = p.get(BETA);
                    return (x, i) -> {
                        double g = p.clipGradient(p.rescale() * x[1][i]);
                        double n = x[3][i];
                        x[2][i] += g - (Math.sqrt(n + g * g) - Math.sqrt(n)) * x[0][i] / p.lr();
                        x[3][i] = n + g * g;
                        double z = x[2][i];
                        return Math.abs(z) > lamda1
                                ? (sign(z) * lamda1 - z) / ((beta + Math.sqrt(x[3][i])) / p.lr() + p.wd()) : 0;
                    };
                });
    }
}
