package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.parameter.Parameter;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs a Kiln optimizer and a plain-Java transcription of MXNet's rule side by side over several steps on two
 * parameters, the second with {@code lrMult} 0.5 and {@code wdMult} 2, and checks the weights after every step.
 */
final class ReferenceRun {
    /** The common options the reference needs, as given to the optimizer. */
    record Common(double lr, double wd, double rescale, Double clip) {
        double clip(double g) {
            return clip == null ? g : Math.max(-clip, Math.min(clip, g));
        }
    }

    /** One step of MXNet's rule on a parameter: {@code lr} and {@code wd} include its multipliers. */
    interface Rule {
        void step(double[] w, double[] g, double[][] states, int t, double lr, double wd);
    }

    private static final int[] SIZES = {6, 4};
    private static final double[] LR_MULT = {1, 0.5};
    private static final double[] WD_MULT = {1, 2};

    private ReferenceRun() {
    }

    static void check(Optimizer optimizer, Common c, int numStates, Rule rule) {
        check(optimizer, c, numStates, rule, 5);
    }

    static void check(Optimizer optimizer, Common c, int numStates, Rule rule, int steps) {
        Random random = new Random(7);
        Parameter p0 = new Parameter("dense0_weight");
        Parameter p1 = new Parameter("dense0_bias");
        p1.setLrMult(LR_MULT[1]);
        p1.setWdMult(WD_MULT[1]);
        optimizer.setParameters(Map.of(0, p0, 1, p1));
        NDArray[] weights = new NDArray[2];
        OptimizerState[] states = new OptimizerState[2];
        double[][] refWeights = new double[2][];
        double[][][] refStates = new double[2][][];
        for (int i = 0; i < 2; i++) {
            weights[i] = NDArray.of(Shape.of(SIZES[i]), uniform(random, SIZES[i], 1));
            refWeights[i] = toDouble(weights[i].toFloatArray());
            states[i] = optimizer.createState(i, weights[i]);
            refStates[i] = new double[numStates][SIZES[i]];
        }
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < 2; i++) {
                float[] g = uniform(random, SIZES[i], 2);
                optimizer.update(i, weights[i], NDArray.of(Shape.of(SIZES[i]), g), states[i]);
                rule.step(refWeights[i], toDouble(g), refStates[i], t, c.lr() * LR_MULT[i], c.wd() * WD_MULT[i]);
                float[] actual = weights[i].toFloatArray();
                for (int k = 0; k < actual.length; k++) {
                    double expected = refWeights[i][k];
                    assertEquals(expected, actual[k], 2e-5 + 2e-5 * Math.abs(expected),
                            optimizer.name() + ": weight " + i + "[" + k + "] after step " + t);
                }
            }
        }
    }

    static float[] uniform(Random random, int n, double bound) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return out;
    }

    static double[] toDouble(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
