package dev.kiln.nn;

import dev.kiln.autograd.Autograd;
import dev.kiln.init.Constant;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class EmbeddingTest {

    @Test
    void weightIsNamedAndShapedAsGluonsAndPrintsItsSizes() {
        Embedding e = new Embedding(10, 4);
        assertThat(e.prefix()).isEqualTo("embedding0_");
        assertThat(e.collectParams().keys()).containsExactly("embedding0_weight");
        assertThat(e.weight().shape()).isEqualTo(Shape.of(10, 4));
        assertThat(e).hasToString("Embedding(10 -> 4, float32)");
        assertThat(Embedding.builder(3, 2).dtype(DType.FLOAT64).build()).hasToString("Embedding(3 -> 2, float64)");
    }

    @Test
    void looksUpOneWeightRowPerIndexKeepingTheIndexShape() {
        Embedding e = new Embedding(5, 3);
        e.initialize();
        NDArray w = e.weight().data();
        int[] idx = {4, 0, 2, 2, 1, 3};
        NDArray x = NDArray.of(Shape.of(2, 3), DType.INT32, 4, 0, 2, 2, 1, 3);
        double[] expected = new double[idx.length * 3];
        for (int i = 0; i < idx.length; i++) {
            for (int j = 0; j < 3; j++) {
                expected[i * 3 + j] = w.getDouble(idx[i], j);
            }
        }
        assertThat(e.call(x)).hasShape(2, 3, 3).isCloseTo(expected, 0, 0);
        LayerCheck.of(e, x).expectShape(2, 3, 3).run();
    }

    @Test
    void weightGradientAddsTheOutputGradientOfEveryOccurrence() {
        Embedding e = Embedding.builder(4, 2).sparseGrad(true).build();
        e.initialize();
        NDArray x = NDArray.of(Shape.of(3), DType.INT32, 1, 3, 1);
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = e.call(x);
        }
        NDArray head = NDArray.of(Shape.of(3, 2), 1f, 2f, 3f, 4f, 5f, 6f);
        NDArray g = Autograd.grad(List.of(y), List.of(e.weight().data()), List.of(head), false, false).get(0);
        // row 1 gets rows 0 and 2 of head, row 3 gets row 1, rows 0 and 2 nothing
        assertThat(g).isCloseTo(new double[] {0, 0, 6, 8, 0, 0, 3, 4}, 0, 0);
    }

    @Test
    void builderSetsDtypeAndOwnInitialiser() {
        Embedding e = Embedding.builder(3, 2).dtype(DType.FLOAT64).weightInitializer(new Constant(0.5)).build();
        e.initialize(new Constant(-1));
        assertThat(e.weight().data()).hasDType(DType.FLOAT64).isCloseTo(new double[] {.5, .5, .5, .5, .5, .5}, 0, 0);
        NDArray x = Random.randint(0, 3, 2, 2).astype(DType.INT32);
        LayerCheck.of(e, x).expectShape(2, 2, 2).run();
    }

    @Test
    void rejectsNonPositiveSizes() {
        assertThatThrownBy(() -> new Embedding(0, 4))
                .hasMessageContaining("inputDim and outputDim must be positive, got 0 and 4");
    }
}
