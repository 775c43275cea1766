package dev.kiln.block;

import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class ConcatenateTest {

    /** Rows of {@code parts} (each (rows, cols_i)) joined side by side, by plain loops. */
    static double[] joinColumns(int rows, NDArray... parts) {
        int total = 0;
        for (NDArray p : parts) {
            total += p.shape().get(1);
        }
        double[] out = new double[rows * total];
        int offset = 0;
        for (NDArray p : parts) {
            int cols = p.shape().get(1);
            double[] v = p.toDoubleArray();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(v, r * cols, out, r * total + offset, cols);
            }
            offset += cols;
        }
        return out;
    }

    private static HybridConcatenate towers() {
        HybridConcatenate net = new HybridConcatenate();
        try (var ignored = net.nameScope()) {
            net.add(new Dense(3, "relu"), new Dense(2), new Identity());
        }
        return net;
    }

    @Test
    void feedsEveryChildTheInputAndConcatenatesOnTheLastAxis() {
        HybridConcatenate net = towers();
        assertThat(net.collectParams().keys()).containsExactly("hybridconcatenate0_dense0_weight",
                "hybridconcatenate0_dense0_bias", "hybridconcatenate0_dense1_weight", "hybridconcatenate0_dense1_bias");
        net.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 2, 4);
        List<NDArray> out = LayerCheck.of(net, x).expectShape(2, 9).run();
        assertThat(out.get(0)).isCloseTo(joinColumns(2, net.get(0).call(x), net.get(1).call(x), x), 1e-6, 1e-7);
        assertThat(net.get(0).inferShape(Shape.of(2, 4))).containsExactly(Shape.of(2, 3));
    }

    @Test
    void deferredChildrenAreCompletedThroughTheContainer() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            HybridConcatenate branches = new HybridConcatenate(1);
            try (var inner = branches.nameScope()) {
                branches.add(new Dense(2), new Dense(5));
            }
            net.add(branches, new Dense(1));
        }
        net.initialize();
        assertThat(net.inferShape(Shape.of(3, 6))).containsExactly(Shape.of(3, 1));
        Dense last = (Dense) net.get(1);
        assertThat(last.weight().shape()).isEqualTo(Shape.of(1, 7));
        assertThat(((Dense) ((HybridConcatenate) net.get(0)).get(1)).weight().shape()).isEqualTo(Shape.of(5, 6));
        LayerCheck.of(net, Random.uniform(-1, 1, 3, 6)).expectShape(3, 1).run();
    }

    @Test
    void mismatchedBranchShapesNameTheBlockPathAndEachShape() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            HybridConcatenate cat = new HybridConcatenate(0);
            cat.add(new Dense(3), new Dense(4));
            net.add(cat);
        }
        net.initialize();
        NDArray x = Random.uniform(-1, 1, 2, 5);
        assertThatThrownBy(() -> net.call(x))
                .hasMessageContaining("hybridsequential0.0")
                .hasMessageContaining("HybridConcatenate")
                .hasMessageContaining("branch 0 (hybridsequential0_dense0) (2, 3)")
                .hasMessageContaining("branch 1 (hybridsequential0_dense1) (2, 4)");
        assertThatThrownBy(() -> net.inferShape(Shape.of(2, 5))).hasMessageContaining("Concat")
                .hasMessageContaining("(2, 4)");
    }

    @Test
    void reprSizeIndexingAndAnEmptyContainer() {
        HybridConcatenate net = towers();
        assertThat(net).hasToString("HybridConcatenate(\n  (0): Dense(None -> 3, Activation(relu))\n"
                + "  (1): Dense(None -> 2, linear)\n  (2): Identity(\n  \n  )\n)");
        assertThat(net.size()).isEqualTo(3);
        assertThat(net.get(-1)).isInstanceOf(Identity.class);
        assertThat(net.axis()).isEqualTo(-1);
        assertThatThrownBy(() -> new HybridConcatenate().call(Random.uniform(0, 1, 2)))
                .hasMessageContaining("nothing to join");
    }

    @Test
    void savesAndLoadsByStructureInsideASequential(@TempDir Path dir) {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(towers());
        }
        net.initialize();
        NDArray x = Random.uniform(-1, 1, 2, 4);
        NDArray before = net.call(x);
        assertThat(net.collectParamsByPath().keySet()).containsExactly("0.0.weight", "0.0.bias", "0.1.weight",
                "0.1.bias");
        Path file = dir.resolve("net.params");
        net.saveParameters(file);

        HybridSequential other = new HybridSequential();
        try (var ignored = other.nameScope()) {
            other.add(towers());
        }
        other.loadParameters(file);
        assertThat(other.call(x)).isCloseTo(before, 0, 0);
    }

    @Test
    void summaryLeavesTheContainerOutAsGluonDoes() {
        HybridConcatenate net = towers();
        net.initialize();
        String table = net.summary(Random.uniform(-1, 1, 2, 4));
        assertThat(table).contains("Activation-1                                      (2, 3)               0")
                .contains("Dense-2                                      (2, 3)              15")
                .contains("Dense-3                                      (2, 2)              10")
                .contains("Identity-4                                      (2, 4)               0")
                .doesNotContain("HybridConcatenate").doesNotContain("-5").contains("Total params: 25");
    }

    @Test
    void eagerConcatenateRunsPlainBlocks() {
        Concatenate net = new Concatenate(0);
        net.add(new Lambda("negative"), new Identity());
        NDArray x = NDArray.of(Shape.of(1, 2), 1f, -3f);
        assertThat(net.call(x)).hasShape(2, 2).isCloseTo(new double[] {-1, 3, 1, -3}, 0, 0);
        assertThat(net).hasToString("Concatenate(\n  (0): Lambda(negative)\n  (1): Identity(\n  \n  )\n)");
        assertThat(net.size()).isEqualTo(2);
        assertThat(net.get(0)).isInstanceOf(Lambda.class);

        Concatenate bad = new Concatenate(1);
        bad.add(Lambda.ofAll(xs -> List.of(xs.get(0), xs.get(0))));
        assertThatThrownBy(() -> bad.call(x)).hasMessageContaining("in block 'concatenate1' (Concatenate): "
                + "branch '0' (lambda1) returned 2 outputs; each branch must return one");
    }
}
