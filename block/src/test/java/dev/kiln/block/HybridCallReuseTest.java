package dev.kiln.block;

import dev.kiln.autograd.Autograd;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Dropout;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hybridized call reuses the trace and the compiled graph of the call before it when nothing that selects them
 * changed; these tests change one thing at a time, back and forth, and check that each call still runs the graph
 * for its own inputs and mode, and that the cache's counters stay exact, from one thread and from several.
 */
@ExtendWith(dev.kiln.testing.FreshNames.class)
class HybridCallReuseTest {
    private static Dense dense() {
        Dense d = Dense.builder(3).inUnits(4).build();
        d.initialize();
        return d;
    }

    private static NDArray input(int rows, long seed) {
        Random.seed(seed);
        return Ops.call("_random_uniform", Map.of("low", -1.0, "high", 1.0, "shape", Shape.of(rows, 4)));
    }

    @Test
    void alternatingStaticShapesEachRunTheirOwnGraph() {
        Dense d = dense();
        NDArray small = input(2, 1);
        NDArray large = input(5, 2);
        NDArray smallEager = d.call(small);
        NDArray largeEager = d.call(large);
        d.hybridize(HybridizeOptions.builder().staticAlloc(true).staticShape(true).build());
        for (int round = 0; round < 2; round++) {
            assertThat(d.call(small)).isCloseTo(smallEager, 1e-6, 1e-7);
            assertThat(d.call(large)).isCloseTo(largeEager, 1e-6, 1e-7);
        }
        assertThat(d.cacheStats().misses()).isEqualTo(2);
        assertThat(d.cacheStats().hits()).isEqualTo(2);
        assertThat(d.cacheStats().size()).isEqualTo(2);
    }

    @Test
    void alternatingPresentInputsEachUseTheirOwnTrace() {
        HybridBlock addMaybe = new HybridBlock() {
            @Override
            protected <T> List<T> hybridForward(dev.kiln.op.surface.F<T> F, List<T> in, ParameterValues<T> p) {
                T y = F.mulScalar(in.get(0), 3.0);
                return List.of(in.get(1) == null ? y : F.elemwiseAdd(y, in.get(1)));
            }
        };
        addMaybe.hybridize();
        NDArray x = NDArray.of(Shape.of(2), 1f, -2f);
        NDArray z = NDArray.of(Shape.of(2), 10f, 20f);
        for (int round = 0; round < 2; round++) {
            assertThat(addMaybe.callAll(Arrays.asList(x, null)).get(0)).isCloseTo(new double[] {3, -6}, 0, 0);
            assertThat(addMaybe.callAll(Arrays.asList(x, z)).get(0)).isCloseTo(new double[] {13, 14}, 0, 0);
        }
        assertThat(addMaybe.cacheStats().misses()).isEqualTo(2);
        assertThat(addMaybe.cacheStats().hits()).isEqualTo(2);
    }

    @Test
    void alternatingModesEachRunTheirOwnGraph() {
        Dropout drop = new Dropout(0.5);
        drop.hybridize();
        NDArray ones = NDArray.ones(64);
        for (int round = 0; round < 2; round++) {
            assertThat(drop.call(ones)).isCloseTo(ones, 0, 0);
            NDArray trained;
            try (var ignored = Autograd.trainMode()) {
                trained = drop.call(ones);
            }
            float[] v = trained.toFloatArray();
            int zeros = 0;
            for (float f : v) {
                assertThat(f == 0f || f == 2f).as("a dropped-out or rescaled (x2) element, got %s", f).isTrue();
                zeros += f == 0f ? 1 : 0;
            }
            assertThat(zeros).isBetween(1, 63);
        }
        assertThat(drop.cacheStats().misses()).isEqualTo(2);
        assertThat(drop.cacheStats().hits()).isEqualTo(2);
    }

    @Test
    void callsFromSeveralThreadsComputeEagerResultsAndCountEveryHit() throws Exception {
        Dense d = dense();
        NDArray x = input(3, 7);
        NDArray eager = d.call(x);
        d.hybridize();
        d.call(x);
        int threads = 4;
        int calls = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<NDArray>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    List<NDArray> out = new ArrayList<>();
                    for (int i = 0; i < calls; i++) {
                        out.add(d.call(x));
                    }
                    return out;
                }));
            }
            for (Future<List<NDArray>> f : results) {
                for (NDArray y : f.get()) {
                    assertThat(y).isCloseTo(eager, 1e-6, 1e-7);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(d.cacheStats().misses()).isEqualTo(1);
        assertThat(d.cacheStats().hits()).isEqualTo((long) threads * calls);
    }
}
