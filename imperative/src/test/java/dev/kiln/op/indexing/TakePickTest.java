package dev.kiln.op.indexing;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import static dev.kiln.op.Ops.attrs;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** take and pick; expected values computed offline with NumPy 2.4 from the same inputs. */
class TakePickTest {
    static NDArray arange(int... dims) {
        Shape s = Shape.of(dims);
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return NDArray.of(s, v);
    }

    @Test
    void takeInsertsTheIndexShapeAtTheAxis() {
        NDArray idx = NDArray.from(new int[][] {{2, 0}, {1, 1}});
        assertThat(Ops.call("take", attrs("axis", 1), arange(2, 3, 4), idx)).hasShape(2, 2, 2, 4)
                .hasDType(DType.FLOAT32).isCloseTo(new double[] {8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7, 20,
                        21, 22, 23, 12, 13, 14, 15, 16, 17, 18, 19, 16, 17, 18, 19}, 0, 0);
    }

    @Test
    void takeClipsByDefaultAndTruncatesFloatIndices() {
        NDArray idx = NDArray.of(Shape.of(3), -1f, 5f, 2.7f);
        assertThat(Ops.call("take", attrs("axis", -1), arange(2, 3, 4), idx)).hasShape(2, 3, 3)
                .isCloseTo(new double[] {0, 3, 2, 4, 7, 6, 8, 11, 10, 12, 15, 14, 16, 19, 18, 20, 23, 22}, 0, 0);
    }

    @Test
    void takeWrapsAroundInWrapMode() {
        NDArray idx = NDArray.from(new int[] {-1, 3});
        assertThat(Ops.call("take", attrs("mode", "wrap"), arange(2, 3, 4), idx)).hasShape(2, 3, 4)
                .isCloseTo(new double[] {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 12, 13, 14, 15, 16, 17, 18,
                        19, 20, 21, 22, 23}, 0, 0);
    }

    @Test
    void takeInRaiseModeNamesOpArgumentIndexAndShape() {
        NDArray idx = NDArray.from(new int[] {0, 7});
        assertThatThrownBy(() -> Ops.call("take", attrs("mode", "raise", "axis", 1), arange(2, 3, 4), idx))
                .isInstanceOf(KilnException.class).hasMessageContaining("op 'take'")
                .hasMessageContaining("'indices'").hasMessageContaining("index 7").hasMessageContaining("(2, 3, 4)");
        assertThatThrownBy(() -> Ops.call("take", attrs("mode", "raise"), arange(2, 3), NDArray.from(new int[] {-1})))
                .isInstanceOf(KilnException.class).hasMessageContaining("index -1");
        assertThat(Ops.call("take", attrs("mode", "raise"), arange(2, 3), NDArray.from(new int[] {1})))
                .isCloseTo(new double[] {3, 4, 5}, 0, 0);
    }

    @Test
    void takeKeepsDataDtypeWhateverTheIndexDtype() {
        NDArray a = NDArray.from(new long[] {10, 20, 30});
        assertThat(Ops.call("take", a, NDArray.of(Shape.of(2), 2f, 0f))).hasDType(DType.INT64)
                .isCloseTo(new double[] {30, 10}, 0, 0);
    }

    @Test
    void takeEdgeCases() {
        NDArray none = NDArray.zeros(Shape.of(0), DType.INT32, Device.cpu());
        assertThat(Ops.call("take", arange(3, 2), none)).hasShape(0, 2);
        NDArray empty = NDArray.zeros(Shape.of(0, 2), DType.FLOAT32, Device.cpu());
        assertThatThrownBy(() -> Ops.call("take", empty, NDArray.from(new int[] {0})))
                .isInstanceOf(KilnException.class).hasMessageContaining("size 0");
        assertThatThrownBy(() -> Ops.call("take", attrs("axis", 2), arange(2, 3), NDArray.from(new int[] {0})))
                .isInstanceOf(KilnException.class).hasMessageContaining("'axis' = 2");
    }

    @Test
    void pickSelectsOneElementPerRow() {
        NDArray idx = NDArray.of(Shape.of(3), 1, 3, 0);
        assertThat(Ops.call("pick", arange(3, 4), idx)).hasShape(3).isCloseTo(new double[] {1, 7, 8}, 0, 0);
        assertThat(Ops.call("pick", attrs("keepdims", true), arange(3, 4), idx)).hasShape(3, 1);
        NDArray kept = NDArray.of(Shape.of(3, 1), 1, 3, 0);
        assertThat(Ops.call("choose_element_0index", arange(3, 4), kept)).hasShape(3)
                .isCloseTo(new double[] {1, 7, 8}, 0, 0);
    }

    @Test
    void pickClipsOrWrapsAlongAxisZero() {
        NDArray idx = NDArray.from(new int[] {2, 0, 1, 5});
        assertThat(Ops.call("pick", attrs("axis", 0), arange(3, 4), idx)).hasShape(4)
                .isCloseTo(new double[] {8, 1, 6, 11}, 0, 0);
        NDArray w = NDArray.from(new int[] {-1, 4, 1, 5});
        assertThat(Ops.call("pick", attrs("axis", 0, "mode", "wrap"), arange(3, 4), w))
                .isCloseTo(new double[] {8, 5, 6, 11}, 0, 0);
    }

    @Test
    void pickChecksTheIndexShapeAndAxis() {
        assertThatThrownBy(() -> Ops.call("pick", arange(3, 4), NDArray.zeros(4))).isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'pick'").hasMessageContaining("'index'").hasMessageContaining("(3, 4)");
        assertThatThrownBy(() -> Ops.call("pick", attrs("axis", "None"), arange(3, 4), NDArray.zeros(3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("None");
        assertThatThrownBy(() -> Ops.call("pick", attrs("mode", "raise"), arange(3, 4), NDArray.zeros(3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("mode");
    }
}
