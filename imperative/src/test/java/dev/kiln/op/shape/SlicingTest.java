package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.IntTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.kiln.op.shape.ShapeTestSupport.arange;
import static dev.kiln.op.shape.ShapeTestSupport.attrs;
import static dev.kiln.op.shape.ShapeTestSupport.call;
import static dev.kiln.op.shape.ShapeTestSupport.fails;
import static dev.kiln.testing.NDArrayAssert.assertThat;

/** Expected values are NumPy slices of {@code np.arange(12).reshape(3, 4)}. */
class SlicingTest {

    @Test
    void sliceTakesBeginToEndPerLeadingAxis() {
        // x[0:2, 1:4]
        assertThat(call("slice", attrs("begin", "(0, 1)", "end", "(2, 4)"), arange(3, 4))).hasShape(2, 3)
                .isCloseTo(new double[] {1, 2, 3, 5, 6, 7}, 0, 0);
        // x[1:-1]
        assertThat(call("slice", attrs("begin", "(1,)", "end", "(-1,)"), arange(3, 4))).hasShape(1, 4)
                .isCloseTo(new double[] {4, 5, 6, 7}, 0, 0);
    }

    @Test
    void sliceNoneAndNegativeStepsFollowPythonSlicing() {
        // x[::-1]
        assertThat(call("slice", attrs("begin", "(None,)", "end", "(None,)", "step", "(-1,)"), arange(3, 4)))
                .hasShape(3, 4).isCloseTo(new double[] {8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3}, 0, 0);
        // x[2::-1, 3::-2]
        assertThat(call("slice", attrs("begin", "(2, 3)", "end", "(None, None)", "step", "(-1, -2)"), arange(3, 4)))
                .hasShape(3, 2).isCloseTo(new double[] {11, 9, 7, 5, 3, 1}, 0, 0);
        // x[:, ::2]
        assertThat(call("slice", attrs("begin", "(None, None)", "end", "(None, None)", "step", "(None, 2)"),
                arange(3, 4))).hasShape(3, 2).isCloseTo(new double[] {0, 2, 4, 6, 8, 10}, 0, 0);
        // x[-1:0:-1, 1::2], given as Java values
        assertThat(call("slice", attrs("begin", IntTuple.of(-1, 1), "end", IntTuple.ofNullable(0, null),
                "step", IntTuple.of(-1, 2)), arange(3, 4))).hasShape(2, 2).isCloseTo(new double[] {9, 11, 5, 7}, 0, 0);
    }

    @Test
    void sliceClipsOutOfRangeIndices() {
        assertThat(call("slice", attrs("begin", "(-10,)", "end", "(10,)"), arange(3, 4))).hasShape(3, 4);
        assertThat(call("slice", attrs("begin", "(5,)", "end", "(10,)"), arange(3, 4))).hasShape(0, 4);
        assertThat(call("slice", attrs("begin", "(2,)", "end", "(1,)"), arange(3, 4))).hasShape(0, 4);
        // x[:-5:-1] reverses everything
        assertThat(call("slice", attrs("begin", "(None,)", "end", "(-5,)", "step", "(-1,)"), arange(3)))
                .hasShape(3).isCloseTo(new double[] {2, 1, 0}, 0, 0);
        assertThat(call("crop", attrs("begin", "(0,)", "end", "(2,)"), arange(0, 4))).hasShape(0, 4);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "INT32", "FLOAT16", "BOOL"})
    void sliceKeepsTheDType(DType t) {
        NDArray y = call("slice", attrs("begin", "(1,)", "end", "(None,)", "step", "(2,)"), arange(t, 6));
        assertThat(y).hasShape(3).hasDType(t).isCloseTo(t == DType.BOOL ? new double[] {1, 1, 1}
                : new double[] {1, 3, 5}, 0, 0);
    }

    @Test
    void sliceRejectsZeroStepAndMismatchedTuples() {
        fails("slice", attrs("begin", "(0,)", "end", "(2,)", "step", "(0,)"), arange(3, 4))
                .hasMessageContaining("op 'slice'").hasMessageContaining("step[0] cannot be 0")
                .hasMessageContaining("(3, 4)");
        fails("slice", attrs("begin", "(0, 0)", "end", "(2,)"), arange(3, 4)).hasMessageContaining("same length");
        fails("slice", attrs("begin", "(0, 0, 0)", "end", "(1, 1, 1)"), arange(3, 4)).hasMessageContaining("rank 2");
        fails("slice", attrs("begin", "(0, 0)", "end", "(1, 1)", "step", "(1,)"), arange(3, 4))
                .hasMessageContaining("step=(1,)");
        fails("slice", attrs("begin", "()", "end", "()"), NDArray.scalar(1)).hasMessageContaining("0-d");
        fails("slice", attrs("end", "(1,)"), arange(3)).hasMessageContaining("begin");
    }

    @Test
    void sliceAxisTakesARangeOfOneAxis() {
        // x[:, 1:3]
        assertThat(call("slice_axis", attrs("axis", 1, "begin", 1, "end", 3), arange(3, 4))).hasShape(3, 2)
                .isCloseTo(new double[] {1, 2, 5, 6, 9, 10}, 0, 0);
        // x[-2:]
        assertThat(call("slice_axis", attrs("axis", 0, "begin", -2, "end", "None"), arange(3, 4))).hasShape(2, 4)
                .isCloseTo(new double[] {4, 5, 6, 7, 8, 9, 10, 11}, 0, 0);
        assertThat(call("slice_axis", attrs("axis", -1, "begin", 0, "end", -3), arange(DType.INT32, 3, 4)))
                .hasShape(3, 1).hasDType(DType.INT32).isCloseTo(new double[] {0, 4, 8}, 0, 0);
        assertThat(call("slice_axis", attrs("axis", 1, "begin", 0, "end", 2), arange(2, 0))).hasShape(2, 0);
    }

    @Test
    void sliceAxisRejectsEmptyAndOutOfRangeRanges() {
        fails("slice_axis", attrs("axis", 1, "begin", 2, "end", 2), arange(3, 4))
                .hasMessageContaining("op 'slice_axis'").hasMessageContaining("begin=2")
                .hasMessageContaining("(3, 4)");
        fails("slice_axis", attrs("axis", 1, "begin", 0, "end", 5), arange(3, 4)).hasMessageContaining("end=5");
        fails("slice_axis", attrs("axis", 2, "begin", 0), arange(3, 4)).hasMessageContaining("axis=2");
    }

    @Test
    void sliceLikeTakesTheLeadingPartOfEachAxis() {
        // x[:2, :3]
        assertThat(call("slice_like", attrs(), arange(3, 4), arange(2, 3))).hasShape(2, 3)
                .isCloseTo(new double[] {0, 1, 2, 4, 5, 6}, 0, 0);
        // x[:, :3]
        assertThat(call("slice_like", attrs("axes", "(1,)"), arange(3, 4), arange(2, 3))).hasShape(3, 3)
                .isCloseTo(new double[] {0, 1, 2, 4, 5, 6, 8, 9, 10}, 0, 0);
        assertThat(call("slice_like", attrs("axes", -1), arange(3, 4), arange(DType.INT32, 5, 3))).hasShape(3, 3)
                .hasDType(DType.FLOAT32);
    }

    @Test
    void sliceLikeRejectsLongerShapeLikeAndRankMismatch() {
        fails("slice_like", attrs(), arange(3, 4), arange(4, 4)).hasMessageContaining("op 'slice_like'")
                .hasMessageContaining("(4, 4)").hasMessageContaining("(3, 4)");
        fails("slice_like", attrs(), arange(3, 4), arange(3)).hasMessageContaining("rank");
        fails("slice_like", attrs("axes", 1), arange(3, 4), arange(3)).hasMessageContaining("axes=(1,)");
    }
}
