package dev.kiln.op.shape;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.InferenceRun;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.ndarray.Shape.partial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shape ops in graph inference with an unknown dim (a batch size not given yet): the output follows once the input's
 * rank is known, dims that depend on the unknown one staying unknown, as MXNet 1.9 infers them.
 */
class UnknownDimInferenceTest {

    private static InferenceRun<Shape> run(String op, Map<String, ?> attrs, Shape... inputs) {
        return InferenceRun.shapes(op, attrs, inputs);
    }

    @Test
    void splitKeepsAnUnknownBatchAndCutsAKnownAxis() {
        assertThat(run("split", Map.of("num_outputs", 3, "axis", 1), partial(-1, 6, 5)).outputs())
                .containsExactly(partial(-1, 2, 5), partial(-1, 2, 5), partial(-1, 2, 5));
        assertThat(run("split", Map.of("num_outputs", 2, "axis", 0), partial(-1, 6)).outputs())
                .containsExactly(partial(-1, 6), partial(-1, 6));
        assertThat(run("_split_v2", Map.of("indices", new int[] {0, 2}, "axis", 1), partial(-1, 5)).outputs())
                .containsExactly(partial(-1, 2), partial(-1, 3));
    }

    @Test
    void splitWithSqueezeFixesTheAxisLengthToTheNumberOfParts() {
        InferenceRun<Shape> r = run("SliceChannel", Map.of("num_outputs", 2, "axis", 0, "squeeze_axis", true),
                partial(-1, 4));
        assertThat(r.inputs()).containsExactly(Shape.of(2, 4));
        assertThat(r.outputs()).containsExactly(Shape.of(4), Shape.of(4));
    }

    @Test
    void splitStillRejectsAKnownAxisItCannotDivide() {
        assertThatThrownBy(() -> run("split", Map.of("num_outputs", 4, "axis", 1), partial(-1, 6)))
                .hasMessageContaining("SliceChannel").hasMessageContaining("(-1, 6)");
    }

    @Test
    void slicesComputeKnownAxesAndLeaveUnknownOnesUnknown() {
        assertThat(run("slice", Map.of("begin", "(None, 1)", "end", "(None, 4)"), partial(-1, 6, 3)).outputs())
                .containsExactly(partial(-1, 3, 3));
        assertThat(run("slice_axis", Map.of("axis", 1, "begin", 1, "end", "None"), partial(-1, 4)).outputs())
                .containsExactly(partial(-1, 3));
        assertThat(run("slice_axis", Map.of("axis", 0, "begin", 1, "end", 3), partial(-1, 4)).outputs())
                .containsExactly(partial(-1, 4));
        assertThat(run("slice_like", Map.of("axes", "(1,)"), partial(-1, 5), Shape.of(4, 2)).outputs())
                .containsExactly(partial(-1, 2));
        assertThat(run("slice_like", Map.of(), Shape.of(3, 5), partial(2, -1)).outputs())
                .containsExactly(partial(2, -1));
    }

    @Test
    void sliceLikeStillRejectsAKnownAxisLongerThanTheData() {
        assertThatThrownBy(() -> run("slice_like", Map.of("axes", "(1,)"), partial(-1, 3), Shape.of(2, 4)))
                .hasMessageContaining("slice_like").hasMessageContaining("longer");
    }

    @Test
    void padGrowsKnownAxesOnly() {
        assertThat(run("Pad", Map.of("mode", "constant", "pad_width", "(0, 0, 0, 0, 1, 1, 2, 2)"),
                partial(-1, 3, 2, -1)).outputs()).containsExactly(partial(-1, 3, 4, -1));
    }

    @Test
    void reshapeCarriesUnknownDimsThroughItsCodes() {
        assertThat(run("Reshape", Map.of("shape", "(0, -1)"), partial(-1, 3, 4)).outputs())
                .containsExactly(partial(-1, -1));
        assertThat(run("Reshape", Map.of("shape", "(-3, 4)"), partial(-1, 3, 4)).outputs())
                .containsExactly(partial(-1, 4));
        assertThat(run("Reshape", Map.of("shape", "(0, -4, 2, -1, 0)"), partial(-1, 6, 5)).outputs())
                .containsExactly(partial(-1, 2, 3, 5));
        assertThat(run("Reshape", Map.of("shape", "(-1, 0)", "reverse", true), partial(10, -1)).outputs())
                .containsExactly(partial(-1, -1));
    }

    @Test
    void reshapeToAKnownShapeGivesTheUnknownInputDimBack() {
        InferenceRun<Shape> r = run("reshape", Map.of("shape", "(2, -2, 1)"), partial(-1, 3, 4));
        assertThat(r.outputs()).containsExactly(partial(2, 3, 4, 1));
        assertThat(r.inputs()).containsExactly(Shape.of(2, 3, 4));
    }

    @Test
    void broadcastToTakesTheTargetAndKeepsZeroDimsAsTheInputHasThem() {
        assertThat(run("broadcast_to", Map.of("shape", "(0, 3, 4)"), partial(-1, 1, -1)).outputs())
                .containsExactly(partial(-1, 3, 4));
    }

    @Test
    void diagOfAnUnknownLengthVectorIsASquareOfUnknownSide() {
        assertThat(run("diag", Map.of(), partial(-1)).outputs()).containsExactly(partial(-1, -1));
        assertThat(run("diag", Map.of("k", 1), partial(3, -1)).outputs()).containsExactly(partial(-1));
        assertThat(run("diag", Map.of("axis1", 1, "axis2", 2), partial(-1, 4, 5)).outputs())
                .containsExactly(partial(-1, 4));
    }

    @Test
    void concreteReshapesStillInferAndCheck() {
        assertThat(Shape.of(2, 3, 4).reshape(new int[] {0, -1}, false)).isEqualTo(Shape.of(2, 12));
        assertThat(Shape.of(6, 4).reshape(new int[] {-4, 2, -1, 4}, false)).isEqualTo(Shape.of(2, 3, 4));
        assertThatThrownBy(() -> Shape.of(6, 4).reshape(new int[] {5, -1}, false)).hasMessageContaining("-1 dim");
    }
}
