package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.kiln.op.shape.ShapeTestSupport.arange;
import static dev.kiln.op.shape.ShapeTestSupport.attrs;
import static dev.kiln.op.shape.ShapeTestSupport.call;
import static dev.kiln.op.shape.ShapeTestSupport.fails;
import static dev.kiln.testing.NDArrayAssert.assertThat;

/** Expected values come from {@code np.pad} on {@code np.arange(...)}. */
class PaddingTest {
    private static final String WIDTH_4D = "(0, 0, 0, 0, 1, 1, 2, 1)";
    private static final String WIDTH_5D = "(0, 0, 0, 0, 1, 0, 0, 1, 1, 1)";

    @Test
    void constantModeFillsWithConstantValue() {
        NDArray y = call("Pad", attrs("mode", "constant", "pad_width", WIDTH_4D, "constant_value", 9),
                arange(1, 1, 2, 3));
        assertThat(y).hasShape(1, 1, 4, 6).isCloseTo(new double[] {9, 9, 9, 9, 9, 9, 9, 9, 0, 1, 2, 9, 9, 9, 3, 4,
                5, 9, 9, 9, 9, 9, 9, 9}, 0, 0);
    }

    @Test
    void constantModeDefaultsToZeroAndHandlesBatchAndChannel() {
        NDArray y = call("pad", attrs("mode", "constant", "pad_width", "(0, 0, 0, 0, 0, 1, 1, 0)"),
                arange(2, 1, 2, 3));
        assertThat(y).hasShape(2, 1, 3, 4).isCloseTo(new double[] {0, 0, 1, 2, 0, 3, 4, 5, 0, 0, 0, 0, 0, 6, 7, 8,
                0, 9, 10, 11, 0, 0, 0, 0}, 0, 0);
    }

    @Test
    void edgeModeRepeatsTheBorder() {
        NDArray y = call("Pad", attrs("mode", "edge", "pad_width", WIDTH_4D), arange(1, 1, 2, 3));
        assertThat(y).hasShape(1, 1, 4, 6).isCloseTo(new double[] {0, 0, 0, 1, 2, 2, 0, 0, 0, 1, 2, 2, 3, 3, 3, 4,
                5, 5, 3, 3, 3, 4, 5, 5}, 0, 0);
    }

    @Test
    void reflectModeMirrorsWithoutRepeatingTheBorder() {
        NDArray y = call("Pad", attrs("mode", "reflect", "pad_width", WIDTH_4D), arange(1, 1, 2, 3));
        assertThat(y).hasShape(1, 1, 4, 6).isCloseTo(new double[] {5, 4, 3, 4, 5, 4, 2, 1, 0, 1, 2, 1, 5, 4, 3, 4,
                5, 4, 2, 1, 0, 1, 2, 1}, 0, 0);
    }

    @Test
    void fiveDimensionalInputsPadThreeSpatialAxes() {
        NDArray x = arange(1, 1, 2, 2, 2);
        assertThat(call("Pad", attrs("mode", "edge", "pad_width", WIDTH_5D), x)).hasShape(1, 1, 3, 3, 4)
                .isCloseTo(new double[] {0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3, 4, 4,
                        5, 5, 6, 6, 7, 7, 6, 6, 7, 7}, 0, 0);
        assertThat(call("Pad", attrs("mode", "reflect", "pad_width", WIDTH_5D), x))
                .isCloseTo(new double[] {5, 4, 5, 4, 7, 6, 7, 6, 5, 4, 5, 4, 1, 0, 1, 0, 3, 2, 3, 2, 1, 0, 1, 0, 5, 4,
                        5, 4, 7, 6, 7, 6, 5, 4, 5, 4}, 0, 0);
        assertThat(call("Pad", attrs("mode", "constant", "pad_width", WIDTH_5D, "constant_value", -1), x))
                .isCloseTo(new double[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1, 2, 3, -1,
                        -1, -1, -1, -1, -1, 4, 5, -1, -1, 6, 7, -1, -1, -1, -1, -1}, 0, 0);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "INT32", "FLOAT16", "BOOL", "FLOAT64"})
    void padKeepsTheDTypeAndRoundsTheConstantToIt(DType t) {
        NDArray y = call("Pad", attrs("mode", "constant", "pad_width", "(0, 0, 0, 0, 0, 0, 1, 0)",
                "constant_value", 1), arange(t, 1, 1, 1, 2));
        assertThat(y).hasShape(1, 1, 1, 3).hasDType(t).isCloseTo(new double[] {1, 0, 1}, 0, 0);
    }

    @Test
    void zeroSizeAxesPadWithTheConstant() {
        NDArray y = call("Pad", attrs("mode", "constant", "pad_width", "(0, 0, 0, 0, 1, 0, 0, 1)",
                "constant_value", 2), arange(1, 1, 0, 2));
        assertThat(y).hasShape(1, 1, 1, 3).isCloseTo(new double[] {2, 2, 2}, 0, 0);
    }

    @Test
    void padRejectsUnsupportedRanksAndWidths() {
        fails("Pad", attrs("mode", "constant", "pad_width", "(0, 0, 1, 1, 1, 1)"), arange(1, 2, 3))
                .hasMessageContaining("op 'Pad'").hasMessageContaining("4-D or 5-D").hasMessageContaining("(1, 2, 3)");
        fails("Pad", attrs("mode", "constant", "pad_width", "(0, 0, 1, 0, 1, 1, 1, 1)"), arange(1, 1, 2, 3))
                .hasMessageContaining("first two axes");
        fails("Pad", attrs("mode", "constant", "pad_width", "(0, 0, 0, 0, 1, 1)"), arange(1, 1, 2, 3))
                .hasMessageContaining("2 * rank = 8");
        fails("Pad", attrs("mode", "reflect", "pad_width", "(0, 0, 0, 0, 2, 0, 0, 0)"), arange(1, 1, 2, 3))
                .hasMessageContaining("smaller than its size 2");
        fails("Pad", attrs("mode", "constant", "pad_width", "(0, 0, 0, 0, -1, 0, 0, 0)"), arange(1, 1, 2, 3))
                .hasMessageContaining("negative");
        fails("Pad", attrs("mode", "wrap", "pad_width", WIDTH_4D), arange(1, 1, 2, 3))
                .hasMessageContaining("mode");
        fails("Pad", attrs("pad_width", WIDTH_4D), arange(1, 1, 2, 3)).hasMessageContaining("mode");
    }
}
