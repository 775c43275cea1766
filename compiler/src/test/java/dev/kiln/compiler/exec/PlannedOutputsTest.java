package dev.kiln.compiler.exec;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.compiler.exec.ExecFixtures.assertSameBits;
import static dev.kiln.compiler.exec.ExecFixtures.heads;
import static dev.kiln.compiler.exec.ExecFixtures.inputs;
import static dev.kiln.compiler.exec.ExecFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How kernels get their planned output arrays: cleared before an op that relies on zeros, handed as they are to an op
 * that declares it fills them ({@link OpDef#fillsOutputs}), and replaced by the caller's gradient buffers in a
 * backward that is given them.
 */
class PlannedOutputsTest {

    /**
     * {@code out = x + 1}, either assigned (declaring it fills its output) or added onto the output (relying on zeros);
     * notes whether each output array it got was all zeros.
     */
    private static final class PlusOne extends OpDef {
        private final boolean fills;
        final List<Boolean> gotZeros = new ArrayList<>();

        PlusOne(boolean fills) {
            super("_test_plus_one", OpFamily.ELEMENTWISE, List.of("data"), List.of());
            this.fills = fills;
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            return List.of(in.get(0));
        }

        @Override
        public boolean fillsOutputs(Attrs attrs) {
            return fills;
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            float[] x = call.input(0).floatData();
            NDArray out = call.newOutput(0);
            float[] y = out.floatData();
            boolean zeros = true;
            for (int i = 0; i < y.length; i++) {
                zeros &= y[i] == 0f;
                y[i] = fills ? x[i] + 1 : y[i] + x[i] + 1;
            }
            gotZeros.add(zeros);
            return List.of(out);
        }
    }

    /**
     * data, the probe three times, softmax: the first two probes get new buffers, the third the first one's again
     * (its value is dead by then).
     */
    private static Graph throughReusedBuffer(OpDef probe) {
        OpDef softmax = OpRegistry.global().get("softmax");
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Variable("data", Map.of()));
        for (int k = 1; k <= 3; k++) {
            nodes.add(new OpNode("probe" + k, probe, probe.defaultAttrs(), List.of(new Entry(k - 1, 0)), Map.of()));
        }
        nodes.add(new OpNode("soft", softmax, softmax.defaultAttrs(), List.of(new Entry(3, 0)), Map.of()));
        return new Graph(nodes, List.of(new Entry(4, 0)));
    }

    @Test
    void aReusedBufferIsClearedOnlyForOpsThatDoNotDeclareTheyFillIt() {
        Shape data = Shape.of(3, 5);
        for (boolean fills : new boolean[] {false, true}) {
            PlusOne probe = new PlusOne(fills);
            CompileRequest req = request(throughReusedBuffer(probe), Map.of("data", data), false, false, true, true);
            CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
            CompiledGraph ref = Backends.get(Backends.INTERPRETER_OPT).compile(req);
            NDArray[] in = inputs(new java.util.Random(2), req, data);
            for (int call = 0; call < 2; call++) {
                probe.gotZeros.clear();
                NDArray[] actual = jit.infer(in);
                // a buffer is new (zeros) only for the first two probes of the first call
                boolean[] zeros = {!fills || call == 0, !fills || call == 0, !fills};
                assertThat(probe.gotZeros).as("fills %s, call %d", fills, call)
                        .containsExactly(zeros[0], zeros[1], zeros[2]);
                assertSameBits(actual, ref.infer(in), "fills " + fills + ", call " + call);
            }
        }
    }

    @Test
    void aBackwardGivenGradientBuffersWritesTheGradientsStraightIntoThem() {
        Shape data = Shape.of(4, 10);
        CompileRequest req = request(ExecFixtures.mlp(), Map.of("data", data), true, true, true, true);
        CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
        CompiledGraph ref = Backends.get(Backends.INTERPRETER_OPT).compile(req);
        java.util.Random r = new java.util.Random(21);
        NDArray[] x = inputs(r, req, data);
        CompiledGraph.Execution a = jit.run(x);
        CompiledGraph.Execution b = ref.run(x);
        NDArray[] h = heads(r, b.outputs());
        NDArray[] expected = b.backward(h);
        NDArray[] into = new NDArray[expected.length];
        for (int k = 0; k < into.length; k++) {
            into[k] = NDArray.full(expected[k].shape(), 9.0, expected[k].dtype(), expected[k].device());
        }
        NDArray[] written = a.backward(h, into);
        assertSameBits(written, expected, "gradients written into the given arrays");
        for (int k = 0; k < into.length; k++) {
            // the data gradient is a reshape of a product, sharing its buffer: it keeps the plan's
            if (!req.gradients().get(k).equals("data")) {
                assertThat(written[k].data()).as("gradient of %s", req.gradients().get(k)).isSameAs(into[k].data());
            }
        }
        assertSameBits(a.backward(h), expected, "a later backward without arrays");
        assertSameBits(into, expected, "the given arrays after a later backward without them");
    }

    @Test
    void anArrayTheBackwardReadsOrOfTheWrongShapeIsNotWrittenInto() {
        Shape data = Shape.of(4, 10);
        CompileRequest req = request(ExecFixtures.mlp(), Map.of("data", data), true, true, true, true);
        CompiledGraph jit = Backends.get(Backends.JIT).compile(req);
        java.util.Random r = new java.util.Random(22);
        NDArray[] x = inputs(r, req, data);
        NDArray[] xKept = ExecFixtures.copies(x);
        CompiledGraph.Execution a = jit.run(x);
        NDArray[] h = heads(r, a.outputs());
        NDArray[] expected = ExecFixtures.copies(a.backward(h));
        NDArray[] into = new NDArray[expected.length];
        int weight = req.gradients().indexOf("dense1_weight");
        int input = req.inputs().indexOf("dense1_weight");
        into[weight] = x[input]; // the weight itself, which backward reads
        int bias = req.gradients().indexOf("dense1_bias");
        into[bias] = NDArray.zeros(Shape.of(expected[bias].size() + 1), expected[bias].dtype(),
                expected[bias].device());
        NDArray[] written = a.backward(h, into);
        assertSameBits(written, expected, "gradients");
        assertThat(written[weight].data()).isNotSameAs(into[weight].data());
        assertThat(written[bias].data()).isNotSameAs(into[bias].data());
        assertSameBits(x, xKept, "inputs after the backward");
    }
}
