package dev.kiln.testing;

import dev.kiln.autograd.GradientChecker;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One gradient check of a registered op: attributes, float64 inputs, which inputs to check, tolerances and mode.
 * Family test packages list their cases in a {@code *GradientCases} class; {@code OpGradientTest} runs them all and
 * fails for any differentiable op without one.
 */
public final class GradientCase {
    private final String op;
    private final List<NDArray> inputs;
    private final Map<String, Object> attrs = new LinkedHashMap<>();
    private String title;
    private int[] wrt;
    private double rtol = 1e-4;
    private double atol = 1e-6;
    private double eps = 1e-5;
    private boolean training = true;
    private boolean float32;

    private GradientCase(String op, List<NDArray> inputs) {
        this.op = op;
        this.inputs = inputs;
        this.title = op;
    }

    /** A case for {@code op} (name or alias) on these inputs; floating inputs are checked in float64. */
    public static GradientCase of(String op, NDArray... inputs) {
        return new GradientCase(op, Arrays.asList(inputs));
    }

    public GradientCase attr(String name, Object value) {
        attrs.put(name, value);
        return this;
    }

    /** A distinguishing title (default: the op name plus attributes). */
    public GradientCase titled(String t) {
        this.title = t;
        return this;
    }

    /** Checks only these inputs (default: every floating, non-auxiliary input). */
    public GradientCase wrt(int... indices) {
        this.wrt = indices;
        return this;
    }

    /** Looser tolerances, only where the math itself amplifies rounding (say why at the call). */
    public GradientCase tol(double relative, double absolute) {
        this.rtol = relative;
        this.atol = absolute;
        return this;
    }

    public GradientCase eps(double step) {
        this.eps = step;
        return this;
    }

    /**
     * Checks in float32, for kernels that only take float32 (as MXNet's LRN and InstanceNorm): a step of 1e-2 and
     * tolerances of 2e-2 unless set otherwise, since float32 differences carry about 1e-5 of rounding.
     */
    public GradientCase float32() {
        this.float32 = true;
        this.eps = 1e-2;
        this.rtol = 2e-2;
        this.atol = 2e-3;
        return this;
    }

    /** Runs the op in predict mode (default is training mode, as under {@code Autograd.record()}). */
    public GradientCase predict() {
        this.training = false;
        return this;
    }

    public String op() {
        return op;
    }

    public List<NDArray> inputs() {
        return inputs;
    }

    public Map<String, Object> attrs() {
        return attrs;
    }

    public boolean training() {
        return training;
    }

    /** The inputs this case checks, or {@code null} for the default (every floating, non-auxiliary input). */
    public int[] wrtIndices() {
        return wrt == null ? null : wrt.clone();
    }

    /** True if the case computes in float32 rather than float64. */
    public boolean isFloat32() {
        return float32;
    }

    /** The inputs as the checker runs them: floating ones in float64, or float32 for {@link #isFloat32()} cases. */
    public List<NDArray> checkedInputs() {
        List<NDArray> out = new ArrayList<>();
        for (NDArray a : inputs) {
            out.add(a.dtype().isFloating() ? a.astype(float32 ? DType.FLOAT32 : DType.FLOAT64) : a);
        }
        return out;
    }

    /** The checker configured for this case. */
    public GradientChecker checker() {
        GradientChecker c = GradientChecker.forOp(op, attrs).eps(eps).tolerance(rtol, atol).training(training);
        if (float32) {
            c = c.float32();
        }
        return wrt == null ? c : c.wrt(wrt);
    }

    @Override
    public String toString() {
        return title + (attrs.isEmpty() ? "" : " " + attrs) + " on " + shapes();
    }

    private List<Shape> shapes() {
        List<Shape> s = new ArrayList<>();
        for (NDArray a : inputs) {
            s.add(a.shape());
        }
        return s;
    }

    /** Seeded float64 inputs for cases. */
    public static final class Inputs {
        private final Random random;

        public Inputs(long seed) {
            this.random = new Random(seed);
        }

        /** Uniform in {@code [low, high)}. */
        public NDArray uniform(double low, double high, int... dims) {
            NDArray a = NDArray.zeros(Shape.of(dims), DType.FLOAT64, dev.kiln.ndarray.Device.cpu());
            for (int i = 0; i < a.size(); i++) {
                a.setDouble(i, low + (high - low) * random.nextDouble());
            }
            return a;
        }

        /** Uniform in {@code [-1, 1)}. */
        public NDArray uniform(int... dims) {
            return uniform(-1, 1, dims);
        }

        /**
         * Uniform in {@code ±[low, high)} with a random sign: keeps values away from a kink or pole at zero (relu,
         * abs, 1/x) by more than the finite-difference step.
         */
        public NDArray awayFromZero(double low, double high, int... dims) {
            NDArray a = uniform(low, high, dims);
            for (int i = 0; i < a.size(); i++) {
                a.setDouble(i, random.nextBoolean() ? a.getDouble(i) : -a.getDouble(i));
            }
            return a;
        }

        /** Integers in {@code [low, high)} as the given dtype (indices, labels, lengths). */
        public NDArray ints(int low, int high, DType dtype, int... dims) {
            NDArray a = NDArray.zeros(Shape.of(dims), dtype, dev.kiln.ndarray.Device.cpu());
            for (int i = 0; i < a.size(); i++) {
                a.setDouble(i, low + random.nextInt(high - low));
            }
            return a;
        }

        /** Distinct values (a random permutation of a spread grid): for sort, max, topk, whose ties have no slope. */
        public NDArray distinct(int... dims) {
            NDArray a = NDArray.zeros(Shape.of(dims), DType.FLOAT64, dev.kiln.ndarray.Device.cpu());
            int n = a.size();
            List<Integer> perm = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                perm.add(i);
            }
            java.util.Collections.shuffle(perm, random);
            for (int i = 0; i < n; i++) {
                a.setDouble(i, (perm.get(i) - n / 2.0) * 0.1 + 0.01 * random.nextDouble());
            }
            return a;
        }
    }
}
