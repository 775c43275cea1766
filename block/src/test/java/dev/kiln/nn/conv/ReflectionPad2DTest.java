package dev.kiln.nn.conv;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class ReflectionPad2DTest {

    @Test
    void isNamedByItsClassWithGluonsPadWidthAndThePlainBlockRepr() {
        ReflectionPad2D p = new ReflectionPad2D(3);
        assertThat(p.prefix()).isEqualTo("reflectionpad2d0_");
        assertThat(p.padWidth()).isEqualTo(IntTuple.of(0, 0, 0, 0, 3, 3, 3, 3));
        assertThat(new ReflectionPad2D().padWidth()).isEqualTo(IntTuple.of(0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(p).hasToString("ReflectionPad2D(\n\n)");
    }

    @Test
    void mirrorsHeightAndWidthWithoutRepeatingTheBorder() {
        NDArray x = Random.uniform(-1, 1, 2, 2, 3, 4);
        Grid expected = Reference.reflect(Grid.of(x), 2);
        assertThat(new ReflectionPad2D(2).call(x)).hasShape(2, 2, 7, 8).isCloseTo(expected.v(), 0, 0);
        // rows (1, 2, 3) and (4, 5, 6): one row above mirrors row 1, none below; two columns left, one right
        NDArray small = NDArray.of(Shape.of(1, 1, 2, 3), 1f, 2f, 3f, 4f, 5f, 6f);
        assertThat(ReflectionPad2D.builder().padWidth(0, 0, 0, 0, 1, 0, 2, 1).build().call(small))
                .hasShape(1, 1, 3, 6)
                .isCloseTo(new double[] {6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5}, 0, 0);
    }

    @Test
    void passesTheLayerChecksAndTracesGluonsUnnamedPadNode() {
        LayerCheck.of(new ReflectionPad2D(1), Random.uniform(-1, 1, 1, 2, 2, 3)).expectShape(1, 2, 4, 5).run();
        String json = new ReflectionPad2D(1).trace(true).toJson();
        assertThat(json).contains("\"op\": \"Pad\"", "\"name\": \"reflectionpad2d1_pad0\"", "\"mode\": \"reflect\"",
                "\"pad_width\": \"(0, 0, 0, 0, 1, 1, 1, 1)\"");
    }

    @Test
    void rejectsBadPadWidthsAndPaddingNotSmallerThanTheData() {
        assertThatThrownBy(() -> ReflectionPad2D.builder().padWidth(1, 1, 1, 1).build())
                .hasMessageContaining("ReflectionPad2D: padWidth must have 8 entries").hasMessageContaining("(1, 1, 1, 1)");
        assertThatThrownBy(() -> ReflectionPad2D.builder().padWidth(0, 1, 0, 0, 1, 1, 1, 1).build())
                .hasMessage("ReflectionPad2D: padWidth must be non-negative and 0 for batch and channel, got"
                        + " (0, 1, 0, 0, 1, 1, 1, 1)");
        assertThatThrownBy(() -> new ReflectionPad2D(-1)).hasMessageContaining("must be non-negative");
        ReflectionPad2D p = new ReflectionPad2D(3);
        assertThatThrownBy(() -> p.call(Random.uniform(-1, 1, 1, 1, 3, 5)))
                .hasStackTraceContaining("reflect padding of 3 on axis 2 must be smaller than its size 3");
    }
}
