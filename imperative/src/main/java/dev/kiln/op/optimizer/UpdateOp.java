package dev.kiln.op.optimizer;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.ArrayList;
import java.util.List;

/**
 * One of MXNet's fused optimizer updates ({@code sgd_update}, {@code adam_update}, ...): the output is the updated
 * weight, and the state inputs (momentum, moments) are updated in place, as MXNet's {@code FMutateInputs}, so they are
 * declared auxiliary. Inputs other than the one-element ones ({@code lamb_update_phase2}'s norms,
 * {@code _adamw_update}'s {@code rescale_grad}) share the weight's shape. The rule runs per element in double
 * precision on the attributes rounded to float32, as MXNet's kernels take them. Updates are not differentiable.
 */
final class UpdateOp extends OpDef {
    static final AttrSpec<Double> LR = AttrSpec.required("lr", AttrType.FLOAT, "learning rate");
    static final AttrSpec<Double> WD = AttrSpec.of("wd", AttrType.FLOAT, 0.0,
            "weight decay, added to the loss as 0.5 * wd * ||weight||^2");
    static final AttrSpec<Double> RESCALE_GRAD = AttrSpec.of("rescale_grad", AttrType.FLOAT, 1.0,
            "gradient multiplier, applied before clipping");
    static final AttrSpec<Double> CLIP_GRADIENT = AttrSpec.of("clip_gradient", AttrType.FLOAT, -1.0,
            "clip the rescaled gradient to [-clip_gradient, clip_gradient]; negative turns clipping off");
    static final AttrSpec<Boolean> LAZY_UPDATE = AttrSpec.of("lazy_update", AttrType.BOOL, true,
            "update only the rows of a row-sparse gradient (dense arrays are always updated fully)");
    static final AttrSpec<Double> MOMENTUM = AttrSpec.of("momentum", AttrType.FLOAT, 0.0, "momentum");

    /** The per-element rule of one call: returns the new weight at {@code i} and writes the states in {@code v}. */
    interface ElementRule {
        double apply(double[][] v, int i);
    }

    /** Binds a call's attributes and one-element inputs into its per-element rule. */
    interface Rule {
        ElementRule bind(Params p, double[][] v);
    }

    /**
     * The call's attributes, read as MXNet's kernels read them (float32), with the ones most updates take at hand:
     * {@code lr}, {@code wd}, {@code rescale_grad} and {@code clip_gradient} (NaN where the op has no such
     * attribute).
     */
    record Params(Attrs attrs, double lr, double wd, double rescale, double clipBound) {
        Params(Attrs attrs) {
            this(attrs, common(attrs, "lr"), common(attrs, "wd"), common(attrs, "rescale_grad"),
                    common(attrs, "clip_gradient"));
        }

        private static double common(Attrs attrs, String name) {
            Object v = attrs.values().get(name);
            return v instanceof Double d ? (float) (double) d : Double.NaN;
        }

        double get(AttrSpec<Double> spec) {
            return (float) (double) attrs.get(spec);
        }

        /** MXNet's {@code clip::Map} when {@code clip_gradient >= 0}, else {@code g}. */
        double clipGradient(double g) {
            return clipBound >= 0 ? clip(g, clipBound) : g;
        }
    }

    private final List<Integer> states;
    private final List<Integer> scalars;
    private final String doc;
    private final Rule rule;

    UpdateOp(String name, List<String> inputs, List<Integer> states, List<Integer> scalars, List<AttrSpec<?>> attrs,
             String doc, Rule rule, String... aliases) {
        super(name, OpFamily.OPTIMIZER, inputs, attrs, aliases);
        this.states = List.copyOf(states);
        this.scalars = List.copyOf(scalars);
        this.doc = doc;
        this.rule = rule;
    }

    /** {@code x} limited to {@code [-bound, bound]}. */
    static double clip(double x, double bound) {
        return x > bound ? bound : (x < -bound ? -bound : x);
    }

    static double sign(double x) {
        return x > 0 ? 1 : (x < 0 ? -1 : 0);
    }

    @Override
    public String doc() {
        return doc;
    }

    @Override
    public List<Integer> auxInputIndices(Attrs attrs) {
        return states;
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    /** Backward through an update is an error, as in MXNet (no gradient is registered). */
    @Override
    public boolean hasZeroGradient() {
        return false;
    }

    @Override
    public boolean hasSideEffects(Attrs attrs, boolean training) {
        return true;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        List<String> names = inputNames(attrs);
        Shape weight = in.get(0);
        for (int i = 1; i < in.size(); i++) {
            if (scalars.contains(i)) {
                if (in.get(i).size() != 1) {
                    throw error("input '" + names.get(i) + "' must hold one element, got shape " + in.get(i));
                }
            } else if (!in.get(i).equals(weight)) {
                throw error("input '" + names.get(i) + "' has shape " + in.get(i) + " but 'weight' has " + weight);
            }
        }
        return List.of(weight);
    }

    /** The weight, the gradient, the states and the output share one shape. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        List<Integer> same = new ArrayList<>();
        for (int i = 0; i < declaredInputs().size(); i++) {
            if (!scalars.contains(i)) {
                same.add(i);
            }
        }
        slots.unify(same.stream().mapToInt(Integer::intValue).toArray(), new int[] {0});
        slots.forward();
    }

    /** Every input (one-element ones too) and the output share the weight's dtype, as MXNet's ElemwiseType. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unifyAll();
        slots.forward();
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        List<String> names = inputNames(attrs);
        DType t = in.get(0);
        if (!t.isFloating()) {
            throw error("input 'weight' has dtype " + t + "; updates take floating-point weights");
        }
        for (int i = 1; i < in.size(); i++) {
            if (in.get(i) != t) {
                throw error("input '" + names.get(i) + "' has dtype " + in.get(i) + " but 'weight' has " + t);
            }
        }
        return List.of(t);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        List<NDArray> in = call.inputs();
        double[][] v = new double[in.size()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.get(i).toDoubleArray();
        }
        ElementRule r = rule.bind(new Params(call.attrs()), v);
        int n = in.get(0).size();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.apply(v, i);
        }
        for (int s : states) {
            NDArray state = in.get(s);
            NDArray.wrap(state.shape(), DType.FLOAT64, state.device(), v[s]).copyTo(state);
        }
        NDArray result = call.newOutput(0);
        NDArray.wrap(result.shape(), DType.FLOAT64, result.device(), out).copyTo(result);
        return List.of(result);
    }
}
