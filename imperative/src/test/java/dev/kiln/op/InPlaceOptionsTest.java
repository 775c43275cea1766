package dev.kiln.op;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InPlaceOptionsTest {
    private static List<InPlaceOption> options(String op, Map<String, ?> attrs) {
        OpDef def = OpRegistry.global().get(op);
        return def.inPlaceOptions(def.attrs(attrs));
    }

    @Test
    void elementwiseOpsMayOverwriteTheirData() {
        List<InPlaceOption> first = List.of(InPlaceOption.overwrite(0, 0));
        assertThat(options("exp", Map.of())).isEqualTo(first);
        assertThat(options("relu", Map.of())).isEqualTo(first);
        assertThat(options("_plus_scalar", Map.of("scalar", 2.0))).isEqualTo(first);
        assertThat(options("_rminus_scalar", Map.of("scalar", 2.0))).isEqualTo(first);
        assertThat(options("Activation", Map.of("act_type", "tanh"))).isEqualTo(first);
        assertThat(options("Dropout", Map.of("p", 0.5))).isEqualTo(first);
        assertThat(options("clip", Map.of("a_min", 0.0, "a_max", 1.0))).isEqualTo(first);
        assertThat(options("hard_sigmoid", Map.of())).isEqualTo(first);
    }

    @Test
    void binaryOpsMayOverwriteEitherOperand() {
        List<InPlaceOption> both = List.of(InPlaceOption.overwrite(0, 0), InPlaceOption.overwrite(1, 0));
        assertThat(options("elemwise_add", Map.of())).isEqualTo(both);
        assertThat(options("broadcast_mul", Map.of())).isEqualTo(both);
    }

    @Test
    void reshapingAndCopyingOpsShareAsIdentities() {
        List<InPlaceOption> identity = List.of(InPlaceOption.identity(0, 0));
        assertThat(options("Reshape", Map.of("shape", "(2, 3)"))).isEqualTo(identity);
        assertThat(options("Flatten", Map.of())).isEqualTo(identity);
        assertThat(options("expand_dims", Map.of("axis", 0))).isEqualTo(identity);
        assertThat(options("_copy", Map.of())).isEqualTo(identity);
        assertThat(options("BlockGrad", Map.of())).isEqualTo(identity);
    }

    @Test
    void opsThatReadTheirWholeInputBeforeWritingDeclareNothing() {
        assertThat(options("FullyConnected", Map.of("num_hidden", 4))).isEmpty();
        assertThat(options("BatchNorm", Map.of())).isEmpty();
        assertThat(options("softmax", Map.of())).isEmpty();
        assertThat(options("transpose", Map.of())).isEmpty();
        assertThat(options("Cast", Map.of("dtype", "int32"))).isEmpty();
    }

    @Test
    void everyDeclaredOptionNamesAnInputAndAnOutputOfTheOp() {
        int declared = 0;
        for (OpDef op : OpRegistry.global().ops()) {
            Attrs attrs;
            try {
                attrs = op.defaultAttrs();
            } catch (KilnException required) {
                continue;
            }
            for (InPlaceOption o : op.inPlaceOptions(attrs)) {
                assertThat(o.input()).as(op.name()).isLessThan(op.numInputs(attrs));
                assertThat(o.output()).as(op.name()).isLessThan(op.numOutputs(attrs));
                declared++;
            }
        }
        assertThat(declared).isGreaterThan(50);
    }
}
