package dev.kiln.testing;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NDArrayAssertTest {

    @Test
    void passesWhenValuesAreWithinTolerance() {
        NDArray a = NDArray.of(Shape.of(2, 2), 1f, 2f, 3f, 4f);
        NDArray b = NDArray.of(Shape.of(2, 2), 1f, 2f, 3f, 4.000001f);
        NDArrayAssert.assertThat(a).hasShape(2, 2).isCloseTo(b, 1e-5, 1e-6);
    }

    @Test
    void failureNamesWorstElementIndexAndBothValues() {
        NDArray a = NDArray.of(Shape.of(2, 3), 0, 0, 0, 0, 9, 0);
        NDArray b = NDArray.of(Shape.of(2, 3), 0, 0, 0, 0.5f, 1, 0);
        assertThatThrownBy(() -> NDArrayAssert.assertThat(a).isCloseTo(b, 1e-5, 1e-6))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("[1, 1]")
                .hasMessageContaining("actual 9.0")
                .hasMessageContaining("expected 1.0");
    }

    @Test
    void failsOnShapeMismatch() {
        assertThatThrownBy(() -> NDArrayAssert.assertThat(NDArray.zeros(2, 3)).hasShape(3, 2))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("(3, 2)")
                .hasMessageContaining("(2, 3)");
    }
}
