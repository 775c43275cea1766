package dev.kiln.graph.gradient;

import dev.kiln.autograd.Autograd;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.testing.GradientCase;
import dev.kiln.testing.GradientCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every op gradient case of the registry (the cases eager autograd is checked with) run through the graph gradient:
 * the op applied to variables as a symbol, its gradient graph interpreted, and the outputs, gradients and updated
 * auxiliary states compared with eager autograd on the same inputs, head gradients and random seed. Both run the
 * same kernels in the same order, so the results are identical. The same loop checks that shape and dtype inference
 * of the symbol agree with what the interpreter produced.
 */
class GraphGradientRegistryTest {
    private static final long SEED = 42;

    @TestFactory
    Stream<DynamicTest> graphGradientEqualsEagerAutogradForEveryOpCase() {
        return GradientCases.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    private static void check(GradientCase c) {
        OpDef op = OpRegistry.global().get(c.op());
        Attrs attrs = op.attrs(c.attrs());
        List<NDArray> x = inputs(c);
        List<String> names = variableNames(op.inputNames(attrs));
        int[] wrt = wrt(c, op, attrs, x);

        Eager eager = eager(op, attrs, x, wrt, c.training());

        List<Symbol> vars = new ArrayList<>();
        for (String n : names) {
            vars.add(Symbol.var(n));
        }
        Map<String, Object> symAttrs = new LinkedHashMap<>(c.attrs());
        symAttrs.put("name", "node");
        Symbol y = sym.call(op.name(), symAttrs, vars.toArray(Symbol[]::new));
        List<String> wrtNames = new ArrayList<>();
        for (int i : wrt) {
            wrtNames.add(names.get(i));
        }
        GradientGraph gg = GraphGradient.of(y.graph()).wrt(wrtNames.toArray(String[]::new)).training(c.training())
                .heads(eager.headOutputs).build();

        Map<String, NDArray> feed = new HashMap<>();
        List<NDArray> graphInputs = copies(x);
        for (int i = 0; i < names.size(); i++) {
            feed.put(names.get(i), graphInputs.get(i));
        }
        for (int k = 0; k < eager.heads.size(); k++) {
            if (eager.heads.get(k) != null) {
                feed.put(gg.headGradients().get(k), eager.heads.get(k));
            }
        }
        Random.seed(SEED);
        List<NDArray> results = Interpreter.eval(gg.graph(), feed, c.training());

        int nOut = gg.numForwardOutputs();
        assertThat(nOut).isEqualTo(eager.outputs.size());
        for (int k = 0; k < nOut; k++) {
            assertThat(results.get(k)).as("output %d", k).isEqualTo(eager.outputs.get(k));
        }
        for (int j = 0; j < wrt.length; j++) {
            assertThat(results.get(nOut + j)).as("gradient of '%s'", wrtNames.get(j)).isEqualTo(eager.grads.get(j));
        }
        for (int i : op.auxInputIndices(attrs)) {
            assertThat(graphInputs.get(i)).as("auxiliary state '%s' after the forward", names.get(i))
                    .isEqualTo(eager.inputs.get(i));
        }
        checkInference(y, names, x, results.subList(0, nOut));
    }

    /** Shape and dtype inference with every input known give the shapes and dtypes the interpreter produced. */
    private static void checkInference(Symbol y, List<String> names, List<NDArray> x, List<NDArray> outputs) {
        Map<String, Shape> shapes = new HashMap<>();
        Map<String, DType> types = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            shapes.put(names.get(i), x.get(i).shape());
            types.put(names.get(i), x.get(i).dtype());
        }
        InferenceResult<Shape> s = y.inferShape(shapes);
        InferenceResult<DType> t = y.inferType(types);
        for (int k = 0; k < outputs.size(); k++) {
            assertThat(s.outputs().get(k)).as("inferred shape of output %d", k).isEqualTo(outputs.get(k).shape());
            assertThat(t.outputs().get(k)).as("inferred dtype of output %d", k).isEqualTo(outputs.get(k).dtype());
        }
    }

    /** What eager autograd computed: outputs, head gradients (null for outputs left out), gradients, inputs after. */
    private record Eager(List<NDArray> outputs, List<NDArray> heads, int[] headOutputs, List<NDArray> grads,
                         List<NDArray> inputs) {
    }

    private static Eager eager(OpDef op, Attrs attrs, List<NDArray> x, int[] wrt, boolean training) {
        List<NDArray> vars = copies(x);
        List<NDArray> targets = new ArrayList<>();
        for (int i : wrt) {
            targets.add(vars.get(i).attachGrad());
        }
        Random.seed(SEED);
        List<NDArray> outs;
        try (var rec = Autograd.record(training)) {
            outs = Ops.invoke(op, attrs, vars);
        }
        java.util.Random r = new java.util.Random(SEED);
        List<NDArray> heads = new ArrayList<>();
        List<NDArray> headed = new ArrayList<>();
        List<NDArray> headGrads = new ArrayList<>();
        List<Integer> headOutputs = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) {
            NDArray o = outs.get(k);
            if (!o.dtype().isFloating() || o.autogradEntry() == null) {
                heads.add(null);
                continue;
            }
            NDArray h = NDArray.zeros(o.shape(), o.dtype(), o.device());
            for (int j = 0; j < h.size(); j++) {
                h.setDouble(j, r.nextDouble() * 2 - 1);
            }
            heads.add(h);
            headed.add(o);
            headGrads.add(h);
            headOutputs.add(k);
        }
        List<NDArray> grads = Autograd.grad(headed, targets, headGrads, false, false);
        List<NDArray> detached = new ArrayList<>();
        for (NDArray o : outs) {
            detached.add(o.detach());
        }
        return new Eager(detached, heads, headOutputs.stream().mapToInt(Integer::intValue).toArray(), grads, vars);
    }

    private static List<NDArray> inputs(GradientCase c) {
        DType precision = c.isFloat32() ? DType.FLOAT32 : DType.FLOAT64;
        List<NDArray> x = new ArrayList<>();
        for (NDArray a : c.inputs()) {
            x.add(a.dtype().isFloating() ? a.astype(precision) : a.copy());
        }
        return x;
    }

    private static List<NDArray> copies(List<NDArray> x) {
        List<NDArray> out = new ArrayList<>(x.size());
        for (NDArray a : x) {
            out.add(a.copy());
        }
        return out;
    }

    /** The case's checked inputs, else every floating input that is not an auxiliary state. */
    private static int[] wrt(GradientCase c, OpDef op, Attrs attrs, List<NDArray> x) {
        if (c.wrtIndices() != null) {
            return c.wrtIndices();
        }
        List<Integer> aux = op.auxInputIndices(attrs);
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (x.get(i).dtype().isFloating() && !aux.contains(i)) {
                idx.add(i);
            }
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The op's input names, made distinct where a variadic op repeats one. */
    private static List<String> variableNames(List<String> inputNames) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < inputNames.size(); i++) {
            String n = inputNames.get(i);
            out.add(out.contains(n) || inputNames.lastIndexOf(n) != i ? n + i : n);
        }
        return out;
    }
}
