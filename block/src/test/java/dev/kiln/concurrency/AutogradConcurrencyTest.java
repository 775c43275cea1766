package dev.kiln.concurrency;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridBlock;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.parameter.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Autograd records per thread, as in MXNet: {@value Overlap#THREADS} threads recording and running backward at
 * once, each on arrays or a block of its own, get exactly the gradients one thread gets for the same computation.
 */
@ExtendWith(dev.kiln.testing.FreshNames.class)
class AutogradConcurrencyTest {
    private static final int ROUNDS = 25;

    @Test
    void recordingOnDifferentArraysInEightThreadsGivesTheSingleThreadGradients() throws Exception {
        List<List<NDArray>> expected = new ArrayList<>();
        for (int t = 0; t < Overlap.THREADS; t++) {
            expected.add(arrayGradients(t));
        }
        List<Integer> counts = Overlap.run((thread, start) -> {
            int checked = 0;
            for (int r = 0; r < ROUNDS; r++) {
                List<NDArray> got = arrayGradients(thread);
                for (int k = 0; k < got.size(); k++) {
                    if (!Models.sameBits(got.get(k), expected.get(thread).get(k))) {
                        throw new AssertionError("thread " + thread + " round " + r + " gradient " + k + " differs");
                    }
                    checked++;
                }
            }
            return checked;
        });
        assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(Overlap.THREADS * ROUNDS * 3);
    }

    /** Gradients of sum(tanh(FC(x, w, b))) with respect to x, w and b, all made from {@code seed}. */
    private static List<NDArray> arrayGradients(long seed) {
        NDArray x = Models.uniform(Shape.of(6, 10), seed * 10, -1, 1).attachGrad();
        NDArray w = Models.uniform(Shape.of(12, 10), seed * 10 + 1, -1, 1).attachGrad();
        NDArray b = Models.uniform(Shape.of(12), seed * 10 + 2, -1, 1).attachGrad();
        NDArray loss;
        try (var ignored = Autograd.record()) {
            NDArray h = Ops.call("tanh", Ops.call("FullyConnected", Map.of("num_hidden", 12), x, w, b));
            loss = Ops.call("sum", h);
        }
        loss.backward();
        return List.of(Models.frozen(x.grad()), Models.frozen(w.grad()), Models.frozen(b.grad()));
    }

    @ParameterizedTest(name = "cnn={0} hybridized={1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void trainingStepsOfEightBlocksInEightThreadsGiveTheSingleThreadGradients(boolean cnn, boolean hybridized)
            throws Exception {
        List<HybridBlock> nets = new ArrayList<>();
        List<NDArray> inputs = new ArrayList<>();
        List<List<NDArray>> expected = new ArrayList<>();
        for (int t = 0; t < Overlap.THREADS; t++) {
            NDArray x = Models.input(cnn, 3, 500 + t);
            HybridBlock net = Models.initialized(cnn ? Models.cnn() : Models.mlp(), x, 40L * t);
            if (hybridized) {
                net.hybridize();
            }
            nets.add(net);
            inputs.add(x);
            expected.add(parameterGradients(net, x));
        }
        List<Integer> counts = Overlap.run((thread, start) -> {
            int checked = 0;
            for (int r = 0; r < ROUNDS; r++) {
                List<NDArray> got = parameterGradients(nets.get(thread), inputs.get(thread));
                for (int k = 0; k < got.size(); k++) {
                    if (!Models.sameBits(got.get(k), expected.get(thread).get(k))) {
                        throw new AssertionError("thread " + thread + " round " + r + " gradient " + k + " differs");
                    }
                    checked++;
                }
            }
            return checked;
        });
        assertThat(counts.stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(Overlap.THREADS * ROUNDS * expected.get(0).size());
    }

    /**
     * One training step's gradients, in predict mode so that BatchNorm's running statistics stay put and every
     * step computes the same: the gradient of sum(net(x)^2) for each parameter that has one.
     */
    private static List<NDArray> parameterGradients(HybridBlock net, NDArray x) {
        NDArray loss;
        try (var ignored = Autograd.record(false)) {
            loss = Ops.call("sum", Ops.call("square", net.call(x)));
        }
        loss.backward();
        List<NDArray> grads = new ArrayList<>();
        for (Parameter p : net.collectParams().values()) {
            if (p.gradReq() != dev.kiln.autograd.GradReq.NULL) {
                grads.add(Models.frozen(p.grad()));
            }
        }
        return grads;
    }
}
