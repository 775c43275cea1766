package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertMatchesCpu;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;
import static org.assertj.core.api.Assertions.assertThat;

/** The GEMM kernels give FullyConnected's, dot's and batch_dot's CPU results. */
class MatmulKernelsTest {
    private static final double TOL = 1e-5;
    private final Random r = new Random(3);

    @Test
    void fullyConnectedFlattensTheDataAndAddsTheBias() {
        assertMatchesCpu(node("FullyConnected", Map.of("num_hidden", 5), 3), TOL, random(r, 3, 2, 4),
                random(r, 5, 8), random(r, 5));
    }

    @Test
    void fullyConnectedWithoutFlattenAppliesToTheLastAxis() {
        assertMatchesCpu(node("FullyConnected", Map.of("num_hidden", 3, "flatten", false), 3), TOL,
                random(r, 2, 4, 6), random(r, 3, 6), random(r, 3));
    }

    @Test
    void fullyConnectedWithoutBiasReadsTwoInputs() {
        assertMatchesCpu(node("FullyConnected", Map.of("num_hidden", 4, "no_bias", true), 2), TOL,
                random(r, 3, 7), random(r, 4, 7));
    }

    @Test
    void dotReadsOperandsAsMatricesWithTransposes() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                NDArray a = ta ? random(r, 5, 3) : random(r, 3, 5);
                NDArray b = tb ? random(r, 4, 5) : random(r, 5, 4);
                assertMatchesCpu(node("dot", Map.of("transpose_a", ta, "transpose_b", tb), 2), TOL, a, b);
            }
        }
        assertMatchesCpu(node("dot", Map.of(), 2), TOL, random(r, 2, 3, 4), random(r, 4, 5));
        assertMatchesCpu(node("dot", Map.of("transpose_a", true), 2), TOL, random(r, 6, 3), random(r, 6, 2, 2));
        assertMatchesCpu(node("dot", Map.of(), 2), TOL, random(r, 6), random(r, 6));
        assertMatchesCpu(node("dot", Map.of(), 2), TOL, random(r, 6), random(r, 6, 3));
    }

    @Test
    void batchDotMultipliesEachBatchWithTransposes() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                NDArray a = ta ? random(r, 2, 5, 3) : random(r, 2, 3, 5);
                NDArray b = tb ? random(r, 2, 4, 5) : random(r, 2, 5, 4);
                assertMatchesCpu(node("batch_dot", Map.of("transpose_a", ta, "transpose_b", tb), 2), TOL, a, b);
            }
        }
    }

    /** Outputs of 4 x 4 and more are register-tiled; edge blocks of sizes that do not divide store only inside. */
    @Test
    void tiledGemmMatchesOnDividingAndRaggedShapes() {
        for (int[] mnk : new int[][] {{8, 12, 5}, {7, 10, 9}, {4, 5, 1}, {13, 4, 16}, {5, 6, 3}}) {
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            assertMatchesCpu(node("dot", Map.of(), 2), TOL, random(r, m, k), random(r, k, n));
            assertMatchesCpu(node("dot", Map.of("transpose_a", true, "transpose_b", true), 2), TOL,
                    random(r, k, m), random(r, n, k));
            assertMatchesCpu(node("FullyConnected", Map.of("num_hidden", n), 3), TOL, random(r, m, k),
                    random(r, n, k), random(r, n));
            assertMatchesCpu(node("batch_dot", Map.of("transpose_b", true), 2), TOL, random(r, 3, m, k),
                    random(r, 3, n, k));
        }
    }

    @Test
    void gemmKernelsHaveTwoParallelLoops() {
        var launches = KernelHarness.HEAP.lower(node("dot", Map.of(), 2),
                java.util.List.of(dev.kiln.ndarray.Shape.of(2, 3), dev.kiln.ndarray.Shape.of(3, 4)),
                java.util.List.of(dev.kiln.ndarray.DType.FLOAT32, dev.kiln.ndarray.DType.FLOAT32),
                java.util.List.of(dev.kiln.ndarray.Shape.of(2, 4)), java.util.List.of(dev.kiln.ndarray.DType.FLOAT32),
                new BufferTable() {
                    public int input(int i) {
                        return i;
                    }

                    public int output(int i) {
                        return 2 + i;
                    }

                    public int scratch(dev.kiln.ndarray.DType dtype, long elements) {
                        throw new AssertionError();
                    }
                });
        assertThat(KernelChecks.parallelLoops(launches.get(0).kernel())).isEqualTo(2);
    }
}
