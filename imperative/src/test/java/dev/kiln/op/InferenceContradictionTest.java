package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.kiln.op.ParameterInferenceTest.infer;
import static dev.kiln.op.ParameterInferenceTest.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What partial inference says when the known shapes or dtypes contradict each other, and how slots merge. */
class InferenceContradictionTest {

    private static InferenceRun<DType> types(String op, Map<String, ?> attrs, List<DType> in, List<DType> out) {
        OpDef def = OpRegistry.global().get(op);
        return InferenceRun.types(def, def.attrs(attrs), in, out);
    }

    @Test
    void sameShapeOperandsThatDisagreeAreNamedWithTheirShapes() {
        assertThatThrownBy(() -> infer("elemwise_add", Map.of(), Shape.of(2, 3), Shape.of(3, 2)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'elemwise_add'").hasMessageContaining("input 'rhs' has shape (3, 2)")
                .hasMessageContaining("input 'lhs' has (2, 3)");
        assertThatThrownBy(() -> infer("relu", Map.of(), Arrays.asList(p(2, -1)), Arrays.asList(p(3, 4))))
                .hasMessageContaining("op 'relu'").hasMessageContaining("output 0 has shape (3, 4)")
                .hasMessageContaining("(2, -1)");
    }

    @Test
    void aParameterOfTheWrongShapeIsNamedWithBothShapes() {
        assertThatThrownBy(() -> infer("BatchNorm", Map.of(), Shape.of(2, 3, 4), Shape.of(4), null, null, null))
                .hasMessageContaining("op 'BatchNorm'").hasMessageContaining("'gamma'")
                .hasMessageContaining("(4,)").hasMessageContaining("(3,)");
        assertThatThrownBy(() -> infer("FullyConnected", Map.of("num_hidden", 5), Shape.of(2, 3), Shape.of(5, 4), null))
                .hasMessageContaining("op 'FullyConnected'").hasMessageContaining("'weight'")
                .hasMessageContaining("(5, 4)").hasMessageContaining("(5, 3)");
        assertThatThrownBy(() -> infer("Convolution", Map.of("kernel", "(3, 3)", "num_filter", 2),
                Shape.of(1, 3, 8, 8), Shape.of(2, 4, 3, 3), null))
                .hasMessageContaining("op 'Convolution'").hasMessageContaining("'weight'")
                .hasMessageContaining("(2, 4, 3, 3)").hasMessageContaining("(2, 3, 3, 3)");
        assertThatThrownBy(() -> infer("Convolution", Map.of("kernel", "(3, 3)", "num_filter", 2),
                Shape.of(1, 3, 8), null, null))
                .hasMessageContaining("data must be 4-D").hasMessageContaining("(1, 3, 8)");
    }

    @Test
    void concatInputsThatDisagreeOffTheAxisAreNamed() {
        assertThatThrownBy(() -> infer("Concat", Map.of("num_args", 2, "dim", 0), p(2, 3), p(-1, 4)))
                .hasMessageContaining("op 'Concat'").hasMessageContaining("input arg1 has shape (-1, 4)")
                .hasMessageContaining("dim=0");
    }

    @Test
    void anOutputThatContradictsTheInputsIsNamed() {
        assertThatThrownBy(() -> infer("FullyConnected", Map.of("num_hidden", 5), Arrays.asList(p(2, 3), null, null),
                Arrays.asList(Shape.of(2, 6))))
                .hasMessageContaining("op 'FullyConnected'").hasMessageContaining("output 0 has shape (2, 6)")
                .hasMessageContaining("(2, 5)");
        assertThatThrownBy(() -> infer("Pooling", Map.of("kernel", "(2, 2)", "stride", "(2, 2)"),
                Arrays.asList(Shape.of(1, 3, 8, 8)), Arrays.asList(p(-1, -1, 5, 4))))
                .hasMessageContaining("output 0 has shape (-1, -1, 5, 4)").hasMessageContaining("(1, 3, 4, 4)");
    }

    @Test
    void dtypesThatDisagreeAreNamed() {
        assertThatThrownBy(() -> types("FullyConnected", Map.of("num_hidden", 2),
                Arrays.asList(DType.FLOAT32, DType.FLOAT16, null), Arrays.asList((DType) null)))
                .hasMessageContaining("op 'FullyConnected'").hasMessageContaining("input 'weight' has dtype float16")
                .hasMessageContaining("input 'data' has float32");
        assertThatThrownBy(() -> types("Cast", Map.of("dtype", "float16"), Arrays.asList((DType) null),
                Arrays.asList(DType.INT32)))
                .hasMessageContaining("op 'Cast'").hasMessageContaining("output 0 has dtype int32")
                .hasMessageContaining("float16");
        assertThatThrownBy(() -> types("Activation", Map.of("act_type", "relu"), Arrays.asList((DType) null),
                Arrays.asList(DType.INT32)))
                .hasMessageContaining("op 'Activation'").hasMessageContaining("int32")
                .hasMessageContaining("float16, bfloat16, float32 or float64");
        assertThatThrownBy(() -> types("BatchNorm", Map.of(), Arrays.asList(DType.FLOAT16, DType.FLOAT16, null, null,
                null), Arrays.asList(null, null, null)))
                .hasMessageContaining("op 'BatchNorm'").hasMessageContaining("'gamma' has dtype float16")
                .hasMessageContaining("float32");
    }

    @Test
    void unifyMergesPartialDimsAndReportsWhetherAnythingWasLearnt() {
        OpDef op = OpRegistry.global().get("elemwise_mul");
        ShapeSlots s = new ShapeSlots(op, op.defaultAttrs(), Arrays.asList(p(-1, 3, -1), p(2, -1, -1)),
                Arrays.asList(p(-1, -1, 4)));
        assertThat(s.unify(new int[] {0, 1}, new int[] {0})).isEqualTo(Shape.of(2, 3, 4));
        assertThat(s.changed()).isTrue();
        assertThat(s.inputs()).containsOnly(Shape.of(2, 3, 4));
        ShapeSlots again = new ShapeSlots(op, op.defaultAttrs(), s.inputs(), s.outputs());
        again.unifyAll();
        assertThat(again.changed()).isFalse();
        ShapeSlots none = new ShapeSlots(op, op.defaultAttrs(), Arrays.asList(null, Shape.unknownRank()),
                Arrays.asList((Shape) null));
        assertThat(none.unify(new int[] {0, 1}, new int[] {0})).isNull();
        assertThat(none.changed()).isFalse();
    }
}
