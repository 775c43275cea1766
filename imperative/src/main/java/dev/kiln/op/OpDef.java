package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The single definition of an op: MXNet's name and aliases, typed attributes with MXNet's defaults, input and output
 * names, shape and dtype inference, and the reference CPU kernel. Eager execution ({@link Ops}), symbolic tracing,
 * autograd and the compiler all read this one definition; later layers attach their rules to it (gradient, lowering)
 * rather than keeping lists of their own. Users register their own ops by subclassing and calling
 * {@link OpRegistry#register(OpDef)}.
 */
public abstract class OpDef {
    private final String name;
    private final OpFamily family;
    private final List<String> aliases;
    private final List<String> inputs;
    private final List<AttrSpec<?>> attrSpecs;
    private final Map<String, AttrSpec<?>> attrSpecsByName;

    /**
     * @param name     MXNet's op name, e.g. {@code FullyConnected}
     * @param family   the family it is listed under
     * @param inputs   input names in MXNet's order, e.g. {@code data, weight, bias}
     * @param attrs    declared attributes
     * @param aliases  other names MXNet accepts, e.g. {@code broadcast_add}, {@code _plus}
     */
    protected OpDef(String name, OpFamily family, List<String> inputs, List<AttrSpec<?>> attrs, String... aliases) {
        this.name = name;
        this.family = family;
        this.inputs = List.copyOf(inputs);
        this.attrSpecs = List.copyOf(attrs);
        Map<String, AttrSpec<?>> byName = new java.util.LinkedHashMap<>();
        for (AttrSpec<?> spec : this.attrSpecs) {
            byName.put(spec.name(), spec);
        }
        this.attrSpecsByName = Collections.unmodifiableMap(byName);
        this.aliases = List.of(aliases);
    }

    public final String name() {
        return name;
    }

    public final OpFamily family() {
        return family;
    }

    public final List<String> aliases() {
        return aliases;
    }

    /**
     * The name symbol files store for this op: the name MXNet 1.x registers, so that MXNet loads what Kiln writes.
     * The same as {@link #name} except for ops Kiln names after NumPy where MXNet 1.x only has an {@code _npi_} op
     * ({@code matmul} is written {@code _npi_matmul}); reading accepts both, through the aliases.
     */
    public String mxnetName() {
        return name;
    }

    public final List<AttrSpec<?>> attrSpecs() {
        return attrSpecs;
    }

    /** The declared attributes by MXNet name, in declaration order (built once, read on every call). */
    final Map<String, AttrSpec<?>> attrSpecsByName() {
        return attrSpecsByName;
    }

    /** A one-line description for documentation and the generated surface. */
    public String doc() {
        return name;
    }

    /** Input names for these attributes; variadic ops (Concat, add_n) override to use {@code num_args}. */
    public List<String> inputNames(Attrs attrs) {
        return inputs;
    }

    /** The declared input names (for variadic ops, the pattern). */
    public final List<String> declaredInputs() {
        return inputs;
    }

    /** Indices of inputs that are auxiliary states the op updates in place (BatchNorm's moving statistics). */
    public List<Integer> auxInputIndices(Attrs attrs) {
        return List.of();
    }

    /**
     * The {@code __init__} annotation a variable read as input {@code index} is given when it has none, as MXNet's
     * {@code FSetInputVarAttrOnCompose} does (BatchNorm's moving mean starts at zero, PReLU's slope at 0.25), in
     * MXNet's initializer JSON form; {@code null} for none. Symbol composition and the upgrade of old symbol files
     * apply it.
     */
    public String inputVariableInit(Attrs attrs, int index) {
        return null;
    }

    /** Inputs that may be omitted (e.g. {@code bias} when {@code no_bias=True}): the input names actually used. */
    public int numInputs(Attrs attrs) {
        return inputNames(attrs).size();
    }

    /** Number of outputs (split's {@code num_outputs}, BatchNorm with {@code output_mean_var}). */
    public int numOutputs(Attrs attrs) {
        return 1;
    }

    /**
     * Outputs a caller sees; the rest are hidden outputs kept for the gradient (Dropout's mask), as MXNet's
     * {@code FNumVisibleOutputs}. Kernels and inference produce all {@link #numOutputs} outputs.
     */
    public int numVisibleOutputs(Attrs attrs) {
        return numOutputs(attrs);
    }

    /** Output names, MXNet style: {@code output}, or {@code output0, output1, ...}. */
    public List<String> outputNames(Attrs attrs) {
        int n = numOutputs(attrs);
        if (n == 1) {
            return List.of("output");
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add("output" + i);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Outputs whose kernel may write them over an input's storage (MXNet's {@code FInplaceOption}), so that a memory
     * planner can let the output take the buffer of an input that dies at this op. None by default; element-wise
     * ops declare {@code output 0 over input 0}, reshaping ops an identity.
     */
    public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
        return List.of();
    }

    /**
     * True if the kernel writes every element of each output it takes from {@link Invocation#newOutput} (it neither
     * reads nor accumulates into them, or clears them itself first), so a planning executor may hand it a buffer still
     * holding an earlier value without zero-filling it (MXNet's {@code kWriteTo} on a reused buffer). An output the
     * executor marks unused ({@link Invocation#isOutputUnused}) may be left as it was. False by default: outputs then
     * arrive zero-filled.
     */
    public boolean fillsOutputs(Attrs attrs) {
        return false;
    }

    /**
     * True if attributes this op does not declare are kept as strings rather than rejected ({@code Custom}, whose
     * keyword arguments belong to the registered operator); read them with {@link Attrs#extra}.
     */
    public boolean acceptsExtraAttrs() {
        return false;
    }

    /** Checks and completes attributes given as Java values or MXNet strings. */
    public final Attrs attrs(Map<String, ?> raw) {
        return Attrs.parse(this, raw);
    }

    /** All defaults. */
    public final Attrs defaultAttrs() {
        return Attrs.parse(this, Map.of());
    }

    /**
     * Output shapes from input shapes. Implementations check the inputs and throw {@link #error} messages naming the
     * argument, attribute and shapes involved.
     */
    public abstract List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes);

    /** Output dtypes from input dtypes; by default every input must share one dtype, which the outputs take. */
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = inputTypes.isEmpty() ? DType.FLOAT32 : inputTypes.get(0);
        for (int i = 1; i < inputTypes.size(); i++) {
            if (inputTypes.get(i) != t) {
                List<String> names = inputNames(attrs);
                throw error("input '" + names.get(i) + "' has dtype " + inputTypes.get(i) + " but '" + names.get(0)
                        + "' has " + t + "; cast one of them");
            }
        }
        List<DType> out = new ArrayList<>();
        for (int i = 0; i < numOutputs(attrs); i++) {
            out.add(t);
        }
        return out;
    }

    /**
     * Shape inference with partial knowledge, used by graph inference (symbols, hybridize, deferred parameter
     * shapes): reads the known slots and assigns what follows, forward to outputs and, where MXNet does it, backward
     * to inputs (FullyConnected's weight from its data). The default runs {@link #inferShapes} once every input is
     * known; ops override it to infer more. Assignments that contradict known shapes fail naming the slot.
     */
    public void inferShapesPartial(ShapeSlots slots) {
        slots.forward();
    }

    /**
     * Dtype inference with partial knowledge. The default runs {@link #inferTypes} once every input is known; for
     * ops that keep the default one-dtype rule of {@link #inferTypes} it also spreads a dtype known anywhere to every
     * input and output (MXNet's {@code ElemwiseType}), so a weight takes its data's dtype.
     */
    public void inferTypesPartial(TypeSlots slots) {
        if (usesDefaultTypeRule()) {
            slots.unifyAll();
        }
        slots.forward();
    }

    private Boolean defaultTypeRule;

    /** True if this op's class does not override {@link #inferTypes}, so all its slots share one dtype. */
    protected final boolean usesDefaultTypeRule() {
        Boolean d = defaultTypeRule;
        if (d == null) {
            try {
                d = getClass().getMethod("inferTypes", Attrs.class, List.class).getDeclaringClass() == OpDef.class;
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
            defaultTypeRule = d;
        }
        return d;
    }

    /** The reference CPU kernel: computes the outputs of one application. */
    public abstract List<NDArray> compute(Invocation call);

    /**
     * True if gradients flow through this op, by {@link #gradient}. Ops that return false either have a zero
     * gradient ({@link #hasZeroGradient}: argmax, comparisons' indices, BlockGrad) or none at all, and backward
     * through them is an error.
     */
    public boolean isDifferentiable() {
        return true;
    }

    /**
     * For ops that are not differentiable: true if backward treats their inputs' gradient as zero (MXNet's
     * {@code MakeZeroGradNodes}), false if backward through them is an error (random sampling).
     */
    public boolean hasZeroGradient() {
        return !isDifferentiable();
    }

    /**
     * The input gradients of one recorded application, written with other ops through {@code g} so that eager
     * autograd (NDArrays) and the graph gradient (Symbols) share the rule. Returns one entry per input
     * ({@link Gradient#grads}), {@code null} where an input gets no gradient (indices, auxiliary states).
     */
    public <T> List<T> gradient(Gradient<T> g) {
        throw error("declares itself differentiable but has no gradient rule");
    }

    /**
     * What this op computes on each element, for compilers that fuse elementwise chains, or {@code null} if it is not
     * a pure per-element function of inputs shaped like its output or the formula would not give its exact results
     * for {@code dtype} (Kiln's ops give formulas for float32 and float64). A broadcasting op gives its formula too;
     * a fuser applies it only where no input broadcasts. Attributes are read here, rounded as the kernel rounds them.
     */
    public ElementwiseFormula elementwiseFormula(Attrs attrs, DType dtype) {
        return null;
    }

    /**
     * True if an application draws from the global random generator in this mode (random sampling, Dropout in
     * training), so two applications to equal inputs may differ. Graph passes never merge, fold or drop such a node,
     * and keep it in order with the other draws, so a compiled graph draws what eager execution draws. By default the
     * {@link OpFamily#RANDOM} family is random.
     */
    public boolean isRandom(Attrs attrs, boolean training) {
        return family == OpFamily.RANDOM;
    }

    /**
     * True if an application changes state beyond its outputs in this mode: it updates inputs in place (BatchNorm's
     * moving statistics in training) or advances the global random generator ({@link #isRandom}). Graph passes keep
     * such a node even when nothing reads its outputs, and never merge two of them.
     */
    public boolean hasSideEffects(Attrs attrs, boolean training) {
        return isRandom(attrs, training);
    }

    /** An error that starts with this op's name. */
    public final KilnException error(String message) {
        return new KilnException("op '" + name + "': " + message);
    }

    @Override
    public String toString() {
        return name;
    }
}
