package dev.kiln.op.linalg;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.InferenceRun;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.kiln.ndarray.Shape.partial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** dot and matmul in graph inference with unknown dims: the output keeps the operands' free axes, known or not. */
class UnknownDimProductInferenceTest {

    @Test
    void dotKeepsTheFreeAxesOfBothOperands() {
        assertThat(InferenceRun.shapes("dot", Map.of(), partial(-1, 3), Shape.of(3, 4)).outputs())
                .containsExactly(partial(-1, 4));
        assertThat(InferenceRun.shapes("dot", Map.of("transpose_a", true), partial(3, -1), Shape.of(3, 4))
                .outputs()).containsExactly(partial(-1, 4));
        assertThat(InferenceRun.shapes("dot", Map.of(), partial(-1), partial(-1)).outputs())
                .containsExactly(Shape.of(1));
    }

    @Test
    void dotTellsEitherOperandTheContractedLengthTheOtherKnows() {
        var weight = InferenceRun.shapes("dot", Map.of(), Shape.of(4, 7), partial(-1, 3));
        assertThat(weight.inputs()).containsExactly(Shape.of(4, 7), Shape.of(7, 3));
        assertThat(weight.outputs()).containsExactly(Shape.of(4, 3));
        var transposed = InferenceRun.shapes("dot", Map.of("transpose_a", true, "transpose_b", true),
                partial(-1, 5), Shape.of(2, 6));
        assertThat(transposed.inputs()).containsExactly(Shape.of(6, 5), Shape.of(2, 6));
        assertThat(transposed.outputs()).containsExactly(Shape.of(5, 2));
    }

    @Test
    void matmulBroadcastsBatchDimsAndChecksKnownCoreDims() {
        assertThat(InferenceRun.shapes("matmul", Map.of(), partial(-1, 2, 3), Shape.of(3, 4)).outputs())
                .containsExactly(partial(-1, 2, 4));
        assertThat(InferenceRun.shapes("matmul", Map.of(), partial(-1), Shape.of(5, 3, 2)).outputs())
                .containsExactly(Shape.of(5, 2));
        assertThatThrownBy(() -> InferenceRun.shapes("matmul", Map.of(), partial(-1, 2, 3), Shape.of(4, 2)))
                .hasMessageContaining("matmul").hasMessageContaining("core dimension");
    }
}
