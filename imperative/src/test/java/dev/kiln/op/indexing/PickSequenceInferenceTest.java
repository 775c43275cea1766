package dev.kiln.op.indexing;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.InferenceRun;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Partial graph inference of pick and the Sequence ops from their data alone, as MXNet 1.9 infers it. */
class PickSequenceInferenceTest {

    @Test
    void pickInfersTheOutputAndAnIndexWithoutTheAxisFromTheDataAlone() {
        InferenceRun<Shape> r = InferenceRun.shapes("pick", Map.of("axis", 1), Shape.partial(2, 5, -1), null);
        assertThat(r.outputs()).containsExactly(Shape.partial(2, -1));
        assertThat(r.inputs().get(1)).isEqualTo(Shape.partial(2, -1));

        InferenceRun<Shape> kept = InferenceRun.shapes("pick", Map.of("axis", -1, "keepdims", true), Shape.of(3, 4),
                Shape.unknownRank());
        assertThat(kept.outputs()).containsExactly(Shape.of(3, 1));
        assertThat(kept.inputs().get(1)).isEqualTo(Shape.of(3));
    }

    @Test
    void pickKeepsTheAxisAsOneForAnIndexOfTheDataRank() {
        InferenceRun<Shape> r = InferenceRun.shapes("pick", Map.of("axis", 0), Shape.of(4, 3), Shape.partial(-1, -1));
        assertThat(r.inputs().get(1)).isEqualTo(Shape.of(1, 3));
        assertThat(r.outputs()).containsExactly(Shape.of(3));
    }

    @Test
    void pickRejectsAnIndexOfAnotherRankNamingIt() {
        assertThatThrownBy(() -> InferenceRun.shapes("pick", Map.of("axis", 1), Shape.of(2, 5, 3),
                Shape.partial(-1))).hasMessageContaining("pick").hasMessageContaining("index");
    }

    @Test
    void sequenceLengthsTakeTheDataDTypeOnlyWhenUnknown() {
        for (String op : List.of("SequenceMask", "SequenceLast", "SequenceReverse")) {
            Map<String, Object> attrs = Map.of("use_sequence_length", true);
            InferenceRun<DType> unknown = InferenceRun.types(op, attrs, DType.FLOAT64, null);
            assertThat(unknown.inputs()).as(op).containsExactly(DType.FLOAT64, DType.FLOAT64);
            assertThat(unknown.outputs()).as(op).containsExactly(DType.FLOAT64);
            InferenceRun<DType> given = InferenceRun.types(op, attrs, DType.FLOAT32, DType.INT32);
            assertThat(given.inputs()).as(op).containsExactly(DType.FLOAT32, DType.INT32);
            assertThat(given.outputs()).as(op).containsExactly(DType.FLOAT32);
        }
    }
}
