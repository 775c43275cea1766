package dev.kiln.op;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class DerivedWeightsTest {
    private static NDArray weight() {
        return NDArray.wrap(Shape.of(2, 2), new float[] {1, 2, 3, 4});
    }

    @Test
    void aValueIsDerivedOnceWhileTheWeightIsUnchanged() {
        DerivedWeights kept = new DerivedWeights();
        NDArray w = weight();
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(kept.get(w, "k", () -> "value " + calls.incrementAndGet())).isEqualTo("value 1");
        }
        assertThat(kept.derivations()).isEqualTo(1);
    }

    @Test
    void aCountedWriteAnotherArrayOrAnotherKeyDerivesAgain() {
        DerivedWeights kept = new DerivedWeights();
        NDArray w = weight();
        AtomicInteger calls = new AtomicInteger();
        kept.get(w, "k", calls::incrementAndGet);
        w.setDouble(0, 5);
        assertThat(kept.get(w, "k", calls::incrementAndGet)).isEqualTo(2);
        weight().copyTo(w);
        assertThat(kept.get(w, "k", calls::incrementAndGet)).isEqualTo(3);
        w.markMutated();
        assertThat(kept.get(w, "k", calls::incrementAndGet)).isEqualTo(4);
        assertThat(kept.get(weight(), "k", calls::incrementAndGet)).as("another array, same values").isEqualTo(5);
        assertThat(kept.get(w, "other", calls::incrementAndGet)).isEqualTo(6);
        assertThat(kept.get(w, "other", calls::incrementAndGet)).isEqualTo(6);
        assertThat(kept.derivations()).isEqualTo(6);
    }

    @Test
    void aValueDerivedWhileTheWeightWasWrittenIsNotKept() {
        DerivedWeights kept = new DerivedWeights();
        NDArray w = weight();
        AtomicInteger calls = new AtomicInteger();
        kept.get(w, "k", () -> {
            w.setDouble(1, 7);
            return calls.incrementAndGet();
        });
        assertThat(kept.get(w, "k", calls::incrementAndGet)).isEqualTo(2);
        assertThat(kept.get(w, "k", calls::incrementAndGet)).isEqualTo(2);
    }
}
