package dev.kiln.op.indexing;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.Test;

import static dev.kiln.op.Ops.attrs;
import static dev.kiln.op.indexing.TakePickTest.arange;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** where, clip and the Sequence ops; expected values computed offline with NumPy 2.4 or by hand. */
class WhereClipSequenceTest {

    @Test
    void whereChoosesElementwiseWithNaNAsTrue() {
        NDArray c = NDArray.of(Shape.of(2, 2), 1, 0, Float.NaN, -2);
        NDArray x = NDArray.of(Shape.of(2, 2), 1, 2, 3, 4);
        NDArray y = NDArray.of(Shape.of(2, 2), -1, -2, -3, -4);
        assertThat(Ops.call("where", c, x, y)).isCloseTo(new double[] {1, -2, 3, 4}, 0, 0);
        NDArray ci = NDArray.from(new int[][] {{0, 3}, {1, 0}});
        assertThat(Ops.call("where", ci, x.astype(DType.FLOAT64), y.astype(DType.FLOAT64))).hasDType(DType.FLOAT64)
                .isCloseTo(new double[] {-1, 2, 3, -4}, 0, 0);
        assertThat(Ops.call("where", ci, x.astype(DType.INT32), y.astype(DType.INT32))).hasDType(DType.INT32)
                .isCloseTo(new double[] {-1, 2, 3, -4}, 0, 0);
    }

    @Test
    void whereWithARowConditionSelectsWholeRows() {
        NDArray c = NDArray.from(new int[] {0, 1});
        NDArray x = NDArray.from(new long[][] {{1, 2}, {3, 4}});
        NDArray y = NDArray.from(new long[][] {{-1, -2}, {-3, -4}});
        assertThat(Ops.call("where", c, x, y)).hasDType(DType.INT64).isCloseTo(new double[] {-1, -2, 3, 4}, 0, 0);
    }

    @Test
    void whereChecksShapesAndDtypes() {
        NDArray x = NDArray.zeros(2, 3);
        assertThatThrownBy(() -> Ops.call("where", NDArray.zeros(3), x, x)).isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'where'").hasMessageContaining("'condition' of shape (3,)");
        assertThatThrownBy(() -> Ops.call("where", x, x, NDArray.zeros(3, 2))).isInstanceOf(KilnException.class)
                .hasMessageContaining("'y' of shape (3, 2)");
        assertThatThrownBy(() -> Ops.call("where", x, x, x.astype(DType.FLOAT64))).isInstanceOf(KilnException.class)
                .hasMessageContaining("dtype");
    }

    @Test
    void clipBoundsValuesAndKeepsNaN() {
        NDArray a = NDArray.of(Shape.of(5), -3, 0.5f, 9, Float.NaN, 2);
        assertThat(Ops.call("clip", attrs("a_min", -1, "a_max", "2"), a))
                .isCloseTo(new double[] {-1, 0.5, 2, Double.NaN, 2}, 0, 0);
        NDArray i = NDArray.of(Shape.of(3), DType.INT32, -5, 1, 7);
        assertThat(Ops.call("clip", attrs("a_min", -1.5, "a_max", 2.5), i)).hasDType(DType.INT32)
                .isCloseTo(new double[] {-1, 1, 2}, 0, 0);
        NDArray big = NDArray.from(new long[] {(1L << 60) + 1});
        org.assertj.core.api.Assertions.assertThat(Ops.call("clip", attrs("a_min", 0, "a_max", 1e30), big).asLong())
                .isEqualTo((1L << 60) + 1);
        assertThatThrownBy(() -> Ops.call("clip", attrs("a_min", 0), a)).isInstanceOf(KilnException.class)
                .hasMessageContaining("a_max");
    }

    @Test
    void sequenceInputsDependOnUseSequenceLength() {
        var op = OpRegistry.global().get("SequenceMask");
        org.assertj.core.api.Assertions.assertThat(op.inputNames(op.defaultAttrs())).containsExactly("data");
        org.assertj.core.api.Assertions.assertThat(op.inputNames(op.attrs(java.util.Map.of("use_sequence_length",
                "True")))).containsExactly("data", "sequence_length");
        assertThatThrownBy(() -> Ops.call("SequenceMask", arange(3, 2), NDArray.zeros(2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("expects 1 inputs");
    }

    @Test
    void sequenceMaskAlongAxisZeroAndOne() {
        NDArray len = NDArray.from(new int[] {1, 3});
        assertThat(Ops.call("SequenceMask", attrs("use_sequence_length", true, "value", -1), arange(3, 2, 2), len))
                .hasShape(3, 2, 2).isCloseTo(new double[] {0, 1, 2, 3, -1, -1, 6, 7, -1, -1, 10, 11}, 0, 0);
        NDArray len1 = NDArray.of(Shape.of(2), 2, 0);
        assertThat(Ops.call("SequenceMask", attrs("use_sequence_length", true, "value", 9, "axis", 1),
                arange(2, 3, 2), len1)).isCloseTo(new double[] {0, 1, 2, 3, 9, 9, 9, 9, 9, 9, 9, 9}, 0, 0);
        assertThat(Ops.call("SequenceMask", arange(3, 2))).isEqualTo(arange(3, 2));
        NDArray longer = NDArray.from(new int[] {5, 3});
        assertThat(Ops.call("SequenceMask", attrs("use_sequence_length", true), arange(3, 2), longer))
                .isEqualTo(arange(3, 2));
    }

    @Test
    void sequenceMaskRejectsNegativeLengthsAndBadShapes() {
        NDArray neg = NDArray.from(new int[] {1, -1});
        assertThatThrownBy(() -> Ops.call("SequenceMask", attrs("use_sequence_length", true), arange(3, 2), neg))
                .isInstanceOf(KilnException.class).hasMessageContaining("op 'SequenceMask'")
                .hasMessageContaining("-1").hasMessageContaining("batch entry 1").hasMessageContaining("(3, 2)");
        assertThatThrownBy(() -> Ops.call("SequenceMask", attrs("use_sequence_length", true), arange(3, 2),
                NDArray.zeros(3))).isInstanceOf(KilnException.class).hasMessageContaining("'sequence_length'");
        assertThatThrownBy(() -> Ops.call("SequenceMask", attrs("axis", 2), arange(3, 2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'axis' = 2");
        assertThatThrownBy(() -> Ops.call("SequenceMask", arange(3))).isInstanceOf(KilnException.class)
                .hasMessageContaining("rank >= 2");
    }

    @Test
    void sequenceLastTakesTheLastValidStep() {
        NDArray len = NDArray.from(new int[] {1, 3});
        assertThat(Ops.call("SequenceLast", attrs("use_sequence_length", true), arange(3, 2, 2), len))
                .hasShape(2, 2).isCloseTo(new double[] {0, 1, 10, 11}, 0, 0);
        assertThat(Ops.call("SequenceLast", attrs("axis", 1), arange(2, 3, 2))).hasShape(2, 2)
                .isCloseTo(new double[] {4, 5, 10, 11}, 0, 0);
        assertThat(Ops.call("SequenceLast", attrs("axis", 1, "use_sequence_length", true), arange(2, 3, 2), len))
                .isCloseTo(new double[] {0, 1, 10, 11}, 0, 0);
        assertThat(Ops.call("SequenceLast", arange(3, 2))).hasShape(2).isCloseTo(new double[] {4, 5}, 0, 0);
    }

    @Test
    void sequenceLastRejectsLengthsOutsideOneToTime() {
        for (int bad : new int[] {0, 4}) {
            NDArray len = NDArray.from(new int[] {1, bad});
            assertThatThrownBy(() -> Ops.call("SequenceLast", attrs("use_sequence_length", true), arange(3, 2), len))
                    .isInstanceOf(KilnException.class).hasMessageContaining("op 'SequenceLast'")
                    .hasMessageContaining("holds " + bad).hasMessageContaining("[1, 3]");
        }
    }

    @Test
    void sequenceReverseReversesTheValidPrefix() {
        NDArray len = NDArray.of(Shape.of(2), 1, 3);
        assertThat(Ops.call("SequenceReverse", attrs("use_sequence_length", true), arange(3, 2, 2), len))
                .hasShape(3, 2, 2).isCloseTo(new double[] {0, 1, 10, 11, 4, 5, 6, 7, 8, 9, 2, 3}, 0, 0);
        assertThat(Ops.call("SequenceReverse", arange(3, 2, 2)))
                .isCloseTo(new double[] {8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3}, 0, 0);
        assertThatThrownBy(() -> Ops.call("SequenceReverse", attrs("use_sequence_length", true), arange(3, 2),
                NDArray.from(new int[] {1, 4}))).isInstanceOf(KilnException.class)
                .hasMessageContaining("[0, 3]");
        assertThatThrownBy(() -> Ops.call("SequenceReverse", attrs("axis", 1), arange(3, 2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("use 0");
    }
}
