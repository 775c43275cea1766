package dev.kiln.rnn;

import dev.kiln.autograd.Autograd;
import dev.kiln.init.Uniform;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Ops;
import dev.kiln.op.surface.ND;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.symbol.Sym;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class RecurrentCellTest {

    private static NDArray swap(NDArray x) {
        return Ops.call("swapaxes", Map.of("dim1", 0, "dim2", 1), x);
    }

    @Test
    void cellsAreNamedShapedAndPrintedAsGluons() {
        LSTMCell lstm = new LSTMCell(10);
        assertThat(lstm.prefix()).isEqualTo("lstm0_");
        assertThat(lstm.collectParams().keys()).containsExactly("lstm0_i2h_weight", "lstm0_h2h_weight",
                "lstm0_i2h_bias", "lstm0_h2h_bias");
        assertThat(lstm.i2hWeight().shape()).isEqualTo(Shape.partial(40, -1));
        assertThat(lstm.h2hWeight().shape()).isEqualTo(Shape.of(40, 10));
        assertThat(lstm).hasToString("LSTMCell(None -> 40)");
        assertThat(lstm.stateInfo(3)).containsExactly(new StateInfo(Shape.of(3, 10), "NC", DType.FLOAT32),
                new StateInfo(Shape.of(3, 10), "NC", DType.FLOAT32));
        RNNCell rnn = RNNCell.builder(4).activation("relu").inputSize(6).build();
        assertThat(rnn).hasToString("RNNCell(6 -> 4, relu)");
        assertThat(rnn.prefix()).isEqualTo("rnn0_");
        GRUCell gru = new GRUCell(5);
        assertThat(gru.h2hBias().shape()).isEqualTo(Shape.of(15));
        gru.initialize();
        List<NDArray> out = gru.call(Random.uniform(-1, 1, 2, 7), gru.beginState(2));
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).hasShape(2, 5);
        assertThat(gru).hasToString("GRUCell(7 -> 15)");
        assertThat(new DropoutCell(0.5)).hasToString("DropoutCell(rate=0.5, axes=())");
        assertThat(new ResidualCell(new GRUCell(3)).prefix()).isEqualTo("gru1_residualcell");
        SequentialRNNCell stack = new SequentialRNNCell().add(new RNNCell(2)).add(new LSTMCell(3));
        assertThat(stack).hasToString("SequentialRNNCell(\n(0): RNNCell(None -> 2, tanh)\n(1): LSTMCell(None -> 12)\n)");
        assertThat(new BidirectionalCell(new GRUCell(1), new GRUCell(1)))
                .hasToString("BidirectionalCell(forward=GRUCell(None -> 3), backward=GRUCell(None -> 3))");
    }

    @Test
    void anRnnCellStepIsTheActivationOfBothAffineMaps() {
        RNNCell cell = RNNCell.builder(2).inputSize(3).build();
        cell.initialize(new Uniform(1));
        NDArray x = Random.uniform(-1, 1, 1, 3);
        NDArray h = Random.uniform(-1, 1, 1, 2);
        List<NDArray> out = cell.call(x, List.of(h));
        double[] w = cell.i2hWeight().data().toDoubleArray();
        double[] u = cell.h2hWeight().data().toDoubleArray();
        double[] b = cell.i2hBias().data().toDoubleArray();
        double[] c = cell.h2hBias().data().toDoubleArray();
        double[] expected = new double[2];
        for (int j = 0; j < 2; j++) {
            double a = b[j] + c[j];
            for (int k = 0; k < 3; k++) {
                a += w[j * 3 + k] * x.getDouble(0, k);
            }
            for (int k = 0; k < 2; k++) {
                a += u[j * 2 + k] * h.getDouble(0, k);
            }
            expected[j] = Math.tanh(a);
        }
        assertThat(out.get(0)).isCloseTo(expected, 1e-6, 1e-7);
        assertThat(out.get(1)).isCloseTo(out.get(0), 0, 0);
        assertThatThrownBy(() -> cell.call(x, List.of()))
                .hasMessageContaining("takes an input and 1 state(s), got 1 value(s)");
    }

    @Test
    void unrolledCellsPassTheLayerChecks() {
        List<RecurrentCell> cells = List.of(new RNNCell(2), new LSTMCell(2), new GRUCell(2),
                new SequentialRNNCell().add(new LSTMCell(2)).add(new DropoutCell(0.3)).add(new GRUCell(3)),
                new ResidualCell(GRUCell.builder(2).inputSize(2).build()),
                new BidirectionalCell(new LSTMCell(2), new GRUCell(1)));
        int[] width = {2, 2, 2, 3, 2, 3};
        for (int i = 0; i < cells.size(); i++) {
            UnrolledCell block = new UnrolledCell(cells.get(i), 3, i % 2 == 0 ? "TNC" : "NTC");
            block.initialize(new Uniform(0.5));
            NDArray x = Random.uniform(-1, 1, 3, 3, 2);
            LayerCheck.of(block, x).expectShape(3, 3, width[i]).run();
        }
    }

    @Test
    void dropoutCellDropsOnlyInTrainingAndLayerChecksInTraining() {
        DropoutCell cell = new DropoutCell(0.5);
        NDArray x = Random.uniform(1, 2, 4, 3, 5);
        assertThat(cell.unroll(4, x, null, "TNC", true).merged()).isCloseTo(x, 0, 0);
        Unrolled<NDArray> trained;
        try (var ignored = Autograd.trainMode()) {
            trained = cell.unroll(4, x, null, "TNC", false);
        }
        assertThat(trained.steps()).hasSize(4);
        double[] values = Ops.call("stack", Map.of("axis", 0, "num_args", 4), trained.steps().toArray(NDArray[]::new))
                .toDoubleArray();
        double[] in = x.toDoubleArray();
        for (int i = 0; i < in.length; i++) {
            assertThat(values[i]).isIn(0.0, in[i] * 2);
        }
        assertThat(values).contains(0.0);
        UnrolledCell block = new UnrolledCell(new SequentialRNNCell().add(new GRUCell(2)).add(new DropoutCell(0.5)),
                2, "TNC");
        block.initialize(new Uniform(0.5));
        NDArray in2 = Random.uniform(-1, 1, 2, 3, 2);
        block.call(in2); // completes the deferred weight first: its initialiser would draw from the seeded generator
        LayerCheck.of(block, in2).training(true).run();
    }

    @Test
    void mergeOutputsLayoutsAndStepInputsAgree() {
        LSTMCell cell = new LSTMCell(3);
        cell.initialize(new Uniform(0.5));
        NDArray tnc = Random.uniform(-1, 1, 4, 2, 5);
        Unrolled<NDArray> merged = cell.unroll(4, tnc, null, "TNC", true);
        assertThat(merged.merged()).hasShape(4, 2, 3);
        assertThat(merged.states()).hasSize(2);
        Unrolled<NDArray> asIs = cell.unroll(4, tnc, null, "TNC", null);
        assertThat(asIs.isMerged()).as("a stepping cell gives steps when not asked to merge").isFalse();
        assertThat(asIs.steps()).hasSize(4);
        for (int t = 0; t < 4; t++) {
            NDArray step = Ops.call("slice_axis", Map.of("axis", 0, "begin", t, "end", t + 1), merged.merged())
                    .reshape(2, 3);
            assertThat(asIs.steps().get(t)).isCloseTo(step, 0, 0);
        }
        Unrolled<NDArray> ntc = cell.unroll(4, swap(tnc), null, "NTC", true);
        assertThat(ntc.merged()).hasShape(2, 4, 3).isCloseTo(swap(merged.merged()), 0, 0);
        List<NDArray> steps = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            steps.add(Ops.call("slice_axis", Map.of("axis", 0, "begin", t, "end", t + 1), tnc).reshape(2, 5));
        }
        Unrolled<NDArray> fromSteps = cell.unroll(ND.nd, 4, steps, cell.beginState(2), "TNC", true);
        assertThat(fromSteps.merged()).isCloseTo(merged.merged(), 0, 0);
        assertThat(fromSteps.states().get(1)).isCloseTo(merged.states().get(1), 0, 0);
        assertThatThrownBy(() -> cell.unroll(ND.nd, 3, steps, null, "TNC", true))
                .hasMessageContaining("length 3 but 4 step inputs");
        assertThatThrownBy(() -> cell.unroll(4, tnc, null, "TCN", true)).hasMessageContaining("'TNC' or 'NTC'");
    }

    @Test
    void symbolicUnrollNamesEachStepsNodesAfterTheCell() {
        GRUCell cell = new GRUCell(2);
        Unrolled<Symbol> u = cell.unroll(Sym.sym, 3, Symbol.var("data"), null, "NTC", true);
        List<String> nodes = u.merged().getInternals().listOutputs();
        assertThat(nodes).contains("gru0_t0_i2h_output", "gru0_t2_out_output", "gru0_t1_h2h_slice_output0");
        assertThat(u.states()).hasSize(1);
    }

    @Test
    void residualCellAddsTheInputToTheBaseCellsOutput() {
        GRUCell base = GRUCell.builder(3).inputSize(3).build();
        ResidualCell cell = new ResidualCell(base);
        cell.initialize(new Uniform(0.5));
        NDArray x = Random.uniform(-1, 1, 2, 4, 3);
        NDArray plain = base.unroll(4, x, null, "NTC", true).merged();
        assertThat(cell.unroll(4, x, null, "NTC", true).merged())
                .isCloseTo(Ops.call("elemwise_add", plain, x), 1e-6, 1e-7);
        List<NDArray> step = cell.call(Random.uniform(-1, 1, 2, 3), cell.beginState(2));
        assertThat(step).hasSize(2);
    }

    @Test
    void bidirectionalCellJoinsForwardAndReversedBackwardOutputs() {
        LSTMCell fwd = new LSTMCell(2);
        GRUCell bwd = new GRUCell(3);
        BidirectionalCell cell = new BidirectionalCell(fwd, bwd);
        cell.initialize(new Uniform(0.5));
        NDArray x = Random.uniform(-1, 1, 3, 2, 4);
        Unrolled<NDArray> u = cell.unroll(3, x, null, "TNC", true);
        assertThat(u.merged()).hasShape(3, 2, 5);
        assertThat(u.states()).hasSize(3);
        NDArray forward = fwd.unroll(3, x, null, "TNC", true).merged();
        NDArray reversed = Ops.call("reverse", Map.of("axis", IntTuple.of(0)), x);
        NDArray backward = Ops.call("reverse", Map.of("axis", IntTuple.of(0)),
                bwd.unroll(3, reversed, null, "TNC", true).merged());
        assertThat(u.merged()).isCloseTo(Ops.call("concat", Map.of("dim", 2, "num_args", 2), forward, backward),
                1e-6, 1e-7);
        Unrolled<NDArray> perStep = cell.unroll(3, x, null, "TNC", false);
        assertThat(perStep.steps()).hasSize(3).allSatisfy(s -> assertThat(s).hasShape(2, 5));
        assertThatThrownBy(() -> cell.call(Random.uniform(-1, 1, 2, 4), cell.beginState(2)))
                .hasMessageContaining("cannot be stepped");
    }

    @Test
    void aSequentialStepFeedsEachCellsOutputToTheNext() {
        RNNCell first = new RNNCell(3);
        LSTMCell second = new LSTMCell(2);
        SequentialRNNCell stack = new SequentialRNNCell().add(first).add(second);
        stack.initialize(new Uniform(0.5));
        assertThat(stack.size()).isEqualTo(2);
        assertThat(stack.get(1)).isSameAs(second);
        NDArray x = Random.uniform(-1, 1, 2, 4);
        List<NDArray> begin = new ArrayList<>();
        for (StateInfo s : stack.stateInfo(2)) {
            begin.add(Random.uniform(-1, 1, s.shape().dims()));
        }
        List<NDArray> out = stack.call(x, begin);
        List<NDArray> a = first.call(x, begin.subList(0, 1));
        List<NDArray> b = second.call(a.get(0), begin.subList(1, 3));
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isCloseTo(b.get(0), 0, 0);
        assertThat(out.get(1)).isCloseTo(a.get(1), 0, 0);
        assertThat(out.get(3)).isCloseTo(b.get(2), 0, 0);
        RNNCell deferred = new RNNCell(4);
        deferred.initialize();
        deferred.call(Random.uniform(-1, 1, 2, 3), deferred.beginState(2));
        assertThat(deferred.i2hWeight().shape()).isEqualTo(Shape.of(4, 3));
    }
}
