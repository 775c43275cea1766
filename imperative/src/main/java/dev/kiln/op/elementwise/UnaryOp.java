package dev.kiln.op.elementwise;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.Attrs;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.InPlaceOption;
import dev.kiln.op.Invocation;
import dev.kiln.op.Gradient;
import dev.kiln.op.GradientRule;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ScalarForm;
import dev.kiln.op.ShapeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * An elementwise op of one input whose output has the input's shape and dtype, as MXNet's legacy unary ops. Its math
 * is one float64 function; floating dtypes round its result to their precision, integer dtypes cast it with MXNet's
 * rules ({@link dev.kiln.ndarray.Casting}) unless the op computes natively on integers (negative, sign, relu, ...).
 * Cheap ops add a float32 loop HotSpot vectorises; it must give exactly the float64 function's result rounded to
 * float32, which is what the op's {@link ElementwiseFormula} promises a fusing compiler.
 */
public class UnaryOp extends OpDef {
    /** Elements per parallel chunk. */
    static final int GRAIN = 16384;
    /** Elements per parallel chunk for functions costing hundreds of nanoseconds (erfinv, gamma). */
    static final int COSTLY_GRAIN = 512;

    /** A float32 loop {@code out[i] = f(in[i])} over {@code [from, to)}, written so HotSpot can vectorise it. */
    @FunctionalInterface
    public interface FloatLoop {
        void run(float[] in, float[] out, int from, int to);
    }

    private final String doc;
    private final DoubleUnaryOperator math;
    private final ElementwiseFormula.Unary formula;
    private final LongUnaryOperator integerMath;
    private final FloatLoop floatLoop;
    private final int grain;
    private final GradientRule gradient;
    private final boolean differentiable;
    private final ScalarForm form;

    private UnaryOp(String name, String doc, DoubleUnaryOperator math, LongUnaryOperator integerMath,
                    FloatLoop floatLoop, int grain, GradientRule gradient, boolean differentiable, ScalarForm form,
                    String... aliases) {
        super(name, OpFamily.ELEMENTWISE, List.of("data"), List.of(), aliases);
        this.doc = doc;
        this.math = math;
        this.form = form;
        this.formula = ElementwiseFormula.rounding(name, math, form);
        this.integerMath = integerMath;
        this.floatLoop = floatLoop;
        this.grain = grain;
        this.gradient = gradient;
        this.differentiable = differentiable;
    }

    /** An op computing {@code math} in float64 for every dtype. */
    static UnaryOp of(String name, String doc, DoubleUnaryOperator math, String... aliases) {
        return new UnaryOp(name, doc, math, null, null, GRAIN, null, true, null, aliases);
    }

    /** This op, computing exactly on integer dtypes with {@code f} (wrapping like C++ integer arithmetic). */
    UnaryOp onIntegers(LongUnaryOperator f) {
        return new UnaryOp(name(), doc, math, f, floatLoop, grain, gradient, differentiable, form, aliasArray());
    }

    /** This op, with a vectorisable float32 loop for the same math. */
    UnaryOp float32(FloatLoop loop) {
        return new UnaryOp(name(), doc, math, integerMath, loop, grain, gradient, differentiable, form,
                aliasArray());
    }

    /** This op, split into smaller parallel chunks because each element is expensive. */
    UnaryOp costly() {
        return new UnaryOp(name(), doc, math, integerMath, floatLoop, COSTLY_GRAIN, gradient, differentiable, form,
                aliasArray());
    }

    /** This op, with its gradient rule (written with other ops through the context). */
    UnaryOp gradient(GradientRule rule) {
        return new UnaryOp(name(), doc, math, integerMath, floatLoop, grain, rule, true, form, aliasArray());
    }

    /**
     * This op, piecewise constant (rounding, sign, logical not): MXNet gives its input a zero gradient, so it is not
     * differentiable and backward passes zeros.
     */
    UnaryOp zeroGradient() {
        return new UnaryOp(name(), doc, math, integerMath, floatLoop, grain, null, false, form, aliasArray());
    }

    /** This op, with its math as a {@link ScalarForm} (for device kernels); it must agree with the math. */
    UnaryOp form(ScalarForm scalarForm) {
        return new UnaryOp(name(), doc, math, integerMath, floatLoop, grain, gradient, differentiable, scalarForm,
                aliasArray());
    }

    private String[] aliasArray() {
        return aliases().toArray(String[]::new);
    }

    @Override
    public boolean isDifferentiable() {
        return differentiable;
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        if (gradient == null) {
            return super.gradient(g);
        }
        return GradientRule.run(gradient, g);
    }

    @Override
    public String doc() {
        return doc;
    }

    /** The op's math on one float64 value. */
    public double apply(double x) {
        return math.applyAsDouble(x);
    }

    /** The float64 math, rounded to float32 for float32 data. */
    @Override
    public ElementwiseFormula elementwiseFormula(Attrs attrs, DType dtype) {
        return ElementwiseFormula.covers(dtype) ? formula : null;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(0));
    }

    /** The output has the input's shape, so either one gives the other (MXNet's {@code ElemwiseShape}). */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unifyAll();
    }

    /** Each output element reads only the input element at its index, so it may overwrite the input. */
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
        NDArray in = call.input(0);
        NDArray out = call.newOutput(0);
        map(math, integerMath, floatLoop, grain, in, out);
        return List.of(out);
    }

    /** {@code out = f(in)} elementwise for arrays of one dtype and size, choosing the dtype's fastest path. */
    static void map(DoubleUnaryOperator f, LongUnaryOperator onIntegers, FloatLoop floatLoop, int grain, NDArray in,
                    NDArray out) {
        int n = in.size();
        DType t = in.dtype();
        switch (t) {
            case FLOAT32 -> {
                float[] a = (float[]) in.data();
                float[] o = (float[]) out.data();
                if (floatLoop != null) {
                    Parallel.forRange(n, grain, (from, to) -> floatLoop.run(a, o, from, to));
                } else {
                    Parallel.forRange(n, grain, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            o[i] = (float) f.applyAsDouble(a[i]);
                        }
                    });
                }
            }
            case FLOAT64 -> {
                double[] a = (double[]) in.data();
                double[] o = (double[]) out.data();
                Parallel.forRange(n, grain, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        o[i] = f.applyAsDouble(a[i]);
                    }
                });
            }
            default -> {
                Object a = in.data();
                Object o = out.data();
                if (t.isIntegral() && onIntegers != null) {
                    Parallel.forRange(n, grain, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            Storage.setLong(t, o, i, onIntegers.applyAsLong(Storage.getLong(t, a, i)));
                        }
                    });
                } else {
                    Parallel.forRange(n, grain, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            Storage.set(t, o, i, f.applyAsDouble(Storage.get(t, a, i)));
                        }
                    });
                }
            }
        }
    }
}
