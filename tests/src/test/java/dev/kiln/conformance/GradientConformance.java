package dev.kiln.conformance;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.opentest4j.TestAbortedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gradients of an {@link OpCase} in real MXNet and in Kiln: the floating, non-auxiliary inputs are variables, the op
 * is recorded in training mode (as under Gluon's {@code autograd.record()}), and backward runs from every floating
 * output with the same seeded head gradients. Each input's gradient must agree within the case's tolerance widened
 * tenfold (a gradient is a sum of rounded products).
 * <p>
 * Left out, each for a stated reason: cases with non-finite inputs (gradients at NaN, infinities and poles are not
 * compared); Dropout that drops (the libraries draw different masks); and the deliberate differences below.
 */
final class GradientConformance {
    private GradientConformance() {
    }

    /** Where Kiln's gradient deliberately differs from MXNet 1.9's, by op (and attribute) with the reason. */
    private static final Map<String, String> DIFFERENT = Map.of(
            "LeakyReLU(act_type=selu)", "MXNet's selu backward computes lambda*(y + alpha) for x < 0; the derivative "
                    + "is lambda*alpha*exp(x), which Kiln returns",
            "SoftmaxActivation(mode=instance)", "MXNet's instance-mode backward disagrees with the derivative of its "
                    + "own forward; Kiln's passes the float32 central-difference check");

    /**
     * Image ops whose MXNet 1.9 gradient is a plain copy of the head gradient ({@code ElemwiseGradUseNone{"_copy"}}):
     * unflipped for the flips, shaped like the output rather than the input for to_tensor and resize. Kiln flips the
     * gradient back and gives the pixel inputs of to_tensor and resize a zero gradient.
     */
    private static final Set<String> COPIED_GRADIENT = Set.of("_image_flip_left_right", "_image_flip_top_bottom",
            "_image_to_tensor", "_image_resize");

    /**
     * Ops with statistics outputs (mean, variance or std) whose gradients MXNet ignores; Kiln differentiates them,
     * so only the first output gets a head gradient here.
     */
    private static final Set<String> FIRST_OUTPUT_ONLY = Set.of("BatchNorm", "LayerNorm", "GroupNorm");

    /** MXNet evaluates these derivatives with float32 constants even in float64. */
    private static final Set<String> FLOAT32_DERIVATIVES = Set.of("erf", "erfinv", "gamma", "gammaln");

    /** True if the case can be compared: Kiln has a gradient (or a zero one) and some input is floating. */
    static boolean applies(OpCase c) {
        if (c.rejected() || c.numpyShape() || !OpRegistry.global().contains(c.op())) {
            return false;
        }
        OpDef op = OpRegistry.global().get(c.op());
        if (!op.isDifferentiable() && !op.hasZeroGradient()) {
            return false;
        }
        for (NDArray x : c.inputs()) {
            if (x.size() == 0 || x.rank() == 0) {
                return false; // MXNet's legacy shape mode, which autograd runs in, cannot hold these
            }
            if (x.dtype().isFloating()) {
                for (int j = 0; j < x.size(); j++) {
                    if (!Double.isFinite(x.getDouble(j))) {
                        return false;
                    }
                }
            }
        }
        String name = op.name();
        if (name.equals("Dropout") && !"0".equals(c.attrs().get("p")) && !"0.0".equals(c.attrs().get("p"))) {
            return false;
        }
        if (COPIED_GRADIENT.contains(name)) {
            return false;
        }
        if (name.equals("RNN") && c.attrs().containsKey("p")) {
            return false; // dropout between layers in training: the libraries draw different masks
        }
        for (String key : DIFFERENT.keySet()) {
            String attr = key.substring(key.indexOf('(') + 1, key.length() - 1);
            String[] kv = attr.split("=");
            String given = c.attrs().get(kv[0]);
            boolean isDefault = given == null && kv[0].equals("mode") && kv[1].equals("instance");
            if (key.startsWith(name + "(") && (kv[1].equals(given) || isDefault)) {
                return false;
            }
        }
        List<Integer> wrt = variables(op, c);
        return !wrt.isEmpty();
    }

    static void check(OpCase c) {
        OpDef op = OpRegistry.global().get(c.op());
        List<Integer> wrt = variables(op, c);
        java.util.Random r = new java.util.Random(c.describe().hashCode());
        MXNet mx = MXNet.get();
        List<NDArray> expected;
        List<NDArray> heads = new ArrayList<>();
        boolean prevMx = mx.setTraining(true);
        try {
            expected = runMXNet(mx, c, wrt, heads, r);
        } finally {
            mx.setTraining(prevMx);
        }
        List<NDArray> actual = runKiln(op, c, wrt, heads);
        Tolerance coarsest = null;
        for (NDArray h : heads) {
            if (h != null && (coarsest == null || Tolerance.of(h.dtype()).rtol() > coarsest.rtol())) {
                coarsest = Tolerance.of(h.dtype());
            }
        }
        List<String> problems = new ArrayList<>();
        List<String> names = op.inputNames(op.attrs(c.attrs()));
        for (int k = 0; k < wrt.size(); k++) {
            NDArray in = c.inputs().get(wrt.get(k));
            Tolerance t = c.tolerance() != null ? c.tolerance() : Tolerance.of(in.dtype());
            if (FLOAT32_DERIVATIVES.contains(op.name()) && in.dtype() == dev.kiln.ndarray.DType.FLOAT64) {
                t = new Tolerance(1e-7, 1e-7);
            }
            if (coarsest != null && coarsest.rtol() > t.rtol()) {
                t = coarsest; // the gradient passes through the output's precision
            }
            t = t.times(10);
            Optional<String> d = ArrayComparison.compare(actual.get(k), expected.get(k), t);
            int idx = k;
            d.ifPresent(s -> problems.add("  gradient of '" + names.get(wrt.get(idx)) + "': " + s
                    + (in.size() <= 24 ? "\n    Kiln:  " + ArrayComparison.values(actual.get(idx))
                    + "\n    MXNet: " + ArrayComparison.values(expected.get(idx)) : "")));
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("Kiln's gradient disagrees with MXNet 1.9 on " + c.describe() + "\n  attrs: "
                    + c.attrs() + "\n" + c.inputDetails(names) + "\n" + String.join("\n", problems));
        }
    }

    private static List<Integer> variables(OpDef op, OpCase c) {
        List<Integer> aux;
        try {
            aux = op.auxInputIndices(op.attrs(c.attrs()));
        } catch (KilnException e) {
            return List.of();
        }
        List<Integer> wrt = new ArrayList<>();
        for (int i = 0; i < c.inputs().size(); i++) {
            NDArray x = c.inputs().get(i);
            if (x.dtype().isFloating() && x.size() > 0 && !aux.contains(i)) {
                wrt.add(i);
            }
        }
        return wrt;
    }

    private static List<NDArray> runMXNet(MXNet mx, OpCase c, List<Integer> wrt, List<NDArray> heads,
                                          java.util.Random r) {
        List<MXArray> in = new ArrayList<>();
        List<MXArray> grads = new ArrayList<>();
        List<MXArray> out = List.of();
        List<MXArray> headArrays = new ArrayList<>();
        try {
            for (NDArray x : c.inputs()) {
                in.add(mx.array(x));
            }
            List<MXArray> vars = new ArrayList<>();
            for (int i : wrt) {
                NDArray x = c.inputs().get(i);
                vars.add(in.get(i));
                grads.add(mx.array(NDArray.zeros(x.shape(), x.dtype(), x.device())));
            }
            mx.markVariables(vars, grads);
            boolean prevRecording = mx.setRecording(true);
            try {
                out = mx.invoke(c.op(), c.attrs(), in);
            } finally {
                mx.setRecording(prevRecording);
            }
            List<MXArray> floatingOuts = new ArrayList<>();
            boolean firstOnly = FIRST_OUTPUT_ONLY.contains(OpRegistry.global().get(c.op()).name());
            for (MXArray o : out) {
                NDArray value = o.toNDArray();
                if (value.rank() == 0 || value.size() == 0) {
                    throw new TestAbortedException("MXNet's legacy shape mode cannot take a head gradient of shape "
                            + value.shape());
                }
                if (value.dtype().isFloating() && !(firstOnly && !floatingOuts.isEmpty())) {
                    NDArray h = NDArray.zeros(value.shape(), value.dtype(), value.device());
                    for (int j = 0; j < h.size(); j++) {
                        h.setDouble(j, r.nextDouble() * 2 - 1);
                    }
                    heads.add(h);
                    floatingOuts.add(o);
                    headArrays.add(mx.array(h));
                } else {
                    heads.add(null);
                }
            }
            try {
                mx.backward(floatingOuts, headArrays);
            } catch (MXNetException e) {
                throw new TestAbortedException("MXNet has no gradient here: " + e.mxnetMessage());
            }
            List<NDArray> result = new ArrayList<>();
            for (MXArray g : grads) {
                result.add(g.toNDArray());
            }
            return result;
        } catch (MXNetException e) {
            throw new TestAbortedException("MXNet rejects the recorded call: " + e.mxnetMessage());
        } finally {
            in.forEach(MXArray::close);
            grads.forEach(MXArray::close);
            out.forEach(MXArray::close);
            headArrays.forEach(MXArray::close);
        }
    }

    private static List<NDArray> runKiln(OpDef op, OpCase c, List<Integer> wrt, List<NDArray> heads) {
        List<NDArray> in = new ArrayList<>();
        for (NDArray x : c.inputs()) {
            in.add(x.copy());
        }
        List<NDArray> vars = new ArrayList<>();
        for (int i : wrt) {
            vars.add(in.get(i).attachGrad());
        }
        boolean prev = OpContext.setTraining(true);
        List<NDArray> out;
        try (var rec = Autograd.record(true)) {
            out = Ops.invoke(op, op.attrs(c.attrs()), in);
        } finally {
            OpContext.setTraining(prev);
        }
        List<NDArray> floatingOuts = new ArrayList<>();
        List<NDArray> floatingHeads = new ArrayList<>();
        for (int k = 0; k < out.size() && k < heads.size(); k++) {
            if (heads.get(k) != null) {
                floatingOuts.add(out.get(k));
                floatingHeads.add(heads.get(k));
            }
        }
        List<NDArray> tracked = new ArrayList<>();
        List<NDArray> trackedHeads = new ArrayList<>();
        for (int k = 0; k < floatingOuts.size(); k++) {
            if (floatingOuts.get(k).autogradEntry() != null) {
                tracked.add(floatingOuts.get(k));
                trackedHeads.add(floatingHeads.get(k));
            }
        }
        if (tracked.isEmpty()) {
            List<NDArray> zeros = new ArrayList<>();
            for (NDArray v : vars) {
                zeros.add(NDArray.zeros(v.shape(), v.dtype(), v.device()));
            }
            return zeros;
        }
        return Autograd.grad(tracked, vars, trackedHeads, false, false);
    }
}
