package dev.kiln.autograd;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Gradient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backward offers a rule a variable's own gradient buffer ({@link Gradient#gradientBuffer}) exactly when that rule's
 * gradient is all the variable gets in the pass under grad_req write, and the result is the same either way.
 */
class GradientBufferTest {

    /** Triples its input on the way back, into the offered buffer when there is one; notes what it was offered. */
    private static final class Tripling extends TapeOnlyOp {
        final List<NDArray> offered = new ArrayList<>();

        Tripling() {
            super("_test_tripling", 1, 1, "arg", "this test");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> List<T> gradient(Gradient<T> g) {
            NDArray into = (NDArray) g.gradientBuffer(0);
            offered.add(into);
            NDArray og = (NDArray) g.outGrad(0);
            if (into == null) {
                return List.of(g.mulScalar(g.outGrad(0), 3.0));
            }
            float[] o = og.toFloatArray();
            for (int i = 0; i < o.length; i++) {
                into.floatData()[i] = 3 * o[i];
            }
            return (List<T>) List.of(into);
        }
    }

    private static NDArray through(Tripling op, NDArray x) {
        return Tape.record(op, op.defaultAttrs(), List.of(x), List.of(x.copy())).get(0);
    }

    private static NDArray variable(GradReq req) {
        NDArray x = NDArray.of(Shape.of(3), new float[] {1, -2, 5});
        x.attachGrad(req);
        x.grad().fill(7); // a stale value that write must replace
        return x;
    }

    @Test
    void aLoneContributionUnderWriteIsOfferedTheVariablesOwnBuffer() {
        NDArray x = variable(GradReq.WRITE);
        NDArray buffer = x.grad();
        long mutations = buffer.mutationCount();
        Tripling op = new Tripling();
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = through(op, x);
        }
        Autograd.backward(List.of(y), List.of(NDArray.of(Shape.of(3), new float[] {1, 2, 3})), false);
        assertThat(op.offered).containsExactly(buffer);
        assertThat(x.grad()).isSameAs(buffer);
        assertThat(x.grad().toFloatArray()).containsExactly(3f, 6f, 9f);
        assertThat(buffer.mutationCount()).as("the write is counted as a copy would be").isGreaterThan(mutations);
        assertThat(Autograd.isGradFresh(x)).isTrue();
    }

    @Test
    void aVariableReachedTwiceGetsNoBufferAndTheSumOfBoth() {
        NDArray x = variable(GradReq.WRITE);
        Tripling op = new Tripling();
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = dev.kiln.op.Ops.call("elemwise_add", through(op, x), through(op, x));
        }
        Autograd.backward(List.of(y), null, false);
        assertThat(op.offered).hasSize(2).containsOnlyNulls();
        assertThat(x.grad().toFloatArray()).containsExactly(6f, 6f, 6f);
    }

    @Test
    void addRequestsAndGradCallsAreNeverOfferedABuffer() {
        NDArray x = variable(GradReq.ADD);
        Tripling op = new Tripling();
        for (int pass = 0; pass < 2; pass++) {
            NDArray y;
            try (var ignored = Autograd.record()) {
                y = through(op, x);
            }
            Autograd.backward(List.of(y), null, false);
        }
        assertThat(x.grad().toFloatArray()).containsExactly(13f, 13f, 13f);

        NDArray z = variable(GradReq.WRITE);
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = through(op, z);
        }
        List<NDArray> g = Autograd.grad(List.of(y), List.of(z));
        assertThat(g.get(0).toFloatArray()).containsExactly(3f, 3f, 3f);
        assertThat(z.grad().toFloatArray()).as("grad() leaves the buffer alone").containsExactly(7f, 7f, 7f);
        assertThat(op.offered).hasSize(3).containsOnlyNulls();
    }
}
