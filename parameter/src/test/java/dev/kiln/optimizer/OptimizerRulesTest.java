package dev.kiln.optimizer;

import dev.kiln.optimizer.ReferenceRun.Common;
import org.junit.jupiter.api.Test;

import static dev.kiln.optimizer.ReferenceRun.check;

/**
 * Each optimizer against a plain-Java transcription of MXNet 1.x's update rule (optimizer.py and the fused kernels
 * in optimizer_op-inl.h), over several steps with weight decay, gradient rescaling and clipping, and per-parameter
 * learning-rate and weight-decay multipliers.
 */
class OptimizerRulesTest {
    private static final Common CLIPPED = new Common(0.1, 0.01, 0.5, 0.6);
    private static final Common UNCLIPPED = new Common(0.05, 0.02, 0.8, null);

    private static <B extends OptimizerBuilder<B, ?>> B common(B b, Common c) {
        b.learningRate(c.lr()).wd(c.wd()).rescaleGrad(c.rescale());
        return c.clip() == null ? b : b.clipGradient(c.clip());
    }

    private static double sign(double x) {
        return Math.signum(x);
    }

    @Test
    void sgdWithoutMomentumDecaysThenStepsAlongTheClippedGradient() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(SGD.builder(), c).build(), c, 0, (w, g, s, t, lr, wd) -> {
                for (int k = 0; k < w.length; k++) {
                    w[k] = (1 - lr * wd) * w[k] - lr * c.clip(c.rescale() * g[k]);
                }
            });
        }
    }

    @Test
    void sgdWithMomentumAccumulatesTheStep() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(SGD.builder().momentum(0.9), c).build(), c, 1, (w, g, s, t, lr, wd) -> {
                for (int k = 0; k < w.length; k++) {
                    s[0][k] = 0.9 * s[0][k] - lr * wd * w[k] - lr * c.clip(c.rescale() * g[k]);
                    w[k] += s[0][k];
                }
            });
        }
    }

    @Test
    void nagLooksAheadAlongTheMomentum() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(NAG.builder().momentum(0.8), c).build(), c, 1, (w, g, s, t, lr, wd) -> {
                for (int k = 0; k < w.length; k++) {
                    double d = c.clip(c.rescale() * g[k]) + wd * w[k];
                    s[0][k] = 0.8 * s[0][k] - lr * d;
                    w[k] += 0.8 * s[0][k] - lr * d;
                }
            });
        }
    }

    @Test
    void adamFoldsBiasCorrectionIntoTheLearningRate() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(Adam.builder().beta1(0.8).beta2(0.95), c).build(), c, 2, (w, g, s, t, lr, wd) -> {
                double lrT = lr * Math.sqrt(1 - Math.pow(0.95, t)) / (1 - Math.pow(0.8, t));
                for (int k = 0; k < w.length; k++) {
                    double d = c.clip(c.rescale() * g[k] + wd * w[k]);
                    s[0][k] = 0.8 * s[0][k] + 0.2 * d;
                    s[1][k] = 0.95 * s[1][k] + 0.05 * d * d;
                    w[k] -= lrT * s[0][k] / (Math.sqrt(s[1][k]) + 1e-8);
                }
            });
        }
    }

    @Test
    void adamWDecaysTheWeightOutsideTheMoments() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            for (boolean correct : new boolean[] {true, false}) {
                check(common(AdamW.builder().correctBias(correct), c).build(), c, 2, (w, g, s, t, lr, wd) -> {
                    double eta = correct ? lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t)) : lr;
                    for (int k = 0; k < w.length; k++) {
                        double d = c.clip(c.rescale() * g[k]);
                        s[0][k] = 0.9 * s[0][k] + 0.1 * d;
                        s[1][k] = 0.999 * s[1][k] + 0.001 * d * d;
                        w[k] -= eta * (s[0][k] / (Math.sqrt(s[1][k]) + 1e-6) + wd * w[k]);
                    }
                });
            }
        }
    }

    @Test
    void adamaxDividesByTheInfinityNorm() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(Adamax.builder(), c).build(), c, 2, (w, g, s, t, lr, wd) -> {
                for (int k = 0; k < w.length; k++) {
                    double d = c.clip(c.rescale() * g[k] + wd * w[k]);
                    s[0][k] = 0.9 * s[0][k] + 0.1 * d;
                    s[1][k] = Math.max(0.999 * s[1][k], Math.abs(d));
                    w[k] -= lr / (1 - Math.pow(0.9, t)) * s[0][k] / s[1][k];
                }
            });
        }
    }

    @Test
    void nadamSharesOneMomentumScheduleAcrossParameters() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            double[] schedule = {1};
            check(common(Nadam.builder(), c).build(), c, 2, (w, g, s, t, lr, wd) -> {
                double mt = 0.9 * (1 - 0.5 * Math.pow(0.96, t * 0.004));
                double mNext = 0.9 * (1 - 0.5 * Math.pow(0.96, (t + 1) * 0.004));
                schedule[0] *= mt;
                double scheduleNext = schedule[0] * mNext;
                for (int k = 0; k < w.length; k++) {
                    double d = c.clip(c.rescale() * g[k] + wd * w[k]);
                    s[0][k] = 0.9 * s[0][k] + 0.1 * d;
                    s[1][k] = 0.999 * s[1][k] + 0.001 * d * d;
                    double mBar = (1 - mt) * d / (1 - schedule[0]) + mNext * s[0][k] / (1 - scheduleNext);
                    double vHat = s[1][k] / (1 - Math.pow(0.999, t));
                    w[k] -= lr * mBar / (Math.sqrt(vHat) + 1e-8);
                }
            });
        }
    }

    @Test
    void rmspropScalesByTheRootMeanSquareAndClipsWeights() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(RMSProp.builder().gamma1(0.8).clipWeights(0.9), c).build(), c, 1,
                    (w, g, s, t, lr, wd) -> {
                        for (int k = 0; k < w.length; k++) {
                            double d = c.clip(c.rescale() * g[k] + wd * w[k]);
                            s[0][k] = 0.2 * d * d + 0.8 * s[0][k];
                            w[k] = Math.max(-0.9, Math.min(0.9, w[k] - lr * d / Math.sqrt(s[0][k] + 1e-8)));
                        }
                    });
        }
    }

    @Test
    void centeredRmspropSubtractsTheSquaredMeanGradient() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(RMSProp.builder().centered(true).gamma2(0.7), c).build(), c, 3, (w, g, s, t, lr, wd) -> {
                for (int k = 0; k < w.length; k++) {
                    double d = c.clip(c.rescale() * g[k] + wd * w[k]);
                    s[0][k] = 0.1 * d * d + 0.9 * s[0][k];
                    s[1][k] = 0.1 * d + 0.9 * s[1][k];
                    s[2][k] = 0.7 * s[2][k] - lr * d / Math.sqrt(s[0][k] - s[1][k] * s[1][k] + 1e-8);
                    w[k] += s[2][k];
                }
            });
        }
    }

    @Test
    void adagradAccumulatesSquaredGradientsAndDecaysOutsideTheRatio() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(AdaGrad.builder().eps(1e-6), c).build(), c, 1, (w, g, s, t, lr, wd) -> {
                for (int k = 0; k < w.length; k++) {
                    double d = c.clip(c.rescale() * g[k]);
                    s[0][k] += d * d;
                    w[k] -= lr * (d / Math.sqrt(s[0][k] + 1e-6) + wd * w[k]);
                }
            });
        }
    }

    @Test
    void adadeltaIgnoresTheLearningRate() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(AdaDelta.builder().rho(0.8).epsilon(1e-4), c).build(), c, 2, (w, g, s, t, lr, wd) -> {
                for (int k = 0; k < w.length; k++) {
                    double d = c.clip(c.rescale() * g[k]);
                    s[0][k] = 0.8 * s[0][k] + 0.2 * d * d;
                    double delta = Math.sqrt(s[1][k] + 1e-4) / Math.sqrt(s[0][k] + 1e-4) * d;
                    s[1][k] = 0.8 * s[1][k] + 0.2 * delta * delta;
                    w[k] -= delta + wd * w[k];
                }
            });
        }
    }

    @Test
    void signumStepsBySignOfMomentumWithDecoupledDecay() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(Signum.builder().momentum(0.7).wdLh(0.05), c).build(), c, 1, (w, g, s, t, lr, wd) -> {
                for (int k = 0; k < w.length; k++) {
                    s[0][k] = 0.7 * s[0][k] - 0.3 * (wd * w[k] + c.clip(c.rescale() * g[k]));
                    w[k] = (1 - lr * 0.05) * w[k] + lr * sign(s[0][k]);
                }
            });
        }
    }

    @Test
    void signSgdWithoutMomentumUsesTheRawGradientSign() {
        Common c = CLIPPED;
        check(common(Signum.builder().momentum(0), c).build(), c, 0, (w, g, s, t, lr, wd) -> {
            for (int k = 0; k < w.length; k++) {
                w[k] = (1 - lr * wd) * w[k] - lr * sign(g[k]);
            }
        });
    }

    @Test
    void lambScalesTheStepByTheTrustRatio() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            for (boolean correct : new boolean[] {true, false}) {
                LAMB lamb = common(LAMB.builder().biasCorrection(correct).lowerBound(0.1).upperBound(1.5), c).build();
                check(lamb, c, 2, (w, g, s, t, lr, wd) -> {
                    double[] d = new double[w.length];
                    double c1 = correct ? 1 - Math.pow(0.9, t) : 1;
                    double c2 = correct ? 1 - Math.pow(0.999, t) : 1;
                    for (int k = 0; k < w.length; k++) {
                        double gr = c.clip(c.rescale() * g[k]);
                        s[0][k] = 0.9 * s[0][k] + 0.1 * gr;
                        s[1][k] = 0.999 * s[1][k] + 0.001 * gr * gr;
                        d[k] = s[0][k] / c1 / (Math.sqrt(s[1][k] / c2) + 1e-6) + wd * w[k];
                    }
                    double r1 = Math.min(1.5, Math.max(0.1, norm(w)));
                    double ratio = r1 / norm(d);
                    for (int k = 0; k < w.length; k++) {
                        w[k] -= lr * ratio * d[k];
                    }
                });
            }
        }
    }

    @Test
    void ftrlSolvesTheProximalStepWithL1() {
        for (Common c : new Common[] {CLIPPED, UNCLIPPED}) {
            check(common(Ftrl.builder().lamda1(0.02).beta(0.5), c).build(), c, 2, (w, g, s, t, lr, wd) -> {
                for (int k = 0; k < w.length; k++) {
                    double d = c.clip(c.rescale() * g[k]);
                    s[0][k] += d - (Math.sqrt(s[1][k] + d * d) - Math.sqrt(s[1][k])) * w[k] / lr;
                    s[1][k] += d * d;
                    double z = s[0][k];
                    w[k] = Math.abs(z) > 0.02 ? (sign(z) * 0.02 - z) / ((0.5 + Math.sqrt(s[1][k])) / lr + wd) : 0;
                }
            });
        }
    }

    private static double norm(double[] a) {
        double sum = 0;
        for (double v : a) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }
}
