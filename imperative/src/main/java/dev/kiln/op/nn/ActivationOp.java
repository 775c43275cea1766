package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.ScalarForm;
import dev.kiln.op.Gradient;
import dev.kiln.op.InPlaceOption;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.elementwise.UnaryOps;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.Map;

import static dev.kiln.op.ScalarForm.Fn.*;
import static dev.kiln.op.ScalarForm.a;
import static dev.kiln.op.ScalarForm.c;
import static dev.kiln.op.ScalarForm.call;

/**
 * MXNet's {@code Activation}: relu, sigmoid, tanh, softrelu ({@code log(1 + exp(x))}, exactly {@code x} above 20)
 * or softsign ({@code x / (1 + |x|)}), element-wise on floating-point data. The gradients are composed of
 * element-wise ops (sigmoid and tanh from the output), so they can be differentiated again.
 */
final class ActivationOp extends NNOp {
    static final AttrSpec<String> ACT_TYPE = AttrSpec.required("act_type",
            AttrType.oneOf("relu", "sigmoid", "tanh", "softrelu", "softsign"), "the activation function to apply");

    ActivationOp() {
        super("Activation", List.of("data"), List.of(ACT_TYPE), "_npx_activation");
    }

    @Override
    public String doc() {
        return "Applies an activation function (relu, sigmoid, tanh, softrelu, softsign) element-wise.";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(requireFloating(attrs, inputTypes, 0));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(0));
    }

    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        sameShapeAsData(slots);
    }

    /** Element-wise, so the output may overwrite the data. */
    @Override
    public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
        return InPlaceOption.OVERWRITES_DATA;
    }

    /** Each output element is assigned from its input element. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray out = call.newOutput(0);
        String act = call.attr(ACT_TYPE);
        if (act.equals("relu") && call.input(0).data() instanceof float[] x && out.data() instanceof float[] y) {
            // the commonest activation as a loop HotSpot inlines and vectorises; Math.max keeps NaN and maps -0 to
            // +0, as UnaryOps.RELU does
            Parallel.forRange(x.length, Elementwise.GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    y[i] = Math.max(x[i], 0f);
                }
            });
            return List.of(out);
        }
        Elementwise.map(call.input(0), out, formula(act));
        return List.of(out);
    }

    @Override
    public ElementwiseFormula elementwiseFormula(Attrs attrs, DType dtype) {
        return ElementwiseFormula.covers(dtype) ? formula(attrs.get(ACT_TYPE)) : null;
    }

    /** The activation's float32 and float64 functions; float32 computes in float as MXNet's kernels do. */
    private ElementwiseFormula.Unary formula(String act) {
        return switch (act) {
            case "relu" -> ElementwiseFormula.rounding(act, UnaryOps.RELU, call(MAX, a(), c(0)));
            case "sigmoid" -> new ElementwiseFormula.Unary(act, a -> 1f / (1f + (float) Math.exp(-a)),
                    a -> 1 / (1 + Math.exp(-a))).withForm(call(DIV, c(1), call(ADD, c(1), call(EXP, call(NEG, a())))));
            case "tanh" -> new ElementwiseFormula.Unary(act, a -> (float) Math.tanh(a), Math::tanh)
                    .withForm(call(TANH, a()));
            case "softrelu" -> new ElementwiseFormula.Unary(act,
                    a -> a > 20f ? a : (float) Math.log1p((float) Math.exp(a)),
                    a -> a > 20 ? a : Math.log1p(Math.exp(a)))
                    .withForm(call(SELECT, call(GT, a(), c(20)), a(), call(LOG1P, call(EXP, a()))));
            case "softsign" -> new ElementwiseFormula.Unary(act, a -> a / (1f + Math.abs(a)),
                    a -> a / (1 + Math.abs(a))).withForm(call(DIV, a(), call(ADD, c(1), call(ABS, a()))));
            default -> throw error("unknown act_type " + act);
        };
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T og = g.outGrad(0);
        T x = g.input(0);
        T y = g.output(0);
        T slope = switch (g.attr(ACT_TYPE)) {
            case "relu" -> positive(g, x);
            case "sigmoid" -> g.mul(y, g.rminusScalar(y, 1));
            case "tanh" -> g.rminusScalar(g.apply("square", y), 1);
            case "softrelu" -> g.apply("Activation", Map.of("act_type", "sigmoid"), x);
            case "softsign" -> g.apply("reciprocal", g.apply("square", g.plusScalar(g.apply("abs", x), 1)));
            default -> throw error("unknown act_type " + g.attr(ACT_TYPE));
        };
        return g.grads(g.mul(og, slope));
    }

    /** 1 where {@code x > 0}, else 0 (NaN included): the slope of relu, a constant to the gradient. */
    static <T> T positive(Gradient<T> g, T x) {
        return g.apply("_greater_scalar", Map.of("scalar", 0.0), x);
    }
}
