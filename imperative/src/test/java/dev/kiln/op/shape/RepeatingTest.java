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

/** Expected values come from NumPy's tile, repeat and broadcast_to on small aranges. */
class RepeatingTest {

    @Test
    void tileRepeatsTheWholeArrayAligningRepsFromTheRight() {
        // np.tile(arange(6).reshape(2, 3), (2,))
        assertThat(call("tile", attrs("reps", "(2,)"), arange(2, 3))).hasShape(2, 6)
                .isCloseTo(new double[] {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, 0, 0);
        // np.tile(x, (2, 1, 2))
        assertThat(call("tile", attrs("reps", "(2, 1, 2)"), arange(2, 3))).hasShape(2, 2, 6)
                .isCloseTo(new double[] {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5},
                        0, 0);
        // np.tile(arange(3), (2, 2))
        assertThat(call("tile", attrs("reps", "(2, 2)"), arange(DType.INT32, 3))).hasShape(2, 6)
                .hasDType(DType.INT32).isCloseTo(new double[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, 0, 0);
    }

    @Test
    void tileEdgeCases() {
        assertThat(call("tile", attrs("reps", "()"), arange(2, 3))).hasShape(2, 3)
                .isCloseTo(new double[] {0, 1, 2, 3, 4, 5}, 0, 0);
        assertThat(call("tile", attrs("reps", "(0, 2)"), arange(2, 3))).hasShape(0, 6);
        assertThat(call("tile", attrs("reps", "(3,)"), NDArray.scalar(7))).hasShape(3)
                .isCloseTo(new double[] {7, 7, 7}, 0, 0);
        fails("tile", attrs("reps", "(-1,)"), arange(3)).hasMessageContaining("op 'tile'")
                .hasMessageContaining("reps=(-1,)");
    }

    @Test
    void repeatRepeatsEachElement() {
        // np.repeat(arange(4).reshape(2, 2), 2)
        assertThat(call("repeat", attrs("repeats", 2), arange(2, 2))).hasShape(8)
                .isCloseTo(new double[] {0, 0, 1, 1, 2, 2, 3, 3}, 0, 0);
        // np.repeat(x, 2, 0)
        assertThat(call("repeat", attrs("repeats", 2, "axis", 0), arange(2, 2))).hasShape(4, 2)
                .isCloseTo(new double[] {0, 1, 0, 1, 2, 3, 2, 3}, 0, 0);
        // np.repeat(x, 3, -1)
        assertThat(call("repeat", attrs("repeats", 3, "axis", -1), arange(DType.FLOAT16, 2, 2))).hasShape(2, 6)
                .hasDType(DType.FLOAT16).isCloseTo(new double[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3}, 0, 0);
    }

    @Test
    void repeatZeroTimesGivesShapeZeroAsMXNetDoes() {
        assertThat(call("repeat", attrs("repeats", 0, "axis", 1), arange(2, 2))).hasShape(0);
        fails("repeat", attrs("repeats", -1), arange(2)).hasMessageContaining("op 'repeat'")
                .hasMessageContaining("repeats=-1");
        fails("repeat", attrs("repeats", 2, "axis", 2), arange(2, 2)).hasMessageContaining("axis=2");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "INT32", "FLOAT16", "BOOL"})
    void broadcastToDuplicatesAlongUnitAxes(DType t) {
        NDArray y = call("broadcast_to", attrs("shape", "(2, 3)"), arange(t, 1, 3));
        double[] row = t == DType.BOOL ? new double[] {0, 1, 0} : new double[] {0, 1, 2};
        assertThat(y).hasShape(2, 3).hasDType(t)
                .isCloseTo(new double[] {row[0], row[1], row[2], row[0], row[1], row[2]}, 0, 0);
    }

    @Test
    void broadcastToKeepsDimsGivenAsZero() {
        assertThat(call("broadcast_to", attrs("shape", "(2, 0)"), arange(1, 3))).hasShape(2, 3)
                .isCloseTo(new double[] {0, 1, 2, 0, 1, 2}, 0, 0);
        // np.broadcast_to(arange(2).reshape(2, 1, 1), (2, 2, 3))
        assertThat(call("broadcast_to", attrs("shape", "(0, 2, 3)"), arange(2, 1, 1))).hasShape(2, 2, 3)
                .isCloseTo(new double[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, 0, 0);
        assertThat(call("broadcast_to", attrs("shape", "(0, 4)"), arange(0, 1))).hasShape(0, 4);
    }

    @Test
    void broadcastToRejectsIncompatibleShapesAndRanks() {
        fails("broadcast_to", attrs("shape", "(3, 3)"), arange(2, 3)).hasMessageContaining("op 'broadcast_to'")
                .hasMessageContaining("(2, 3)").hasMessageContaining("(3, 3)");
        fails("broadcast_to", attrs("shape", "(2, 2, 3)"), arange(2, 3)).hasMessageContaining("ranks differ");
    }

    @Test
    void broadcastLikeTakesTheRhsShapeOrSelectedAxes() {
        assertThat(call("broadcast_like", attrs(), arange(1, 3), arange(DType.INT32, 2, 3))).hasShape(2, 3)
                .hasDType(DType.FLOAT32).isCloseTo(new double[] {0, 1, 2, 0, 1, 2}, 0, 0);
        NDArray y = call("broadcast_like", attrs("lhs_axes", "(0,)", "rhs_axes", "(-1,)"), arange(1, 3),
                arange(2, 3, 5));
        assertThat(y).hasShape(5, 3).isCloseTo(new double[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, 0, 0);
        fails("broadcast_like", attrs(), arange(2, 3), arange(3, 3)).hasMessageContaining("op 'broadcast_like'")
                .hasMessageContaining("(2, 3)").hasMessageContaining("(3, 3)");
        fails("broadcast_like", attrs("lhs_axes", "(1,)", "rhs_axes", "(0,)"), arange(1, 3), arange(2, 3))
                .hasMessageContaining("size 3");
        fails("broadcast_like", attrs("lhs_axes", "(0,)", "rhs_axes", "(0, 1)"), arange(1, 3), arange(2, 3))
                .hasMessageContaining("equal length");
    }

    @Test
    void broadcastAxisSizesUnitAxes() {
        // np.broadcast_to(arange(3).reshape(1, 3, 1), (2, 3, 4))
        NDArray y = call("broadcast_axis", attrs("axis", "(0, 2)", "size", "(2, 4)"), arange(1, 3, 1));
        assertThat(y).hasShape(2, 3, 4).isCloseTo(new double[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1,
                1, 1, 1, 2, 2, 2, 2}, 0, 0);
        assertThat(call("broadcast_axes", attrs("axis", -1, "size", 2), arange(DType.BOOL, 2, 1)))
                .hasShape(2, 2).hasDType(DType.BOOL).isCloseTo(new double[] {0, 0, 1, 1}, 0, 0);
        fails("broadcast_axis", attrs("axis", 1, "size", 2), arange(1, 3)).hasMessageContaining("op 'broadcast_axis'")
                .hasMessageContaining("size 3");
        fails("broadcast_axis", attrs("axis", "(0, 1)", "size", 2), arange(1, 1)).hasMessageContaining("same length");
    }
}
