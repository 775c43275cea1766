package dev.kiln.autograd;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Checks gradients against central differences in float64, as MXNet's {@code check_numeric_gradient}: the function's
 * outputs are projected onto fixed random head gradients, every coordinate of each checked input is moved by
 * {@code ±eps}, and the resulting slope is compared with what autograd computes. A coordinate passes when
 * {@code |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|)}; the report names the worst one.
 * <p>
 * Floating inputs are converted to float64 first ({@link #float32} for float32-only kernels). The global random generator is re-seeded before every evaluation,
 * so functions that draw random numbers (Dropout in training mode) see the same draws each time. Works on an op
 * ({@link #forOp}), or any function of NDArrays ({@link #forFunction}); a block is checked as the function of its
 * input and parameters.
 */
public final class GradientChecker {
    private final String name;
    private final Function<List<NDArray>, List<NDArray>> function;
    private final List<Integer> defaultExcluded;
    private double eps = 1e-5;
    private double rtol = 1e-4;
    private double atol = 1e-6;
    private int[] wrt;
    private long seed = 42;
    private boolean training = true;
    private DType precision = DType.FLOAT64;

    private GradientChecker(String name, Function<List<NDArray>, List<NDArray>> function, List<Integer> excluded) {
        this.name = name;
        this.function = function;
        this.defaultExcluded = excluded;
    }

    /** Checks the op {@code opName} with attributes {@code attrs} (auxiliary inputs are not checked). */
    public static GradientChecker forOp(String opName, Map<String, ?> attrs) {
        OpDef op = OpRegistry.global().get(opName);
        var parsed = op.attrs(attrs);
        return new GradientChecker("op '" + op.name() + "' " + attrs, in -> Ops.invoke(op, parsed, in),
                op.auxInputIndices(parsed));
    }

    /** Checks any function of NDArrays built from recordable ops (a block: its input and parameters). */
    public static GradientChecker forFunction(String name, Function<List<NDArray>, List<NDArray>> function) {
        return new GradientChecker(name, function, List.of());
    }

    /** The step of the central difference (default 1e-5). */
    public GradientChecker eps(double step) {
        this.eps = step;
        return this;
    }

    /** Relative and absolute tolerance (defaults 1e-4 and 1e-6). */
    public GradientChecker tolerance(double relative, double absolute) {
        this.rtol = relative;
        this.atol = absolute;
        return this;
    }

    /** Which inputs to check (default: every floating, non-auxiliary input). */
    public GradientChecker wrt(int... inputIndices) {
        this.wrt = inputIndices.clone();
        return this;
    }

    /** Seed of the head gradients and of the random generator (default 42). */
    public GradientChecker seed(long s) {
        this.seed = s;
        return this;
    }

    /** Whether the function runs in training mode (default true, as under {@code Autograd.record()}). */
    public GradientChecker training(boolean trainMode) {
        this.training = trainMode;
        return this;
    }

    /**
     * Computes in float32 instead of float64, for ops whose kernels only take float32 (LRN, InstanceNorm, as in
     * MXNet); use a larger {@link #eps} (about 1e-2) and looser tolerances then.
     */
    public GradientChecker float32() {
        this.precision = DType.FLOAT32;
        return this;
    }

    /** Checks and throws {@link GradientCheckFailure} with the report if any coordinate fails. */
    public GradientReport verify(NDArray... inputs) {
        GradientReport r = check(Arrays.asList(inputs));
        if (!r.passed()) {
            throw new GradientCheckFailure(r);
        }
        return r;
    }

    /** Checks and returns the report. */
    public GradientReport check(List<NDArray> inputs) {
        List<NDArray> x = new ArrayList<>(inputs.size());
        for (NDArray in : inputs) {
            x.add(in.dtype().isFloating() ? in.astype(precision) : in.copy());
        }
        int[] checked = wrt != null ? wrt : defaultWrt(x);
        List<NDArray> heads = headGradients(evaluate(x));
        List<NDArray> analytic = analytic(x, checked, heads);
        GradientReport.Builder report = new GradientReport.Builder(name, rtol, atol);
        for (int k = 0; k < checked.length; k++) {
            NDArray xi = x.get(checked[k]);
            if (!xi.dtype().isFloating()) {
                throw new KilnException("gradient check of " + name + ": input " + checked[k] + " is " + xi.dtype()
                        + "; only floating inputs can be checked");
            }
            NDArray a = analytic.get(k);
            for (int j = 0; j < xi.size(); j++) {
                double saved = xi.getDouble(j);
                xi.setDouble(j, saved + eps);
                double plus = objective(x, heads);
                xi.setDouble(j, saved - eps);
                double minus = objective(x, heads);
                xi.setDouble(j, saved);
                report.add(checked[k], xi.shape(), j, a.getDouble(j), (plus - minus) / (2 * eps));
            }
        }
        return report.build();
    }

    private int[] defaultWrt(List<NDArray> x) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (x.get(i).dtype().isFloating() && !defaultExcluded.contains(i)) {
                idx.add(i);
            }
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    private List<NDArray> evaluate(List<NDArray> x) {
        dev.kiln.random.Random.seed(seed);
        boolean prevTraining = OpContext.setTraining(training);
        boolean prevRecording = OpContext.setRecording(false);
        try {
            List<NDArray> copies = new ArrayList<>(x.size());
            for (NDArray a : x) {
                copies.add(a.copy()); // the function may update inputs in place (BatchNorm's moving statistics)
            }
            return function.apply(copies);
        } finally {
            OpContext.setTraining(prevTraining);
            OpContext.setRecording(prevRecording);
        }
    }

    private List<NDArray> headGradients(List<NDArray> outputs) {
        java.util.Random r = new java.util.Random(seed);
        List<NDArray> heads = new ArrayList<>(outputs.size());
        for (NDArray o : outputs) {
            if (!o.dtype().isFloating()) {
                heads.add(null);
                continue;
            }
            NDArray h = NDArray.zeros(o.shape(), DType.FLOAT64, o.device());
            for (int j = 0; j < h.size(); j++) {
                h.setDouble(j, r.nextDouble() * 2 - 1);
            }
            heads.add(h);
        }
        return heads;
    }

    private double objective(List<NDArray> x, List<NDArray> heads) {
        List<NDArray> outs = evaluate(x);
        double sum = 0;
        for (int k = 0; k < outs.size(); k++) {
            NDArray h = heads.get(k);
            if (h != null) {
                NDArray o = outs.get(k);
                for (int j = 0; j < o.size(); j++) {
                    sum += o.getDouble(j) * h.getDouble(j);
                }
            }
        }
        return sum;
    }

    private List<NDArray> analytic(List<NDArray> x, int[] checked, List<NDArray> heads) {
        List<NDArray> vars = new ArrayList<>(x.size());
        for (NDArray a : x) {
            vars.add(a.copy());
        }
        List<NDArray> targets = new ArrayList<>();
        for (int i : checked) {
            targets.add(vars.get(i).attachGrad());
        }
        dev.kiln.random.Random.seed(seed);
        List<NDArray> outs;
        try (var rec = Autograd.record(training)) {
            outs = function.apply(vars);
        }
        List<NDArray> floatingOuts = new ArrayList<>();
        List<NDArray> floatingHeads = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) {
            if (heads.get(k) != null && outs.get(k).autogradEntry() != null) {
                floatingOuts.add(outs.get(k));
                floatingHeads.add(heads.get(k).astype(outs.get(k).dtype()));
            }
        }
        if (floatingOuts.isEmpty()) {
            List<NDArray> zeros = new ArrayList<>();
            for (NDArray t : targets) {
                zeros.add(NDArray.zeros(t.shape(), t.dtype(), t.device()));
            }
            return zeros;
        }
        return Autograd.grad(floatingOuts, targets, floatingHeads, false, false);
    }
}
