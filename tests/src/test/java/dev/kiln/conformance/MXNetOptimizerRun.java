package dev.kiln.conformance;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.optimizer.Optimizer;
import dev.kiln.optimizer.OptimizerState;
import dev.kiln.parameter.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs a Kiln optimizer beside real MXNet 1.9 doing what MXNet's Python optimizer does for the same step (the fused
 * update op, or the sequence of NDArray ops the Python code runs), over several steps on two parameters (the second
 * with {@code lrMult} 0.5 and {@code wdMult} 2), and compares the weights after every step.
 */
final class MXNetOptimizerRun {
    /** MXNet's side of one update: returns the new weight, updating {@code states} in place. */
    interface Step {
        NDArray apply(NDArray w, NDArray g, NDArray[] states, int t, double lr, double wd);
    }

    private static final int[] SIZES = {7, 3};
    private static final double[] LR_MULT = {1, 0.5};
    private static final double[] WD_MULT = {1, 2};

    private MXNetOptimizerRun() {
    }

    static void check(Optimizer kiln, double lr, double wd, int numStates, Step mxnet) {
        Random random = new Random(5);
        Parameter p0 = new Parameter("fc_weight");
        Parameter p1 = new Parameter("fc_bias");
        p1.setLrMult(LR_MULT[1]);
        p1.setWdMult(WD_MULT[1]);
        kiln.setParameters(Map.of(0, p0, 1, p1));
        NDArray[] weights = new NDArray[2];
        NDArray[] mxWeights = new NDArray[2];
        OptimizerState[] states = new OptimizerState[2];
        NDArray[][] mxStates = new NDArray[2][numStates];
        for (int i = 0; i < 2; i++) {
            weights[i] = uniform(random, SIZES[i], 1);
            mxWeights[i] = weights[i].copy();
            states[i] = kiln.createState(i, weights[i]);
            for (int s = 0; s < numStates; s++) {
                mxStates[i][s] = NDArray.zeros(SIZES[i]);
            }
        }
        for (int t = 1; t <= 5; t++) {
            for (int i = 0; i < 2; i++) {
                NDArray g = uniform(random, SIZES[i], 2);
                kiln.update(i, weights[i], g, states[i]);
                mxWeights[i] = mxnet.apply(mxWeights[i], g, mxStates[i], t, lr * LR_MULT[i], wd * WD_MULT[i]);
                float[] expected = mxWeights[i].toFloatArray();
                float[] actual = weights[i].toFloatArray();
                for (int k = 0; k < actual.length; k++) {
                    assertEquals(expected[k], actual[k], 3e-5 + 3e-5 * Math.abs(expected[k]),
                            kiln.name() + ": weight " + i + "[" + k + "] after step " + t + " (MXNet "
                                    + mxWeights[i] + ", Kiln " + weights[i] + ")");
                }
            }
        }
    }

    /**
     * Runs MXNet's fused update {@code op} on the weight, gradient and states (which MXNet updates in place; they are
     * copied back) and returns MXNet's new weight.
     */
    static NDArray fused(String op, Map<String, ?> attrs, NDArray w, NDArray g, NDArray... states) {
        MXNet mx = MXNet.get();
        List<MXArray> in = new ArrayList<>();
        try {
            in.add(mx.array(w));
            in.add(mx.array(g));
            for (NDArray s : states) {
                in.add(mx.array(s));
            }
            List<MXArray> out = mx.invoke(op, strings(attrs), in);
            try {
                for (int s = 0; s < states.length; s++) {
                    in.get(s + 2).toNDArray().copyTo(states[s]);
                }
                return out.get(0).toNDArray();
            } finally {
                out.forEach(MXArray::close);
            }
        } finally {
            in.forEach(MXArray::close);
        }
    }

    /** One MXNet op on Kiln arrays, as a Python expression on NDArrays runs it. */
    static NDArray op(String name, Map<String, ?> attrs, NDArray... inputs) {
        return MXNet.get().invokeOnKilnArrays(name, strings(attrs), List.of(inputs)).get(0);
    }

    static NDArray op(String name, NDArray... inputs) {
        return op(name, Map.of(), inputs);
    }

    /** {@code a * s}. */
    static NDArray mul(NDArray a, double s) {
        return op("_mul_scalar", Map.of("scalar", s), a);
    }

    private static Map<String, String> strings(Map<String, ?> attrs) {
        Map<String, String> out = new LinkedHashMap<>();
        attrs.forEach((k, v) -> out.put(k, v instanceof Boolean b ? (b ? "True" : "False") : String.valueOf(v)));
        return out;
    }

    private static NDArray uniform(Random random, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return NDArray.of(Shape.of(n), v);
    }
}
