package dev.kiln.op.elementwise;

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
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.List;
import java.util.Map;

import static dev.kiln.op.ScalarForm.Fn.*;
import static dev.kiln.op.ScalarForm.a;
import static dev.kiln.op.ScalarForm.c;
import static dev.kiln.op.ScalarForm.call;

/**
 * MXNet's {@code hard_sigmoid}: {@code clip(alpha * x + beta, 0, 1)}, NaN staying NaN. Floating dtypes only, as in
 * MXNet; like MXNet (whose attributes are C {@code float}s) alpha and beta are rounded to float32 first. The gradient
 * is alpha where the output lies strictly between 0 and 1 and zero where it is clipped.
 */
public final class HardSigmoidOp extends OpDef {
    public static final AttrSpec<Double> ALPHA = AttrSpec.of("alpha", AttrType.FLOAT, 0.2, "Slope of hard sigmoid");
    public static final AttrSpec<Double> BETA = AttrSpec.of("beta", AttrType.FLOAT, 0.5, "Bias of hard sigmoid.");

    HardSigmoidOp() {
        super("hard_sigmoid", OpFamily.ELEMENTWISE, List.of("data"), List.of(ALPHA, BETA));
    }

    @Override
    public String doc() {
        return "Computes hard sigmoid: max(0, min(1, alpha * x + beta)) elementwise";
    }

    /** The op's math on one value. */
    public static double apply(double x, double alpha, double beta) {
        double r = (float) alpha * x + (float) beta;
        r = 1.0 < r ? 1.0 : r;
        return 0.0 > r ? 0.0 : r;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = inputTypes.get(0);
        if (!t.isFloating()) {
            throw error("input 'data' has dtype " + t + "; hard_sigmoid supports float16, bfloat16, float32 and "
                    + "float64");
        }
        return List.of(t);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(0));
    }

    /** Input and output share shape and dtype; the dtype check runs once the input is known. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unifyAll();
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unifyAll();
        slots.forward();
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T y = g.output(0);
        T inside = g.mul(g.apply("_greater_scalar", Map.of("scalar", 0.0), y),
                g.apply("_lesser_scalar", Map.of("scalar", 1.0), y));
        float alpha = (float) (double) g.attr(ALPHA);
        return g.grads(g.mul(g.outGrad(0), g.mulScalar(inside, alpha)));
    }

    /** Element-wise, so the output may overwrite the data. */
    @Override
    public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
        return InPlaceOption.OVERWRITES_DATA;
    }

    @Override
    public ElementwiseFormula elementwiseFormula(Attrs attrs, DType dtype) {
        return ElementwiseFormula.covers(dtype) ? formula(attrs) : null;
    }

    private static ElementwiseFormula.Unary formula(Attrs attrs) {
        double alpha = attrs.get(ALPHA);
        double beta = attrs.get(BETA);
        ScalarForm r = call(ADD, call(MUL, c((float) alpha), a()), c((float) beta));
        ScalarForm upper = call(SELECT, call(LT, c(1), r), c(1), r);
        return ElementwiseFormula.rounding("hard_sigmoid", x -> apply(x, alpha, beta),
                call(SELECT, call(GT, c(0), upper), c(0), upper));
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray out = call.newOutput(0);
        UnaryOp.map(formula(call.attrs()).f64(), null, null, UnaryOp.GRAIN, call.input(0), out);
        return List.of(out);
    }
}
