package dev.kiln.ndarray;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InPlaceTest {

    @Test
    void inPlaceArithmeticUpdatesTheSameStorageAndBroadcastsTheOperand() {
        NDArray w = NDArray.from(new float[][] {{1, 2}, {3, 4}});
        NDArray view = w.reshape(4);
        w.addInPlace(NDArray.from(new float[] {10, 20}));
        assertThat(view.toFloatArray()).containsExactly(11, 22, 13, 24);
        w.subInPlace(NDArray.ones(2, 2));
        w.mulInPlace(NDArray.from(new float[][] {{2}, {3}}));
        assertThat(view.toFloatArray()).containsExactly(20, 42, 36, 69);
        w.divInPlace(NDArray.from(new float[] {2, 3}));
        w.addInPlace(0.5).mulInPlace(2);
        assertThat(view.toFloatArray()).containsExactly(21, 29, 37, 47);
    }

    @Test
    void inPlaceUpdateThatWouldGrowTheTargetIsRejected() {
        NDArray w = NDArray.zeros(2);
        assertThatThrownBy(() -> w.addInPlace(NDArray.zeros(3, 2)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("(3, 2)").hasMessageContaining("(2,)");
    }
}
