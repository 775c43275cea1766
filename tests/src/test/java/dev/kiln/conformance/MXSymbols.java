package dev.kiln.conformance;

import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds MXNet symbols the way MXNet's Python front end does (variables with attributes, ops composed positionally
 * with string attributes and a name) and frees every one when closed; also runs a graph in both libraries and
 * compares, which the symbol JSON conformance tests share.
 */
final class MXSymbols implements AutoCloseable {
    private final MXNet mx = MXNet.get();
    private final List<MXSymbol> made = new ArrayList<>();

    private MXSymbol keep(MXSymbol s) {
        made.add(s);
        return s;
    }

    /** {@code mx.sym.var(name)} with annotations given as key, value pairs. */
    MXSymbol var(String name, String... keyValues) {
        MXSymbol v = keep(MXSymbol.variable(mx, name));
        for (int i = 0; i < keyValues.length; i += 2) {
            v.setAttr(keyValues[i], keyValues[i + 1]);
        }
        return v;
    }

    /** {@code mx.sym.<op>(*inputs, name=name, **attrs)}. */
    MXSymbol op(String op, String name, Map<String, String> attrs, MXSymbol... inputs) {
        return keep(MXSymbol.op(mx, op, attrs, name, inputs));
    }

    MXSymbol output(MXSymbol s, int index) {
        return keep(s.output(index));
    }

    MXSymbol group(MXSymbol... symbols) {
        return keep(MXSymbol.group(mx, symbols));
    }

    /** {@code mx.sym.load_json(json)}. */
    MXSymbol fromJson(String json) {
        return keep(MXSymbol.fromJson(mx, json));
    }

    @Override
    public void close() {
        made.forEach(MXSymbol::close);
        made.clear();
    }

    /**
     * Checks that MXNet and Kiln see the same symbol: argument, output and auxiliary-state names; the shapes MXNet
     * infers from {@code dataShapes}, which Kiln must infer too from the full argument shapes; and the outputs both
     * compute (MXNet as a cached op, Kiln with its interpreter, in inference mode) on the same seeded inputs.
     */
    static void assertSameSymbol(MXSymbol mxnet, Graph kiln, Map<String, Shape> dataShapes, long seed, Tolerance tol) {
        Symbol k = Symbol.fromGraph(kiln);
        assertThat(k.listArguments()).as("list_arguments").isEqualTo(mxnet.listArguments());
        assertThat(k.listOutputs()).as("list_outputs").isEqualTo(mxnet.listOutputs());
        assertThat(k.listAuxiliaryStates()).as("list_auxiliary_states").isEqualTo(mxnet.listAuxiliaryStates());
        assertThat(k.listInputs()).as("list_inputs").isEqualTo(mxnet.listInputs());

        MXSymbol.Shapes shapes = mxnet.inferShape(dataShapes);
        assertThat(shapes).as("MXNet completes shape inference from " + dataShapes).isNotNull();
        Map<String, Shape> argShapes = new LinkedHashMap<>();
        for (int i = 0; i < shapes.arguments().size(); i++) {
            argShapes.put(mxnet.listArguments().get(i), shapes.arguments().get(i));
        }
        Map<String, Shape> auxShapes = new LinkedHashMap<>();
        for (int i = 0; i < shapes.auxiliaryStates().size(); i++) {
            auxShapes.put(mxnet.listAuxiliaryStates().get(i), shapes.auxiliaryStates().get(i));
        }
        Map<String, Shape> all = new LinkedHashMap<>(argShapes);
        all.putAll(auxShapes);
        var kilnShapes = k.inferShape(all);
        assertThat(kilnShapes.outputs()).as("output shapes").isEqualTo(shapes.outputs());

        CaseRandom r = new CaseRandom(seed);
        Map<String, NDArray> inputs = new LinkedHashMap<>();
        all.forEach((name, s) -> inputs.put(name, name.endsWith("moving_var")
                ? r.array(s, DType.FLOAT32, 0.5, 2) : r.floats(s)));
        List<NDArray> expected = mxnet.run(inputs, false);
        List<NDArray> actual = Interpreter.eval(kiln, inputs, false);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Optional<String> diff = ArrayComparison.compare(actual.get(i), expected.get(i), tol);
            assertThat(diff).as("output " + i + " (" + k.listOutputs().get(i) + ")").isEmpty();
        }
    }
}
