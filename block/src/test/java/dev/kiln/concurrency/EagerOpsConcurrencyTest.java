package dev.kiln.concurrency;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eager ops from {@value Overlap#THREADS} threads at once, each on arrays of its own: dense and convolution layers
 * (whose GEMMs share helper threads), pooling, batch norm, softmax, elementwise ops and reductions large enough to
 * be split across the kernel pool, and random ops drawing from a thread-scoped generator. Every result has exactly
 * the bits the same chain gives on one thread.
 */
class EagerOpsConcurrencyTest {
    private static final int CHAINS = 16;
    private static final int ROUNDS = 12;

    @Test
    void opsOnDifferentArraysFromEightThreadsGiveTheSingleThreadBits() throws Exception {
        List<List<NDArray>> expected = new ArrayList<>();
        for (int c = 0; c < CHAINS; c++) {
            expected.add(chain(c));
        }
        List<Integer> counts = Overlap.run((thread, start) -> {
            int checked = 0;
            for (int r = 0; r < ROUNDS; r++) {
                int c = (thread * 3 + r) % CHAINS;
                List<NDArray> got = chain(c);
                for (int k = 0; k < got.size(); k++) {
                    if (!Models.sameBits(got.get(k), expected.get(c).get(k))) {
                        throw new AssertionError("thread " + thread + " chain " + c + " result " + k
                                + " differs from the single-thread result");
                    }
                    checked++;
                }
            }
            return checked;
        });
        int ops = counts.stream().mapToInt(Integer::intValue).sum();
        assertThat(ops).isEqualTo(Overlap.THREADS * ROUNDS * expected.get(0).size());
    }

    /** One chain of ops on arrays made from {@code seed}; every intermediate result is returned. */
    private static List<NDArray> chain(long seed) {
        long s = seed * 100;
        List<NDArray> out = new ArrayList<>();
        NDArray x = Models.uniform(Shape.of(16, 96), s++, -1, 1);
        NDArray fc = Ops.call("FullyConnected", Map.of("num_hidden", 64), x,
                Models.uniform(Shape.of(64, 96), s++, -1, 1), Models.uniform(Shape.of(64), s++, -1, 1));
        out.add(fc);
        NDArray relu = Ops.call("Activation", Map.of("act_type", "relu"), fc);
        out.add(relu);
        out.add(Ops.call("softmax", Map.of("axis", -1), relu));
        NDArray square = Models.uniform(Shape.of(96, 96), s++, -1, 1);
        out.add(Ops.call("dot", Map.of("transpose_b", true), square, square));
        NDArray image = Models.uniform(Shape.of(2, 3, 12, 12), s++, -1, 1);
        NDArray conv = Ops.call("Convolution", Map.of("kernel", "(3,3)", "num_filter", 8, "pad", "(1,1)"), image,
                Models.uniform(Shape.of(8, 3, 3, 3), s++, -1, 1), Models.uniform(Shape.of(8), s++, -1, 1));
        out.add(conv);
        NDArray pool = Ops.call("Pooling", Map.of("kernel", "(2,2)", "stride", "(2,2)", "pool_type", "max"), conv);
        out.add(pool);
        out.add(Ops.call("BatchNorm", Map.of("fix_gamma", false), pool, Models.uniform(Shape.of(8), s++, 0.5, 1.5),
                Models.uniform(Shape.of(8), s++, -1, 1), Models.uniform(Shape.of(8), s++, -1, 1),
                Models.uniform(Shape.of(8), s++, 0.5, 1.5)));
        NDArray big = Models.uniform(Shape.of(128, 512), s++, -1, 1);
        NDArray exp = Ops.call("exp", big);
        out.add(exp);
        out.add(Ops.call("sum", Map.of("axis", 1), exp));
        out.add(Ops.call("sum", exp));
        out.add(Ops.call("broadcast_add", big, Models.uniform(Shape.of(1, 512), s++, -1, 1)));
        long key = s++;
        out.add(Random.withGenerator(new Generator(key),
                () -> Ops.call("_random_normal", Map.of("shape", "(64, 64)"))));
        out.add(Random.withGenerator(new Generator(key + 1), () -> {
            try (var ignored = Autograd.trainMode()) {
                return Ops.call("Dropout", Map.of("p", 0.5), big);
            }
        }));
        return out;
    }
}
