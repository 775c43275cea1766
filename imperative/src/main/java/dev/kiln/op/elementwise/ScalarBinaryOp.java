package dev.kiln.op.elementwise;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.Gradient;
import dev.kiln.op.InPlaceOption;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.List;

/**
 * A binary function of an array and the attribute {@code scalar}, as MXNet 1.9's {@code _plus_scalar} family:
 * {@code f(data, scalar)}, or {@code f(scalar, data)} for the reversed ops ({@code _rminus_scalar},
 * {@code _rdiv_scalar}, ...). As in MXNet the scalar is first cast to the output dtype (2.7 becomes 2 for int32), and
 * the output keeps the input's dtype, except that an integer input with {@code is_int=False} computes in float64 and a
 * bool input computes in int64 ({@code is_int=True}) or float64. The gradient is the function's own
 * ({@link BinaryMath#lhsGradient}, or {@link BinaryMath#rhsGradient} when reversed) with the scalar as a constant.
 */
public final class ScalarBinaryOp extends OpDef {
    public static final AttrSpec<Double> SCALAR = AttrSpec.of("scalar", AttrType.FLOAT, 1.0, "Scalar input value");
    public static final AttrSpec<Boolean> IS_INT = AttrSpec.of("is_int", AttrType.BOOL, true,
            "Indicate whether scalar input is int type");

    private final BinaryMath math;
    private final boolean reversed;

    private ScalarBinaryOp(String name, BinaryMath math, boolean reversed, String... aliases) {
        super(name, OpFamily.BINARY, List.of("data"), List.of(SCALAR, IS_INT), aliases);
        this.math = math;
        this.reversed = reversed;
    }

    /** {@code f(data, scalar)}, e.g. {@code _minus_scalar}. */
    static ScalarBinaryOp of(String name, BinaryMath math, String... aliases) {
        return new ScalarBinaryOp(name, math, false, aliases);
    }

    /** {@code f(scalar, data)}, e.g. {@code _rminus_scalar}. */
    static ScalarBinaryOp reversed(String name, BinaryMath math, String... aliases) {
        return new ScalarBinaryOp(name, math, true, aliases);
    }

    /** The function this op computes. */
    public BinaryMath math() {
        return math;
    }

    /** True if the scalar is the left operand. */
    public boolean isReversed() {
        return reversed;
    }

    @Override
    public String doc() {
        return reversed ? "Elementwise " + math.name() + " of the scalar and the array"
                : "Elementwise " + math.name() + " of the array and the scalar";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType in = inputTypes.get(0);
        boolean isInt = attrs.get(IS_INT);
        if (in == DType.BOOL) {
            return List.of(isInt ? DType.INT64 : DType.FLOAT64);
        }
        if (in.isIntegral() && !isInt) {
            return List.of(DType.FLOAT64);
        }
        return List.of(in);
    }

    /** The function with the scalar as a constant operand (floating data keeps its dtype, so no cast is involved). */
    @Override
    public ElementwiseFormula elementwiseFormula(Attrs attrs, DType dtype) {
        return ElementwiseFormula.covers(dtype)
                ? new ElementwiseFormula.Scalar(math.name(), math, attrs.get(SCALAR), reversed, BinaryForms.of(math))
                : null;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(0));
    }

    /** The output has the input's shape, so either one gives the other. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unifyAll();
    }

    /**
     * Forward once the input's dtype is known; back from the output where only one input dtype gives it: a floating
     * output other than float64 comes from itself, as does an integer one other than int64, and with
     * {@code is_int=True} float64 comes only from float64.
     */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        DType out = slots.output(0);
        if (slots.input(0) == null && out != null) {
            boolean wide = out == DType.FLOAT64 || out == DType.INT64 || out == DType.BOOL;
            if (!wide || out == DType.FLOAT64 && slots.attrs().get(IS_INT)) {
                slots.assignInput(0, out);
            }
        }
        slots.forward();
    }

    /** Element-wise in the data, which the output may overwrite. */
    @Override
    public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
        return InPlaceOption.OVERWRITES_DATA;
    }

    /** Each output element is assigned from its data element and the scalar. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        DType t = call.outputTypes().get(0);
        NDArray data = call.input(0);
        if (data.dtype() != t) {
            data = data.astype(t);
        }
        NDArray scalar = NDArray.full(Shape.scalar(), call.attr(SCALAR), t, data.device());
        NDArray out = call.newOutput(0);
        if (reversed) {
            BinaryKernels.compute(this, math, scalar, data, out);
        } else {
            BinaryKernels.compute(this, math, data, scalar, out);
        }
        return List.of(out);
    }

    @Override
    public boolean isDifferentiable() {
        return math.isDifferentiable();
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Terms<T> d = new Terms<>(g);
        Terms.Term<T> grad = d.of(g.outGrad(0));
        Terms.Term<T> data = d.of(g.input(0));
        Terms.Term<T> scalar = d.constant(g.attr(SCALAR));
        Terms.Term<T> out = d.of(g.output(0));
        Terms.Term<T> dx = reversed ? math.rhsGradient(d, grad, scalar, data, out)
                : math.lhsGradient(d, grad, data, scalar, out);
        return g.grads(d.array(dx));
    }
}
