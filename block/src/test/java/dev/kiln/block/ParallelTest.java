package dev.kiln.block;

import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.op.surface.F;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class ParallelTest {
    /** The largest of the branches' outputs, elementwise: a user connection. */
    private static final Connection MAX = new Connection() {
        @Override
        public <T> T join(F<T> F, List<T> outputs) {
            T acc = outputs.get(0);
            for (int i = 1; i < outputs.size(); i++) {
                acc = F.broadcastMaximum(acc, outputs.get(i));
            }
            return acc;
        }

        @Override
        public String toString() {
            return "max";
        }
    };

    private static double[] combine(NDArray a, NDArray b, java.util.function.DoubleBinaryOperator op) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = op.applyAsDouble(x[i], y[i]);
        }
        return out;
    }

    @Test
    void addsTheBranchesOutputsOnTheSameInput() {
        Parallel net = new Parallel(Connection.add(), new Dense(3, "tanh"), new Dense(3));
        net.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 2, 4);
        List<NDArray> out = LayerCheck.of(net, x).expectShape(2, 3).run();
        assertThat(out.get(0)).isCloseTo(combine(net.get(0).call(x), net.get(1).call(x), Double::sum), 1e-6, 1e-7);
        assertThat(net).hasToString("Parallel(\n  connection: add\n  (0): Dense(4 -> 3, Activation(tanh))\n"
                + "  (1): Dense(4 -> 3, linear)\n)");
    }

    @Test
    void givesEachBranchItsOwnInputWhenAsManyAreGiven() {
        Parallel net = new Parallel(Connection.mul(), new Dense(2), new Dense(2));
        net.initialize(new Xavier());
        NDArray a = Random.uniform(-1, 1, 3, 4);
        NDArray b = Random.uniform(-1, 1, 3, 5);
        List<NDArray> out = LayerCheck.of(net, a, b).expectShape(3, 2).run();
        assertThat(out.get(0)).isCloseTo(combine(net.get(0).call(a), net.get(1).call(b), (p, q) -> p * q),
                1e-6, 1e-7);
        assertThat(((Dense) net.get(1)).weight().shape()).isEqualTo(Shape.of(2, 5));
        assertThatThrownBy(() -> net.callAll(List.of(a, a, a)))
                .hasMessageContaining("in block 'parallel0' (Parallel)")
                .hasMessageContaining("has 2 branches and takes one input (given to every branch) or one input per "
                        + "branch (2), got 3");
    }

    @Test
    void mulBroadcastsAGateOverItsInput() {
        HybridLambda gate = new HybridLambda("sigmoid");
        Parallel net = new Parallel(Connection.mul(), new Identity(), gate);
        NDArray x = NDArray.of(Shape.of(2), 0f, 2f);
        double s = 1 / (1 + Math.exp(-2));
        assertThat(net.call(x)).isCloseTo(new double[] {0, 2 * s}, 1e-6, 0);
        LayerCheck.of(net, Random.uniform(-1, 1, 2, 3)).expectShape(2, 3).run();
    }

    @Test
    void concatenatesOrJoinsWithAUserConnection() {
        Parallel cat = new Parallel(Connection.concat(1), new Dense(2), new Identity());
        cat.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 2, 3);
        List<NDArray> out = LayerCheck.of(cat, x).expectShape(2, 5).run();
        assertThat(out.get(0)).isCloseTo(ConcatenateTest.joinColumns(2, cat.get(0).call(x), x), 1e-6, 1e-7);
        assertThat(cat.toString()).startsWith("Parallel(\n  connection: concat(axis=1)\n");

        Parallel max = new Parallel(MAX, new HybridLambda("negative"), new Identity());
        NDArray y = NDArray.of(Shape.of(3), -1f, 2f, -0.5f);
        assertThat(max.call(y)).isCloseTo(new double[] {1, 2, 0.5}, 0, 0);
        assertThat(max.toString()).startsWith("Parallel(\n  connection: max\n");
        assertThat(max.trace(true).listOutputs()).containsExactly("parallel1_broadcast_maximum0_output");
    }

    @Test
    void mismatchedBranchesNameThePathAndShapes() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Parallel(Connection.add(), new Dense(2), new Dense(3)));
        }
        net.initialize();
        assertThatThrownBy(() -> net.call(Random.uniform(-1, 1, 4, 2)))
                .hasMessageContaining("in block 'hybridsequential0.0' (Parallel)")
                .hasMessageContaining("branch 0 (hybridsequential0_dense0) (4, 2)")
                .hasMessageContaining("branch 1 (hybridsequential0_dense1) (4, 3)")
                .hasMessageContaining("with add");
    }

    @Test
    void skipConnectionAddsTheInputToTheBlocksOutput() {
        SkipConnection res = new SkipConnection(Dense.builder(3).inUnits(3).build());
        res.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 2, 3);
        List<NDArray> out = LayerCheck.of(res, x).expectShape(2, 3).run();
        assertThat(out.get(0)).isCloseTo(combine(res.block().call(x), x, Double::sum), 1e-6, 1e-7);
        assertThat(res).hasToString("SkipConnection(\n  connection: add\n  (block): Dense(3 -> 3, linear)\n)");
        assertThat(res.collectParamsByPath().keySet()).containsExactly("block.weight", "block.bias");
    }

    @Test
    void skipConnectionConcatenatesChannelsWithDeferredShapes() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new SkipConnection(new Dense(2, "relu"), Connection.concat(1)), new Dense(1));
        }
        net.initialize();
        NDArray x = Random.uniform(-1, 1, 3, 4);
        LayerCheck.of(net, x).expectShape(3, 1).run();
        Dense last = (Dense) net.get(1);
        assertThat(last.weight().shape()).isEqualTo(Shape.of(1, 6));
        SkipConnection skip = (SkipConnection) net.get(0);
        NDArray inner = skip.call(x);
        assertThat(inner).isCloseTo(ConcatenateTest.joinColumns(3, skip.block().call(x), x), 1e-6, 1e-7);
        assertThat(skip.connection()).isEqualTo(Connection.concat(1));
    }

    @Test
    void containersAppearInSummaryAndSaveByStructure(@TempDir Path dir) {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Parallel(Connection.add(), new Dense(2), new Dense(2)),
                    new SkipConnection(new HybridLambda("tanh")));
        }
        net.initialize();
        NDArray x = Random.uniform(-1, 1, 1, 3);
        String table = net.summary(x);
        assertThat(table).contains("Dense-1").contains("Dense-2")
                .contains("Parallel-3                                      (1, 2)               0")
                .contains("HybridLambda-4").contains("SkipConnection-5").contains("Total params: 16");

        Path file = dir.resolve("p.params");
        net.saveParameters(file);
        assertThat(net.collectParamsByPath().keySet()).containsExactly("0.0.weight", "0.0.bias", "0.1.weight",
                "0.1.bias");
        NDArray before = net.call(x);
        HybridSequential copy = new HybridSequential();
        try (var ignored = copy.nameScope()) {
            copy.add(new Parallel(Connection.add(), new Dense(2), new Dense(2)),
                    new SkipConnection(new HybridLambda("tanh")));
        }
        copy.loadParameters(file);
        assertThat(copy.call(x)).isCloseTo(before, 0, 0);
        assertThat(copy.toString()).contains("  (1): SkipConnection(\n    connection: add\n"
                + "    (block): HybridLambda(tanh)\n  )");
    }

    @Test
    void branchesReturningSeveralOutputsAreRejected() {
        Parallel net = new Parallel(Connection.add(),
                new HybridLambda("split", Map.of("num_outputs", 2), null));
        assertThatThrownBy(() -> net.call(Random.uniform(-1, 1, 2, 4)))
                .hasMessageContaining("branch '0' (hybridlambda0) returned 2 outputs");
    }
}
