package dev.kiln.autograd;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Gradient;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A tape-only step hears once that backward freed it, and not while the graph is retained. */
class TapeOnlyOpReleaseTest {

    /** Doubles its input on the way back and counts its releases. */
    private static final class Doubling extends TapeOnlyOp {
        int releases;

        Doubling() {
            super("_test_doubling", 1, 1, "arg", "this test");
        }

        @Override
        protected void released() {
            releases++;
        }

        @Override
        public <T> List<T> gradient(Gradient<T> g) {
            return List.of(g.mulScalar(g.outGrad(0), 2.0));
        }
    }

    private static NDArray recordedThrough(Doubling op, NDArray x) {
        try (var ignored = Autograd.record()) {
            return Tape.record(op, op.defaultAttrs(), List.of(x), List.of(x.copy())).get(0);
        }
    }

    @Test
    void backwardWithoutRetainingTheGraphReleasesTheStepOnce() {
        NDArray x = NDArray.of(Shape.of(2), new float[] {1, 2});
        x.attachGrad();
        Doubling op = new Doubling();
        NDArray y = recordedThrough(op, x);
        Autograd.backward(List.of(y), null, true);
        assertThat(op.releases).as("retained graph").isZero();
        Autograd.backward(List.of(y), null, false);
        assertThat(op.releases).isEqualTo(1);
        assertThat(x.grad().toFloatArray()).containsExactly(2f, 2f);
    }
}
