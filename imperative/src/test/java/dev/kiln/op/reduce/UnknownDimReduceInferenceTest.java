package dev.kiln.op.reduce;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.InferenceRun;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.ndarray.Shape.partial;
import static org.assertj.core.api.Assertions.assertThat;

/** Reductions and cumsum in graph inference with an unknown dim: the output follows from the input's rank. */
class UnknownDimReduceInferenceTest {

    @Test
    void axisReductionsKeepTheUnknownDimsTheyDoNotReduce() {
        assertThat(InferenceRun.shapes("sum", Map.of("axis", 1), partial(-1, 3, 4)).outputs())
                .containsExactly(partial(-1, 4));
        assertThat(InferenceRun.shapes("mean", Map.of("axis", 1, "keepdims", true), partial(-1, 3, 4)).outputs())
                .containsExactly(partial(-1, 1, 4));
        assertThat(InferenceRun.shapes("prod", Map.of("axis", 0, "exclude", true), partial(-1, 3, 4)).outputs())
                .containsExactly(partial(-1));
        assertThat(InferenceRun.shapes("nansum", Map.of(), partial(-1, 3)).outputs()).containsExactly(Shape.of(1));
    }

    @Test
    void cumsumKeepsTheShapeAlongAnAxisAndFlattensWithout() {
        assertThat(InferenceRun.shapes("cumsum", Map.of("axis", 1), partial(-1, 3)).outputs())
                .containsExactly(partial(-1, 3));
        assertThat(InferenceRun.shapes("cumsum", Map.of(), partial(-1, 3)).outputs()).containsExactly(partial(-1));
        assertThat(InferenceRun.shapes("cumsum", Map.of(), partial(2, 3)).outputs()).containsExactly(Shape.of(6));
    }
}
