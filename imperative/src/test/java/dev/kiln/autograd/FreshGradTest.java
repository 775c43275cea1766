package dev.kiln.autograd;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fresh-gradient flag the Trainer reads to find parameters backward did not reach. */
class FreshGradTest {

    @Test
    void attachedGradientStartsStaleAndBackwardMakesItFresh() {
        NDArray x = NDArray.of(Shape.of(2), 1f, 2f).attachGrad();
        assertThat(Autograd.isGradFresh(x)).isFalse();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = Ops.call("square", x);
        }
        y.backward();
        assertThat(Autograd.isGradFresh(x)).isTrue();
        Autograd.markGradStale(x);
        assertThat(Autograd.isGradFresh(x)).isFalse();
    }

    @Test
    void onlyVariablesTheHeadsDependOnBecomeFresh() {
        NDArray used = NDArray.of(Shape.of(2), 1f, 2f).attachGrad();
        NDArray unused = NDArray.of(Shape.of(2), 3f, 4f).attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = Ops.call("exp", used);
            Ops.call("exp", unused);
        }
        y.backward();
        assertThat(Autograd.isGradFresh(used)).isTrue();
        assertThat(Autograd.isGradFresh(unused)).isFalse();
    }

    @Test
    void accumulatingAndHeadVariablesAreFreshButGradOnlyLeavesBuffersStale() {
        NDArray add = NDArray.of(Shape.of(2), 1f, 2f).attachGrad(GradReq.ADD);
        NDArray head = NDArray.of(Shape.of(2), 1f, 2f).attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = Ops.call("square", add);
        }
        Autograd.backward(List.of(y, head), null, false);
        assertThat(Autograd.isGradFresh(add)).isTrue();
        assertThat(Autograd.isGradFresh(head)).isTrue();

        NDArray z = NDArray.of(Shape.of(2), 1f, 2f).attachGrad();
        NDArray w;
        try (var rec = Autograd.record()) {
            w = Ops.call("square", z);
        }
        Autograd.grad(List.of(w), List.of(z));
        assertThat(Autograd.isGradFresh(z)).isFalse();
    }

    @Test
    void arraysWithoutAGradientAreNeverFresh() {
        NDArray plain = NDArray.ones(2);
        assertThat(Autograd.isGradFresh(plain)).isFalse();
        Autograd.markGradStale(plain);
        assertThat(Autograd.isGradFresh(plain)).isFalse();
    }
}
