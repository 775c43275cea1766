package dev.kiln.op.nn;

import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.ndarray.Broadcast;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.ScalarForm;
import dev.kiln.op.Gradient;
import dev.kiln.op.InferenceSlots;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpContext;
import dev.kiln.op.ShapeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.Map;

import static dev.kiln.op.ScalarForm.Fn.*;
import static dev.kiln.op.ScalarForm.a;
import static dev.kiln.op.ScalarForm.c;
import static dev.kiln.op.ScalarForm.call;

/**
 * MXNet's {@code LeakyReLU} family: leaky ({@code x > 0 ? x : slope*x}), prelu (the slope is the learned input
 * {@code gamma}, broadcast over the channel axis), rrelu (a uniform random slope in {@code [lower_bound,
 * upper_bound)} per element in training, their mean otherwise; a hidden second output {@code mask} keeps the slopes
 * for the gradient, as in MXNet), elu ({@code slope*(exp(x)-1)} below 0), selu and gelu
 * ({@code 0.5*x*(1+erf(x/sqrt(2)))}, the exact erf form). Gradients are composed of element-wise ops except prelu's,
 * which {@code _backward_LeakyReLU} computes (gamma's gradient sums over the axes gamma is broadcast along).
 */
final class LeakyReLUOp extends NNOp {
    static final AttrSpec<String> ACT_TYPE = AttrSpec.of("act_type",
            AttrType.oneOf("leaky", "prelu", "rrelu", "elu", "selu", "gelu"), "leaky", "the activation function");
    static final AttrSpec<Double> SLOPE = AttrSpec.of("slope", AttrType.FLOAT, 0.25,
            "slope below zero for leaky, scale for elu");
    static final AttrSpec<Double> LOWER = AttrSpec.of("lower_bound", AttrType.FLOAT, 0.125,
            "lower bound of rrelu's random slope");
    static final AttrSpec<Double> UPPER = AttrSpec.of("upper_bound", AttrType.FLOAT, 0.334,
            "upper bound of rrelu's random slope");

    private static final double SELU_ALPHA = (float) 1.6732632423543772848170429916717;
    private static final double SELU_LAMBDA = (float) 1.0507009873554804934193349852946;
    private static final double SQRT_2 = (float) 1.4142135623730950488016887242096;

    LeakyReLUOp() {
        super("LeakyReLU", List.of("data", "gamma"), List.of(ACT_TYPE, SLOPE, LOWER, UPPER), "_npx_leaky_relu");
    }

    @Override
    public String doc() {
        return "Leaky, parametric, randomized, exponential, scaled-exponential and Gaussian-error linear units.";
    }

    private static boolean isPrelu(Attrs attrs) {
        return attrs.get(ACT_TYPE).equals("prelu");
    }

    private static boolean isRrelu(Attrs attrs) {
        return attrs.get(ACT_TYPE).equals("rrelu");
    }

    @Override
    public String inputVariableInit(Attrs attrs, int index) {
        return index == 1 ? "[\"Constant\", {\"value\": 0.25}]" : null;
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        return isPrelu(attrs) ? List.of("data", "gamma") : List.of("data");
    }

    /** rrelu draws its slopes in training. */
    @Override
    public boolean isRandom(Attrs attrs, boolean training) {
        return training && attrs.get(ACT_TYPE).equals("rrelu");
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return isRrelu(attrs) ? 2 : 1;
    }

    @Override
    public int numVisibleOutputs(Attrs attrs) {
        return 1;
    }

    @Override
    public List<String> outputNames(Attrs attrs) {
        return isRrelu(attrs) ? List.of("output", "mask") : List.of("output");
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = requireFloating(attrs, inputTypes, 0);
        if (isPrelu(attrs) && inputTypes.get(1) != t) {
            throw error("input 'gamma' has dtype " + inputTypes.get(1) + " but 'data' has " + t
                    + "; they must match");
        }
        return repeat(t, numOutputs(attrs));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape data = inputShapes.get(0);
        if (isPrelu(attrs)) {
            gammaShape(this, inputShapes.get(1), data);
        }
        return repeat(data, numOutputs(attrs));
    }

    /**
     * Every output has the data's shape. prelu's gamma, when its rank is unknown, is one slope per channel
     * ({@code (data.shape[1],)}), as MXNet assigns it; a gamma of any other valid shape is checked once known.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape data = slots.unify(new int[] {0}, InferenceSlots.indices(slots.numOutputs()));
        if (isPrelu(slots.attrs()) && !ShapeSlots.isRankKnown(slots.input(1)) && ShapeSlots.isRankKnown(data)
                && data.rank() >= 2) {
            slots.assignInput(1, Shape.partial(data.get(1)));
        }
        slots.forward();
    }

    /**
     * Where gamma's dims sit within data's, as MXNet aligns them: from the right, gamma's dims may only land on
     * data's axes 0 and 1 (equal or 1); every other axis of data gets 1. A (C,) gamma thus covers the channels.
     */
    static Shape gammaShape(NNOp op, Shape gamma, Shape data) {
        int[] d = data.dims();
        int[] g = gamma.dims();
        int[] out = new int[d.length];
        int s = g.length - 1;
        for (int i = d.length - 1; i >= 0; i--) {
            if (s >= 0 && i <= 1 && (d[i] == g[s] || g[s] == 1)) {
                out[i] = g[s];
                s--;
            } else {
                out[i] = 1;
            }
        }
        if (s != -1) {
            throw op.error("input 'gamma' of shape " + gamma + " cannot broadcast to 'data' of shape " + data
                    + "; prelu takes one slope per channel (axis 1 of 'data') or a single slope of shape (1,)");
        }
        return Shape.of(out);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        switch (call.attr(ACT_TYPE)) {
            case "prelu" -> prelu(x, call.input(1), out);
            case "rrelu" -> {
                return rrelu(call, x, out);
            }
            default -> Elementwise.map(x, out, formula(call.attrs()));
        }
        return List.of(out);
    }

    /** leaky, elu, selu and gelu are functions of each element alone; prelu and rrelu read slopes from arrays. */
    @Override
    public ElementwiseFormula elementwiseFormula(Attrs attrs, DType dtype) {
        String act = attrs.get(ACT_TYPE);
        if (!ElementwiseFormula.covers(dtype) || act.equals("prelu") || act.equals("rrelu")) {
            return null;
        }
        // gelu's float32 kernel keeps the tail of 1 + erf that its float64 one (MXNet's formula) rounds away, so
        // only float32 has a form: 0.5 x erfc(-x / sqrt 2), which is 0.5 x (1 + erf(x / sqrt 2)) kept accurate
        return act.equals("gelu") && dtype == DType.FLOAT32
                ? formula(attrs).withForm(call(MUL, call(MUL, c(0.5), a()), call(ERFC, call(NEG,
                        call(DIV, a(), c(SQRT_2))))))
                : formula(attrs);
    }

    /** The float32 and float64 functions of the per-element modes; float32 computes in float as MXNet's do. */
    private ElementwiseFormula.Unary formula(Attrs attrs) {
        String act = attrs.get(ACT_TYPE);
        double slope = asFloat(attrs.get(SLOPE));
        float slopeF = (float) slope;
        return switch (act) {
            case "leaky" -> new ElementwiseFormula.Unary(act, a -> a > 0 ? a : a * slopeF,
                    a -> a > 0 ? a : a * slope, VectorSupport.isAvailable()
                            ? (x, xo, y, yo, n) -> VectorLeaky.apply(x, xo, y, yo, n, slopeF) : null)
                    .withForm(positiveOr(call(MUL, a(), c(slope))));
            case "elu" -> new ElementwiseFormula.Unary(act, a -> a > 0 ? a : slopeF * (float) Math.expm1(a),
                    a -> a > 0 ? a : slope * Math.expm1(a)).withForm(positiveOr(call(MUL, c(slope), call(EXPM1, a()))));
            case "selu" -> new ElementwiseFormula.Unary(act,
                    a -> (float) SELU_LAMBDA * (a > 0 ? a : (float) SELU_ALPHA * (float) Math.expm1(a)),
                    a -> SELU_LAMBDA * (a > 0 ? a : SELU_ALPHA * Math.expm1(a)))
                    .withForm(call(MUL, c(SELU_LAMBDA), positiveOr(call(MUL, c(SELU_ALPHA), call(EXPM1, a())))));
            case "gelu" -> new ElementwiseFormula.Unary(act,
                    GeluKernel::gelu, LeakyReLUOp::gelu, VectorSupport.isAvailable() ? VectorGelu::gelu : null);
            default -> throw error("act_type " + act + " has no per-element formula");
        };
    }

    /** The form of {@code x > 0 ? x : negative}. */
    private static ScalarForm positiveOr(ScalarForm negative) {
        return call(SELECT, call(GT, a(), c(0)), a(), negative);
    }

    /** float64 GELU with the fully accurate erf; float32 uses {@link GeluKernel}, within a few float ulp. */
    private static double gelu(double a) {
        return 0.5 * a * (1 + dev.kiln.op.elementwise.SpecialFunctions.erf(a / SQRT_2));
    }

    private void prelu(NDArray x, NDArray gamma, NDArray out) {
        Shape g = gammaShape(this, gamma.shape(), x.shape());
        int[] map = Broadcast.indexMap(g, x.shape());
        double[] slopes = Rows.all(gamma);
        applySlopes(x, out, slopes, map);
    }

    private List<NDArray> rrelu(Invocation call, NDArray x, NDArray out) {
        double lower = asFloat(call.attr(LOWER));
        double upper = asFloat(call.attr(UPPER));
        NDArray mask = call.newOutput(1);
        int n = x.size();
        double[] slopes = new double[n];
        if (OpContext.isTraining()) {
            double width = asFloat(upper - lower);
            NNRandom.uniform(n, (i, u) -> slopes[i] = lower + u * width);
        } else {
            java.util.Arrays.fill(slopes, asFloat((lower + upper) / 2));
        }
        Rows.scatter(slopes, 0, mask, 0, 1, n);
        applySlopes(x, out, Rows.all(mask), null);
        return List.of(out, mask);
    }

    /** {@code out = x > 0 ? x : x * slope}, with the slope of element {@code i} at {@code slopes[map[i]]}. */
    private static void applySlopes(NDArray x, NDArray out, double[] slopes, int[] map) {
        Object src = x.data();
        Object dst = out.data();
        DType t = x.dtype();
        Parallel.forRange(x.size(), Elementwise.GRAIN, (from, to) -> {
            if (src instanceof float[] a && dst instanceof float[] b) {
                for (int i = from; i < to; i++) {
                    float v = a[i];
                    b[i] = v > 0 ? v : v * (float) slopes[map == null ? i : map[i]];
                }
            } else {
                for (int i = from; i < to; i++) {
                    double v = Storage.get(t, src, i);
                    Storage.set(t, dst, i, v > 0 ? v : v * slopes[map == null ? i : map[i]]);
                }
            }
        });
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T x = g.input(0);
        T og = g.outGrad(0);
        String act = g.attr(ACT_TYPE);
        if (act.equals("prelu")) {
            List<T> d = g.applyAll("_backward_LeakyReLU", Map.of(), og, x, g.input(1));
            return g.grads(d.get(0), d.get(1));
        }
        if (act.equals("gelu")) {
            // d/dx 0.5*x*(1 + erf(x/s)) = 0.5*(1 + erf(x/s)) + x*exp(-(x/s)^2)/(s*sqrt(pi)), s the forward's sqrt(2)
            T u = g.mulScalar(x, 1 / SQRT_2);
            T cdf = g.mulScalar(g.plusScalar(g.apply("erf", u), 1), 0.5);
            T pdf = g.mulScalar(g.apply("exp", g.negative(g.apply("square", u))), 1 / (SQRT_2 * Math.sqrt(Math.PI)));
            return g.grads(g.mul(og, g.add(cdf, g.mul(x, pdf))));
        }
        double slope = asFloat(g.attr(SLOPE));
        T pos = ActivationOp.positive(g, x);
        T neg = g.rminusScalar(pos, 1);
        T below = switch (act) {
            case "leaky" -> null;
            case "elu" -> g.plusScalar(g.output(0), slope); // slope*exp(x) = y + slope
            case "selu" -> g.plusScalar(g.output(0), SELU_LAMBDA * SELU_ALPHA);
            case "rrelu" -> g.output(1); // the slopes the forward call drew (or their mean in predict mode)
            default -> throw error("unknown act_type " + act);
        };
        T factor = below == null ? g.plusScalar(g.mulScalar(pos, 1 - slope), slope)
                : g.add(act.equals("selu") ? g.mulScalar(pos, SELU_LAMBDA) : pos, g.mul(neg, below));
        return g.grads(g.mul(og, factor));
    }
}
