package dev.kiln.op.nn;

import dev.kiln.ndarray.Casting;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ScalarForm;
import dev.kiln.op.ShapeSlots;

import java.util.List;
import java.util.Map;

import static dev.kiln.op.ScalarForm.Fn.GT;
import static dev.kiln.op.ScalarForm.Fn.LT;
import static dev.kiln.op.ScalarForm.Fn.MUL;
import static dev.kiln.op.ScalarForm.Fn.NEG;
import static dev.kiln.op.ScalarForm.Fn.SELECT;
import static dev.kiln.op.ScalarForm.Fn.SUB;
import static dev.kiln.op.ScalarForm.a;
import static dev.kiln.op.ScalarForm.c;
import static dev.kiln.op.ScalarForm.call;

/**
 * MXNet's {@code smooth_l1} with {@code scalar} as sigma: {@code 0.5 * (sigma*x)^2} where {@code |x| <= 1/sigma^2},
 * else {@code |x| - 0.5/sigma^2}. The output keeps the input dtype; for integer data sigma is first cast to it. The
 * derivative is {@code clip(sigma^2 * x, -1, 1)}, composed of ops.
 */
final class SmoothL1Op extends NNOp {
    static final AttrSpec<Double> SCALAR = AttrSpec.of("scalar", AttrType.FLOAT, 1.0, "sigma");
    static final AttrSpec<Boolean> IS_INT = AttrSpec.of("is_int", AttrType.BOOL, true,
            "whether the scalar was given as an integer");

    SmoothL1Op() {
        super("smooth_l1", List.of("data"), List.of(SCALAR, IS_INT), "_npx_smooth_l1");
    }

    @Override
    public String doc() {
        return "Smooth L1 loss of each element with sigma = scalar.";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(inputTypes.get(0));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(0));
    }

    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        sameShapeAsData(slots);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        Elementwise.map(x, out, formula(call.attrs(), x.dtype()));
        return List.of(out);
    }

    @Override
    public ElementwiseFormula elementwiseFormula(Attrs attrs, DType dtype) {
        return ElementwiseFormula.covers(dtype) ? formula(attrs, dtype) : null;
    }

    /** The loss of one element, sigma cast to the data's dtype first; float32 computes in float. */
    private static ElementwiseFormula.Unary formula(Attrs attrs, DType dtype) {
        double sigma = Casting.roundTo(dtype, attrs.get(SCALAR));
        double bsq = sigma * sigma;
        double ibsq = 1.0 / bsq;
        float bsqF = (float) bsq;
        float ibsqF = 1.0f / bsqF;
        boolean f32 = dtype == DType.FLOAT32;
        ScalarForm form = form(f32 ? ibsqF : ibsq, f32 ? bsqF : bsq);
        return new ElementwiseFormula.Unary("smooth_l1", a -> {
            if (a > ibsqF) {
                return a - 0.5f * ibsqF;
            } else if (a < -ibsqF) {
                return -a - 0.5f * ibsqF;
            }
            return 0.5f * a * a * bsqF;
        }, a -> {
            if (a > ibsq) {
                return a - 0.5 * ibsq;
            } else if (a < -ibsq) {
                return -a - 0.5 * ibsq;
            }
            return 0.5 * a * a * bsq;
        }).withForm(form);
    }

    /** The loss's scalar form for the bounds {@code 1 / sigma^2} and {@code sigma^2} of the data's dtype. */
    private static ScalarForm form(double ibsq, double bsq) {
        return call(SELECT, call(GT, a(), c(ibsq)), call(SUB, a(), c(0.5 * ibsq)),
                call(SELECT, call(LT, a(), c(-ibsq)), call(SUB, call(NEG, a()), c(0.5 * ibsq)),
                        call(MUL, call(MUL, call(MUL, c(0.5), a()), a()), c(bsq))));
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        double sigma = g.attr(SCALAR);
        T slope = g.apply("clip", Map.of("a_min", -1.0, "a_max", 1.0), g.mulScalar(g.input(0), sigma * sigma));
        return g.grads(g.mul(g.outGrad(0), slope));
    }
}
