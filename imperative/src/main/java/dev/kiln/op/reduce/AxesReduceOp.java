package dev.kiln.op.reduce;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.GradientRule;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * A reduction over {@code axis} (a tuple, or None for all) with MXNet's {@code keepdims} and {@code exclude}:
 * {@code sum}, {@code mean}, {@code prod}, {@code nansum}, {@code nanprod}, {@code max}, {@code min} and Kiln's
 * {@code logsumexp}. The output keeps the input dtype; integer inputs reduce exactly in 64 bits and wrap to it.
 */
public final class AxesReduceOp extends OpDef {
    public static final AttrSpec<IntTuple> AXIS = AttrSpec.optional("axis", AttrType.TUPLE,
            "axes to reduce; None or () reduces all, negative values count from the end");
    public static final AttrSpec<Boolean> KEEPDIMS = AttrSpec.of("keepdims", AttrType.BOOL, false,
            "keep reduced axes as dimensions of size one");
    public static final AttrSpec<Boolean> EXCLUDE = AttrSpec.of("exclude", AttrType.BOOL, false,
            "reduce the axes NOT listed in axis instead");

    private final String doc;
    private final LaneMath math;
    private final LaneReducer.IntKind intKind;
    private final boolean needsElements;
    private final GradientRule rule;

    /**
     * @param math          the floating-point math
     * @param intKind       the exact integer reduction, or null to use {@code math} for integer inputs too
     * @param needsElements true if an empty input is an error (max, min), as in MXNet's shape check
     * @param rule          the gradient rule ({@link ReduceGradients})
     */
    AxesReduceOp(String name, String doc, LaneMath math, LaneReducer.IntKind intKind, boolean needsElements,
                 GradientRule rule, String... aliases) {
        super(name, OpFamily.REDUCE, List.of("data"), List.of(AXIS, KEEPDIMS, EXCLUDE), aliases);
        this.doc = doc;
        this.math = math;
        this.intKind = intKind;
        this.needsElements = needsElements;
        this.rule = rule;
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return GradientRule.run(rule, g);
    }

    @Override
    public String doc() {
        return doc;
    }

    /** The floating-point math of this reduction (what a fused kernel must compute per lane). */
    public LaneMath laneMath() {
        return math;
    }

    /** Which axes of an input of shape {@code s} these attributes reduce. */
    public boolean[] reducedAxes(Attrs attrs, Shape s) {
        return axes(attrs, s).reduced();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape s = in.get(0);
        if (needsElements && s.size() == 0) {
            throw error("input 'data' of shape " + s + " has no elements; " + name() + " of an empty array is undefined");
        }
        return List.of(axes(attrs, s).outShape());
    }

    /** As MXNet: once the input's rank is known the output follows, its kept dims known or not. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.forwardFromRank(s -> axes(slots.attrs(), s).outShape());
    }

    private ReduceAxes axes(Attrs attrs, Shape s) {
        return ReduceAxes.of(this, s, attrs.get(AXIS), attrs.get(KEEPDIMS), attrs.get(EXCLUDE));
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray in = call.input(0);
        NDArray out = call.newOutput(0);
        LanePlan plan = LanePlan.of(in.shape(), axes(call.attrs(), in.shape()).reduced());
        if (in.dtype().isIntegral() && intKind != null) {
            if (intKind == LaneReducer.IntKind.MEAN && plan.laneLength() == 0 && plan.outputs() > 0) {
                throw error("integer mean over an empty axis of input 'data' of shape " + in.shape()
                        + " divides by zero");
            }
            LaneReducer.reduceIntegral(plan, in, out, intKind);
        } else {
            LaneReducer.reduce(plan, in, out, math);
        }
        return List.of(out);
    }
}
