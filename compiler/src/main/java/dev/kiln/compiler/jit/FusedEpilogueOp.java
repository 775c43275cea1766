package dev.kiln.compiler.jit;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.DerivedWeights;
import dev.kiln.op.EpilogueOp;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OutputEpilogue;
import dev.kiln.op.PooledOutputOp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A FullyConnected or Convolution node with the elementwise chain that reads its output fused in as an epilogue
 * ({@link EpilogueFusion}): the base op computes its product and, through {@link EpilogueOp#computeWithEpilogue}, the
 * epilogue's {@link FusedExpression} runs on each finished block of rows or image while it is in cache. Inputs are the
 * base op's ({@code data, weight[, bias]}) followed by the chain's other operands ({@code operand1, ...}, the result's
 * shape or a bias vector). Outputs are the base result when something else still reads it (the backward part, a graph
 * output), then the chain values read outside it, the last one always. An ordinary op, so the reference interpreter
 * runs it; the JIT attaches the generated kernel ({@link #withKernel}). Fused after the gradient graph is built, it has
 * no gradient rule. An empty epilogue (no steps) is a base op alone that keeps what it derives from a fixed weight
 * ({@link DerivedWeights}): an inference graph's last FullyConnected would otherwise pack its weight on every call.
 * A fused Convolution may end with the Pooling that alone reads its epilogue ({@link Pooling}): then its one output
 * is the pooled result, each image pooled as soon as it is finished ({@link PooledOutputOp}).
 */
public final class FusedEpilogueOp extends FusedOp {
    /** The op name of a fused FullyConnected. */
    public static final String LINEAR = "_kiln_fused_linear";
    /** The op name of a fused Convolution. */
    public static final String CONV = "_kiln_fused_conv";
    /** The op name of a fused Convolution whose images are pooled as they are finished. */
    public static final String CONV_POOL = "_kiln_fused_conv_pool";

    /**
     * The Pooling a fused Convolution ends with: its op, its attributes and the name of its node (the fused node's
     * one output).
     */
    public record Pooling(OpDef op, Attrs attrs, String name) {
    }

    private final OpDef base;
    private final Attrs baseParams;
    private final int numBaseInputs;
    private final int axis;
    private final String baseName;
    private final boolean emitsBase;
    private final FusedExpression expression;
    private final FusedKernel kernel;
    /** What the base op keeps from call to call, derived from its weight; null for none. */
    private final DerivedWeights derived;
    /** The pooling the images go through as they are finished; null for none. */
    private final Pooling pooling;

    /**
     * A fused node computing {@code base} (with {@code baseParams}, reading {@code numBaseInputs} inputs) and then
     * {@code expression}, whose value 0 is the base result and whose vector operands run along {@code axis} of it.
     */
    public FusedEpilogueOp(OpDef base, Attrs baseParams, int numBaseInputs, int axis, String baseName,
                           boolean emitsBase, FusedExpression expression) {
        this(base, baseParams, numBaseInputs, axis, baseName, emitsBase, expression, null);
    }

    /**
     * A fused node that keeps what its base op derives from the weight in {@code derived} from call to call (null:
     * nothing is kept); only for a weight that changes through counted writes alone ({@link DerivedWeights}).
     */
    public FusedEpilogueOp(OpDef base, Attrs baseParams, int numBaseInputs, int axis, String baseName,
                           boolean emitsBase, FusedExpression expression, DerivedWeights derived) {
        this(base, baseParams, numBaseInputs, axis, baseName, emitsBase, expression, expression, derived, null);
    }

    /**
     * A fused Convolution whose result, after {@code expression} (which reads no operands and has one output, or no
     * steps), goes through {@code pooling} image by image: the node's one output is the pooled result.
     */
    public FusedEpilogueOp(OpDef base, Attrs baseParams, int numBaseInputs, String baseName, FusedExpression expression,
                           DerivedWeights derived, Pooling pooling) {
        this(base, baseParams, numBaseInputs, 1, baseName, false, expression, expression, derived, pooling);
    }

    private FusedEpilogueOp(OpDef base, Attrs baseParams, int numBaseInputs, int axis, String baseName,
                            boolean emitsBase, FusedExpression expression, FusedKernel kernel,
                            DerivedWeights derived, Pooling pooling) {
        super(base.name().equals("Convolution") ? pooling != null ? CONV_POOL : CONV : LINEAR, OpFamily.NN,
                expression.dtype(), inputNames(base, baseParams, expression),
                pooling != null ? List.of(pooling.name()) : outputNames(emitsBase, baseName, expression));
        if (!(base instanceof EpilogueOp)) {
            throw error("base op " + base.name() + " takes no epilogue");
        }
        if (pooling != null && (!(base instanceof PooledOutputOp) || emitsBase || expression.numInputs() != 1
                || expression.outputs().size() > 1 || !expression.steps().isEmpty() && expression.outputs().isEmpty())) {
            throw error("a pooled " + base.name() + " needs a base op that pools its output and an epilogue with no "
                    + "operands and at most one output");
        }
        this.base = base;
        this.baseParams = baseParams;
        this.numBaseInputs = numBaseInputs;
        this.axis = axis;
        this.baseName = baseName;
        this.emitsBase = emitsBase;
        this.expression = expression;
        this.kernel = kernel;
        this.derived = derived;
        this.pooling = pooling;
    }

    private static List<String> inputNames(OpDef base, Attrs baseParams, FusedExpression expression) {
        List<String> in = new ArrayList<>(base.inputNames(baseParams));
        for (int k = 1; k < expression.numInputs(); k++) {
            in.add("operand" + k);
        }
        return in;
    }

    private static List<String> outputNames(boolean emitsBase, String baseName, FusedExpression expression) {
        List<String> out = new ArrayList<>();
        if (emitsBase) {
            out.add(baseName);
        }
        for (int v : expression.outputs()) {
            out.add(expression.stepOf(v).name());
        }
        return out;
    }

    /** This node computing its epilogue with {@code generated} (the same expression) instead of the reference. */
    public FusedEpilogueOp withKernel(FusedKernel generated) {
        return new FusedEpilogueOp(base, baseParams, numBaseInputs, axis, baseName, emitsBase, expression,
                generated, derived, pooling);
    }

    /** The epilogue; its value 0 is the base op's result. */
    public FusedExpression expression() {
        return expression;
    }

    /** What the base op keeps from call to call (derived from its weight), or null when nothing is kept. */
    public DerivedWeights derivedWeights() {
        return derived;
    }

    /** The fused FullyConnected or Convolution. */
    public OpDef base() {
        return base;
    }

    /** The pooling the images go through as they are finished, or null. */
    public Pooling pooling() {
        return pooling;
    }

    /** Whether the base op's result is output 0. */
    public boolean emitsBase() {
        return emitsBase;
    }

    @Override
    public String doc() {
        String what = expression.steps().isEmpty() ? pooling != null ? "" : " keeping what it derives from its weight"
                : " with the epilogue " + expression;
        String pooled = pooling == null ? ""
                : ", each image then pooled by " + pooling.op().name() + "(" + pooling.attrs().toMXNetStrings(
                        pooling.op()) + ")";
        return "Fused " + base.name() + "(" + baseParams.toMXNetStrings(base) + ")" + what + pooled;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape result = base.inferShapes(baseParams, in.subList(0, numBaseInputs)).getFirst();
        if (pooling != null) {
            return pooling.op().inferShapes(pooling.attrs(), List.of(result));
        }
        for (int k = numBaseInputs; k < in.size(); k++) {
            Boolean vector = EpilogueOperands.kind(in.get(k), result, axis);
            if (vector == null) {
                throw error("input '" + inputNames().get(k) + "' has shape " + in.get(k) + " but the " + base.name()
                        + " result is " + result + "; an epilogue operand has the result's shape or is a vector "
                        + "along axis " + axis + " (" + outputNames() + ")");
            }
        }
        return Collections.nCopies(outputNames().size(), result);
    }

    /** The base op writes its whole result and the epilogue then assigns every element of each output. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        List<NDArray> inputs = call.inputs();
        Shape result = call.outputShapes().getFirst();
        DType t = call.outputTypes().getFirst();
        if (pooling != null) {
            // the epilogue reads nothing but the result, so it runs in place on whichever array holds an image
            OutputEpilogue inPlace = expression.steps().isEmpty() ? null
                    : (c, from, to) -> kernel.run(new Object[] {c}, new Object[] {c}, from, to);
            Invocation baseCall = new Invocation(base, baseParams, inputs.subList(0, numBaseInputs), List.of(result),
                    List.of(t), call.device(), k -> call.newOutput(0));
            return List.of(((PooledOutputOp) base).computePooled(baseCall, inPlace, derived, pooling.op(),
                    pooling.attrs()));
        }
        int numOperands = expression.numInputs();
        Object[] in = new Object[numOperands];
        List<Boolean> vector = new ArrayList<>();
        vector.add(false);
        for (int k = 1; k < numOperands; k++) {
            NDArray operand = inputs.get(numBaseInputs + k - 1);
            in[k] = operand.data();
            vector.add(EpilogueOperands.kind(operand.shape(), result, axis));
        }
        EpilogueOperands operands = new EpilogueOperands(t, vector, result.get(axis),
                result.sizeOf(axis + 1, result.rank()));
        int numEpilogue = expression.outputs().size();
        List<NDArray> outputs = new ArrayList<>(outputNames().size());
        Object[] out = new Object[numEpilogue];
        List<NDArray> epilogueOutputs = new ArrayList<>(numEpilogue);
        // without the base among the outputs, the first epilogue output overwrites the base result in place
        for (int k = emitsBase ? 0 : 1; k < numEpilogue; k++) {
            NDArray o = call.newOutput(emitsBase ? k + 1 : k);
            epilogueOutputs.add(o);
            out[k] = o.data();
        }
        // either way output 0 holds the base result: the base computes straight into its planned array
        Invocation baseCall = new Invocation(base, baseParams, inputs.subList(0, numBaseInputs), List.of(result),
                List.of(t), call.device(), k -> call.newOutput(0));
        OutputEpilogue epilogue = expression.steps().isEmpty() ? null : (c, from, to) -> {
            Object[] ins = in.clone();
            ins[0] = c;
            Object[] outs = out.clone();
            if (!emitsBase) {
                outs[0] = c;
            }
            operands.run(kernel, ins, outs, from, to);
        };
        NDArray computed = ((EpilogueOp) base).computeWithEpilogue(baseCall, epilogue, derived);
        outputs.add(computed);
        outputs.addAll(epilogueOutputs);
        return outputs;
    }
}
