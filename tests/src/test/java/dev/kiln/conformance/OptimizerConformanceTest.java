package dev.kiln.conformance;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.optimizer.AdaDelta;
import dev.kiln.optimizer.AdaGrad;
import dev.kiln.optimizer.Adam;
import dev.kiln.optimizer.AdamW;
import dev.kiln.optimizer.Adamax;
import dev.kiln.optimizer.Ftrl;
import dev.kiln.optimizer.LAMB;
import dev.kiln.optimizer.NAG;
import dev.kiln.optimizer.Nadam;
import dev.kiln.optimizer.Optimizer;
import dev.kiln.optimizer.OptimizerBuilder;
import dev.kiln.optimizer.RMSProp;
import dev.kiln.optimizer.SGD;
import dev.kiln.optimizer.Signum;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.kiln.conformance.MXNetOptimizerRun.check;
import static dev.kiln.conformance.MXNetOptimizerRun.fused;
import static dev.kiln.conformance.MXNetOptimizerRun.mul;
import static dev.kiln.conformance.MXNetOptimizerRun.op;

/**
 * Kiln's optimizers against real MXNet 1.9 over several steps, with weight decay, rescaling, clipping and
 * per-parameter multipliers: MXNet's side calls the fused update op its Python optimizer calls, with the arguments
 * it computes (Adam's bias-corrected rate, LAMB's norms), or, for the optimizers MXNet writes in Python (Adamax,
 * Nadam, AdaGrad, AdaDelta), runs the same NDArray ops in the same order.
 */
class OptimizerConformanceTest {
    private static final double LR = 0.1;
    private static final double WD = 0.01;
    private static final double RESCALE = 0.5;
    private static final double CLIP = 0.6;

    private static <B extends OptimizerBuilder<B, ?>> Optimizer build(B b) {
        return b.learningRate(LR).wd(WD).rescaleGrad(RESCALE).clipGradient(CLIP).build();
    }

    private static Map<String, Object> attrs(double lr, double wd, Object... more) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", lr);
        m.put("wd", wd);
        m.put("rescale_grad", RESCALE);
        m.put("clip_gradient", CLIP);
        for (int i = 0; i < more.length; i += 2) {
            m.put((String) more[i], more[i + 1]);
        }
        return m;
    }

    /** Python's {@code clip(grad * rescale_grad [+ wd * weight], -c, c)} as NDArray ops. */
    private static NDArray rescaled(NDArray g, NDArray w, double wd) {
        NDArray r = mul(g, RESCALE);
        if (w != null) {
            r = op("elemwise_add", r, mul(w, wd));
        }
        return op("clip", Map.of("a_min", -CLIP, "a_max", CLIP), r);
    }

    private static NDArray add(NDArray a, NDArray b) {
        return op("elemwise_add", a, b);
    }

    @Test
    void sgdMatchesMXNet() {
        check(build(SGD.builder()), LR, WD, 0, (w, g, s, t, lr, wd) -> fused("sgd_update", attrs(lr, wd), w, g));
        check(build(SGD.builder().momentum(0.9)), LR, WD, 1,
                (w, g, s, t, lr, wd) -> fused("sgd_mom_update", attrs(lr, wd, "momentum", 0.9), w, g, s[0]));
    }

    @Test
    void nagMatchesMXNet() {
        check(build(NAG.builder().momentum(0.8)), LR, WD, 1,
                (w, g, s, t, lr, wd) -> fused("nag_mom_update", attrs(lr, wd, "momentum", 0.8), w, g, s[0]));
    }

    @Test
    void adamMatchesMXNet() {
        check(build(Adam.builder().beta1(0.8)), LR, WD, 2, (w, g, s, t, lr, wd) -> {
            double lrT = lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.8, t));
            return fused("adam_update", attrs(lrT, wd, "beta1", 0.8, "beta2", 0.999, "epsilon", 1e-8), w, g,
                    s[0], s[1]);
        });
    }

    @Test
    void adamWMatchesMXNet2sFusedStepOnMXNet19sOp() {
        check(build(AdamW.builder()), LR, WD, 2, (w, g, s, t, lr, wd) -> {
            double eta = lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            Map<String, Object> a = attrs(1.0, wd, "eta", eta, "beta1", 0.9, "beta2", 0.999, "epsilon", 1e-6);
            a.remove("rescale_grad");
            NDArray rescale = NDArray.of(Shape.of(1), (float) RESCALE);
            return fused("_adamw_update", a, w, g, s[0], s[1], rescale);
        });
    }

    @Test
    void rmspropMatchesMXNet() {
        check(build(RMSProp.builder().clipWeights(0.9)), LR, WD, 1, (w, g, s, t, lr, wd) -> fused("rmsprop_update",
                attrs(lr, wd, "gamma1", 0.9, "epsilon", 1e-8, "clip_weights", 0.9), w, g, s[0]));
        check(build(RMSProp.builder().centered(true)), LR, WD, 3, (w, g, s, t, lr, wd) -> fused(
                "rmspropalex_update", attrs(lr, wd, "gamma1", 0.9, "gamma2", 0.9, "epsilon", 1e-8), w, g,
                s[0], s[1], s[2]));
    }

    @Test
    void signumMatchesMXNet() {
        check(build(Signum.builder().wdLh(0.05)), LR, WD, 1, (w, g, s, t, lr, wd) -> fused("signum_update",
                attrs(lr, wd, "momentum", 0.9, "wd_lh", 0.05), w, g, s[0]));
        check(build(Signum.builder().momentum(0)), LR, WD, 0,
                (w, g, s, t, lr, wd) -> fused("signsgd_update", attrs(lr, wd), w, g));
    }

    @Test
    void lambMatchesMXNet() {
        check(build(LAMB.builder().lowerBound(0.1).upperBound(1.5)), LR, WD, 2, (w, g, s, t, lr, wd) -> {
            Map<String, Object> phase1 = attrs(lr, wd, "beta1", 0.9, "beta2", 0.999, "epsilon", 1e-6,
                    "bias_correction", true, "t", t);
            phase1.remove("lr");
            NDArray d = fused("lamb_update_phase1", phase1, w, g, s[0], s[1]);
            return op("lamb_update_phase2", Map.of("lr", lr, "lower_bound", 0.1, "upper_bound", 1.5), w, d,
                    op("norm", w), op("norm", d));
        });
    }

    @Test
    void ftrlMatchesMXNet() {
        check(build(Ftrl.builder().lamda1(0.02)), LR, WD, 2, (w, g, s, t, lr, wd) -> fused("ftrl_update",
                attrs(lr, wd, "lamda1", 0.02, "beta", 1.0), w, g, s[0], s[1]));
    }

    @Test
    void adamaxMatchesMXNetsPythonOps() {
        check(build(Adamax.builder()), LR, WD, 2, (w, g, s, t, lr, wd) -> {
            double lrT = lr / (1 - Math.pow(0.9, t));
            NDArray d = rescaled(g, w, wd);
            add(mul(s[0], 0.9), mul(d, 0.1)).copyTo(s[0]);
            op("_maximum", mul(s[1], 0.999), op("abs", d)).copyTo(s[1]);
            return op("elemwise_sub", w, op("elemwise_div", mul(s[0], lrT), s[1]));
        });
    }

    @Test
    void nadamMatchesMXNetsPythonOps() {
        double[] schedule = {1};
        check(build(Nadam.builder()), LR, WD, 2, (w, g, s, t, lr, wd) -> {
            NDArray d = rescaled(g, w, wd);
            double mt = 0.9 * (1 - 0.5 * Math.pow(0.96, t * 0.004));
            double mNext = 0.9 * (1 - 0.5 * Math.pow(0.96, (t + 1) * 0.004));
            schedule[0] *= mt;
            double scheduleNext = schedule[0] * mNext;
            add(mul(s[0], 0.9), mul(d, 0.1)).copyTo(s[0]);
            add(mul(s[1], 0.999), op("elemwise_mul", mul(d, 0.001), d)).copyTo(s[1]);
            NDArray gPrime = op("_div_scalar", Map.of("scalar", 1 - schedule[0]), d);
            NDArray mPrime = op("_div_scalar", Map.of("scalar", 1 - scheduleNext), s[0]);
            NDArray vPrime = op("_div_scalar", Map.of("scalar", 1 - Math.pow(0.999, t)), s[1]);
            NDArray mBar = add(mul(gPrime, 1 - mt), mul(mPrime, mNext));
            NDArray denom = op("_plus_scalar", Map.of("scalar", 1e-8), op("sqrt", vPrime));
            return op("elemwise_sub", w, op("elemwise_div", mul(mBar, lr), denom));
        });
    }

    @Test
    void adagradMatchesMXNetsPythonOps() {
        check(build(AdaGrad.builder()), LR, WD, 1, (w, g, s, t, lr, wd) -> {
            NDArray d = rescaled(g, null, 0);
            add(s[0], op("square", d)).copyTo(s[0]);
            NDArray div = op("elemwise_div", d, op("sqrt", op("_plus_scalar", Map.of("scalar", 1e-7), s[0])));
            return add(w, mul(add(div, mul(w, wd)), -lr));
        });
    }

    @Test
    void adadeltaMatchesMXNetsPythonOps() {
        check(build(AdaDelta.builder()), LR, WD, 2, (w, g, s, t, lr, wd) -> {
            NDArray d = rescaled(g, null, 0);
            add(mul(s[0], 0.9), op("elemwise_mul", mul(d, 0.1), d)).copyTo(s[0]);
            NDArray delta = op("elemwise_mul", op("elemwise_div",
                    op("sqrt", op("_plus_scalar", Map.of("scalar", 1e-5), s[1])),
                    op("sqrt", op("_plus_scalar", Map.of("scalar", 1e-5), s[0]))), d);
            add(mul(s[1], 0.9), op("elemwise_mul", mul(delta, 0.1), delta)).copyTo(s[1]);
            return op("elemwise_sub", w, add(delta, mul(w, wd)));
        });
    }
}
