package dev.kiln.op.nn;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DropBlockTest {
    private static final String OP = "_contrib_DropBlock";

    private static <T> T training(Supplier<T> body) {
        boolean prev = OpContext.setTraining(true);
        try {
            return body.get();
        } finally {
            OpContext.setTraining(prev);
        }
    }

    private static NDArray ones(int... dims) {
        return Ops.call("ones_like", Random.uniform(0, 1, dims));
    }

    @Test
    void predictModeIsTheIdentity() {
        NDArray x = Random.uniform(-1, 1, 2, 3, 8, 8);
        assertThat(Ops.call(OP, Map.of("p", 0.5, "block_size", 3), x)).isEqualTo(x);
    }

    @Test
    void trainingZeroesWholeSquareBlocksAndRescalesTheRestToKeepTheSum() {
        Random.seed(3);
        NDArray x = ones(1, 1, 12, 12);
        NDArray y = training(() -> Ops.call(OP, Map.of("p", 0.2, "block_size", 3), x));
        int zeros = 0;
        double kept = Double.NaN;
        for (int i = 0; i < y.size(); i++) {
            double v = y.getDouble(i);
            if (v == 0) {
                zeros++;
            } else {
                kept = v;
            }
        }
        assertThat(zeros).isGreaterThan(0).isLessThan(144);
        // every kept element carries the same scale numel / kept
        assertThat(kept).isCloseTo(144.0 / (144 - zeros), org.assertj.core.data.Offset.offset(1e-5));
        // a zero is never alone: each dropped element lies in a fully dropped 3x3 window inside the map or at its edge
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < 12; j++) {
                if (y.getDouble(i * 12 + j) == 0) {
                    assertThat(inDroppedBlock(y, i, j)).as("(%d, %d) lies in a dropped block", i, j).isTrue();
                }
            }
        }
    }

    private static boolean inDroppedBlock(NDArray y, int i, int j) {
        for (int ci = i - 2; ci <= i; ci++) {
            for (int cj = j - 2; cj <= j; cj++) {
                boolean all = true;
                for (int a = Math.max(0, ci); a < Math.min(12, ci + 3); a++) {
                    for (int b = Math.max(0, cj); b < Math.min(12, cj + 3); b++) {
                        all &= y.getDouble(a * 12 + b) == 0;
                    }
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void dropRateGrowsWithPAndBlockAsLargeAsTheMapStaysFinite() {
        Random.seed(5);
        double low = droppedFraction(0.05, 3);
        double high = droppedFraction(0.4, 3);
        assertThat(low).isLessThan(high);
        assertThat(high).isBetween(0.2, 0.7);
        NDArray y = training(() -> Ops.call(OP, Map.of("p", 0.9, "block_size", 7), ones(2, 2, 6, 6)));
        for (int i = 0; i < y.size(); i++) {
            assertThat(Double.isFinite(y.getDouble(i))).isTrue();
        }
    }

    private static double droppedFraction(double p, int block) {
        NDArray y = training(() -> Ops.call(OP, Map.of("p", p, "block_size", block), ones(8, 4, 16, 16)));
        int zeros = 0;
        for (int i = 0; i < y.size(); i++) {
            zeros += y.getDouble(i) == 0 ? 1 : 0;
        }
        return zeros / (double) y.size();
    }

    @Test
    void hiddenMaskIsWhatTheOutputWasMultipliedBy() {
        Random.seed(11);
        NDArray x = Random.uniform(-1, 1, 1, 2, 6, 6);
        var op = dev.kiln.op.OpRegistry.global().get(OP);
        List<NDArray> out = training(() -> Ops.invokeAll(op, op.attrs(Map.of("p", 0.3, "block_size", 2)),
                List.of(x)));
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isCloseTo(Ops.call("elemwise_mul", x, out.get(1)), 1e-6, 0);
    }

    @Test
    void rejectsBadAttributesAndNonImageData() {
        assertThatThrownBy(() -> Ops.call(OP, Map.of("p", 1.5), Random.uniform(0, 1, 1, 1, 4, 4)))
                .hasMessageContaining("_contrib_DropBlock").hasMessageContaining("'p' must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> Ops.call(OP, Map.of("block_size", 0), Random.uniform(0, 1, 1, 1, 4, 4)))
                .hasMessageContaining("'block_size' must be positive");
        assertThatThrownBy(() -> Ops.call(OP, Map.of(), Random.uniform(0, 1, 3, 4)))
                .hasMessageContaining("data must be 4-D (N, C, H, W), got (3, 4)");
    }
}
