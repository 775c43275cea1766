package dev.kiln.random;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RandomOpsTest {

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double variance(double[] v) {
        double m = mean(v);
        return Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length;
    }

    @Test
    void uniformHasTheMeanAndVarianceOfItsInterval() {
        NDArray a = Random.uniform(new Generator(1), -2, 4, Shape.of(200_000), DType.FLOAT32, Device.cpu());
        double[] v = a.toDoubleArray();
        assertThat(Arrays.stream(v).min().orElseThrow()).isGreaterThanOrEqualTo(-2);
        assertThat(Arrays.stream(v).max().orElseThrow()).isLessThan(4);
        // mean 1, variance 36/12 = 3; standard error of the mean is about 0.004
        assertThat(mean(v)).isBetween(0.98, 1.02);
        assertThat(variance(v)).isBetween(2.95, 3.05);
    }

    @Test
    void normalHasTheRequestedMomentsAndSymmetry() {
        NDArray a = Random.normal(new Generator(2), 3, 0.5, Shape.of(200_000), DType.FLOAT64, Device.cpu());
        double[] v = a.toDoubleArray();
        assertThat(mean(v)).isBetween(2.995, 3.005);
        assertThat(variance(v)).isBetween(0.245, 0.255);
        long within1 = Arrays.stream(v).filter(x -> Math.abs(x - 3) < 0.5).count();
        assertThat(within1 / 200_000.0).isBetween(0.676, 0.689); // 68.27% within one sigma
    }

    @Test
    void randintCoversTheHalfOpenRangeEvenly() {
        NDArray a = Random.randint(new Generator(3), -3, 2, Shape.of(100_000), DType.INT32, Device.cpu());
        assertThat(a).hasDType(DType.INT32);
        int[] counts = new int[5];
        for (int x : a.toIntArray()) {
            assertThat(x).isBetween(-3, 1);
            counts[x + 3]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(19_400, 20_600);
        }
    }

    @Test
    void randintInt64HandlesRangesBeyondInt32() {
        NDArray a = Random.randint(new Generator(4), 0, 1L << 40, Shape.of(1000), DType.INT64, Device.cpu());
        long[] v = a.toLongArray();
        assertThat(Arrays.stream(v).max().orElseThrow()).isGreaterThan(1L << 35).isLessThan(1L << 40);
        assertThatThrownBy(() -> Ops.call("_random_randint", Map.of("low", 0, "high", 1L << 40)))
                .isInstanceOf(KilnException.class).hasMessageContaining("int64");
    }

    @Test
    void sameSeedGivesSameNumbersAndDifferentSeedsDiffer() {
        Random.seed(42);
        NDArray a = Ops.call("_random_uniform", Map.of("shape", "(50,)"));
        NDArray b = Ops.call("random_normal", Map.of("shape", "(50,)"));
        Random.seed(42);
        NDArray a2 = Ops.call("uniform", Map.of("shape", "(50,)"));
        NDArray b2 = Ops.call("normal", Map.of("shape", "(50,)"));
        assertThat(a2).isEqualTo(a);
        assertThat(b2).isEqualTo(b);
        Random.seed(43);
        NDArray c = Ops.call("_random_uniform", Map.of("shape", "(50,)"));
        assertThat(Arrays.equals(c.toFloatArray(), a.toFloatArray())).isFalse();
    }

    @Test
    void successiveDrawsDiffer() {
        Generator g = new Generator(7);
        NDArray a = Random.uniform(g, 0, 1, Shape.of(20), DType.FLOAT32, Device.cpu());
        NDArray b = Random.uniform(g, 0, 1, Shape.of(20), DType.FLOAT32, Device.cpu());
        assertThat(Arrays.equals(a.toFloatArray(), b.toFloatArray())).isFalse();
        assertThat(g.draws()).isEqualTo(2);
    }

    @Test
    void explicitGeneratorMatchesTheGlobalOneWithTheSameSeed() {
        Random.seed(99);
        NDArray viaOp = Ops.call("_random_normal", Map.of("loc", 1, "scale", 2, "shape", "(4, 5)"));
        NDArray viaGenerator = Random.normal(new Generator(99), 1, 2, Shape.of(4, 5), DType.FLOAT32, Device.cpu());
        assertThat(viaGenerator).isEqualTo(viaOp);
    }

    @Test
    void valuesAreFixedForAGivenSeed() {
        // element i of a draw depends only on (seed, draw number, i): pin a few values so a change shows up
        Generator g = new Generator(2024);
        double[] first = Random.uniform(g, 0, 1, Shape.of(3), DType.FLOAT64, Device.cpu()).toDoubleArray();
        Generator h = new Generator(2024);
        double[] again = Random.uniform(h, 0, 1, Shape.of(3), DType.FLOAT64, Device.cpu()).toDoubleArray();
        assertThat(again).containsExactly(first);
        long key = Generator.keyOf(2024, 0);
        assertThat(first[1]).isEqualTo(Generator.unitDouble(Generator.bits(key, 1)));
    }

    @Test
    void samplingDoesNotDependOnHowTheRangeIsSplit() {
        // the same values whether one thread fills all elements or several fill chunks (kiln.threads=1 vs 2, 3)
        long key = Generator.keyOf(5, 3);
        int n = 10_001;
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT16)) {
            Object whole = dev.kiln.ndarray.Storage.allocate(t, n);
            Sampling.uniform(key, -1, 1, t, whole, 0, n);
            Object halves = dev.kiln.ndarray.Storage.allocate(t, n);
            Sampling.uniform(key, -1, 1, t, halves, 5000, n);
            Sampling.uniform(key, -1, 1, t, halves, 0, 5000);
            assertThat(NDArray.wrap(Shape.of(n), t, Device.cpu(), halves))
                    .isEqualTo(NDArray.wrap(Shape.of(n), t, Device.cpu(), whole));
            Object normalWhole = dev.kiln.ndarray.Storage.allocate(t, n);
            Sampling.normal(key, 0, 1, t, normalWhole, 0, n);
            Object normalThirds = dev.kiln.ndarray.Storage.allocate(t, n);
            Sampling.normal(key, 0, 1, t, normalThirds, 0, 3333);
            Sampling.normal(key, 0, 1, t, normalThirds, 3333, 6667);
            Sampling.normal(key, 0, 1, t, normalThirds, 6667, n);
            assertThat(NDArray.wrap(Shape.of(n), t, Device.cpu(), normalThirds))
                    .isEqualTo(NDArray.wrap(Shape.of(n), t, Device.cpu(), normalWhole));
        }
        long[] whole = new long[n];
        Sampling.randint(key, 0, 100, DType.INT64, whole, 0, n);
        long[] split = new long[n];
        Sampling.randint(key, 0, 100, DType.INT64, split, 0, 1);
        Sampling.randint(key, 0, 100, DType.INT64, split, 1, n);
        assertThat(split).containsExactly(whole);
    }

    @Test
    void samplersRespectDTypeShapeAndCtx() {
        NDArray a = Ops.call("_random_uniform", Map.of("shape", "(2, 3)", "dtype", "float64", "ctx", "gpu(0)"));
        assertThat(a).hasShape(2, 3).hasDType(DType.FLOAT64);
        assertThat(a.device()).isEqualTo(Device.gpu(0));
        assertThat(Ops.call("_random_normal", Map.of("shape", "(4,)", "dtype", "float16"))).hasDType(DType.FLOAT16);
        assertThat(Ops.call("_random_randint", Map.of("low", 0, "high", 3, "shape", "(4,)"))).hasDType(DType.INT32);
        assertThat(Ops.call("random_randint", Map.of("low", 0, "high", 3, "dtype", "int64"))).hasShape()
                .hasDType(DType.INT64);
    }

    @Test
    void badDistributionParametersAreErrors() {
        assertThatThrownBy(() -> Ops.call("_random_uniform", Map.of("low", 2, "high", 1)))
                .isInstanceOf(KilnException.class).hasMessageContaining("_random_uniform").hasMessageContaining("'low'");
        assertThatThrownBy(() -> Ops.call("_random_normal", Map.of("scale", 0)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'scale'");
        assertThatThrownBy(() -> Ops.call("_random_randint", Map.of("low", 3, "high", 3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'low'");
        assertThatThrownBy(() -> Ops.call("_random_uniform", Map.of("dtype", "int32")))
                .isInstanceOf(KilnException.class).hasMessageContaining("'dtype'");
        assertThatThrownBy(() -> Ops.call("_random_randint", Map.of("low", 0, "high", 3, "dtype", "float32")))
                .isInstanceOf(KilnException.class).hasMessageContaining("'dtype'");
    }

    @Test
    void shuffleKeepsRowsIntactAndPermutesThem() {
        NDArray x = NDArray.of(Shape.of(6, 2), DType.INT32, 0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51);
        NDArray y = Random.shuffle(new Generator(11), x);
        assertThat(y).hasShape(6, 2).hasDType(DType.INT32);
        int[] v = y.toIntArray();
        int[] firsts = new int[6];
        for (int r = 0; r < 6; r++) {
            assertThat(v[2 * r + 1]).isEqualTo(v[2 * r] + 1);
            firsts[r] = v[2 * r];
        }
        assertThat(firsts).containsExactlyInAnyOrder(0, 10, 20, 30, 40, 50);
        assertThat(x.toIntArray()[2]).isEqualTo(10); // input untouched
    }

    @Test
    void shuffleVisitsEveryOrderOfThreeRows() {
        Generator g = new Generator(12);
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        NDArray x = NDArray.of(Shape.of(3), DType.INT32, 0, 1, 2);
        for (int i = 0; i < 6000; i++) {
            seen.merge(Arrays.toString(Random.shuffle(g, x).toIntArray()), 1, Integer::sum);
        }
        assertThat(seen).hasSize(6);
        seen.values().forEach(c -> assertThat(c).isBetween(880, 1120));
    }

    @Test
    void shuffleAliasAndEdgeShapes() {
        assertThat(OpRegistry.global().get("shuffle")).isSameAs(OpRegistry.global().get("_shuffle"));
        assertThat(Ops.call("shuffle", NDArray.zeros(0, 3))).hasShape(0, 3);
        assertThat(Ops.call("shuffle", NDArray.scalar(4))).isCloseTo(new double[] {4}, 0, 0);
    }

    @Test
    void multinomialFollowsTheProbabilities() {
        NDArray p = NDArray.of(Shape.of(2, 3), 0.2f, 0.5f, 0.3f, 0f, 0f, 1f);
        NDArray s = Random.multinomial(new Generator(13), p, 20_000);
        assertThat(s).hasShape(2, 20_000).hasDType(DType.INT32);
        int[] v = s.toIntArray();
        int[] counts = new int[3];
        for (int i = 0; i < 20_000; i++) {
            counts[v[i]]++;
            assertThat(v[20_000 + i]).isEqualTo(2);
        }
        assertThat(counts[0]).isBetween(3_800, 4_200);
        assertThat(counts[1]).isBetween(9_700, 10_300);
        assertThat(counts[2]).isBetween(5_750, 6_250);
    }

    @Test
    void multinomialShapesFollowMXNet() {
        NDArray p1 = NDArray.of(Shape.of(2), 0.5f, 0.5f);
        assertThat(Ops.call("sample_multinomial", p1)).hasShape(1);
        assertThat(Ops.call("_sample_multinomial", Map.of("shape", "(2, 2)"), p1)).hasShape(2, 2);
        NDArray p3 = NDArray.of(Shape.of(2, 2, 2), 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f);
        assertThat(Ops.call("_sample_multinomial", p3)).hasShape(2, 2);
        assertThat(Ops.call("_sample_multinomial", Map.of("shape", 3, "dtype", "float32"), p3)).hasShape(2, 2, 3)
                .hasDType(DType.FLOAT32);
    }

    @Test
    void multinomialGetProbReturnsLogProbabilities() {
        NDArray p = NDArray.of(Shape.of(4), DType.FLOAT64, 0.1, 0.2, 0.3, 0.4);
        List<NDArray> out = Ops.invoke("_sample_multinomial", Map.of("shape", "(50,)", "get_prob", true), p);
        assertThat(out).hasSize(2);
        assertThat(out.get(1)).hasShape(50).hasDType(DType.FLOAT64);
        int[] idx = out.get(0).toIntArray();
        double[] logp = out.get(1).toDoubleArray();
        for (int i = 0; i < 50; i++) {
            assertThat(logp[i]).isCloseTo(Math.log(0.1 * (idx[i] + 1)), org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void multinomialRejectsBadInputs() {
        assertThatThrownBy(() -> Ops.call("_sample_multinomial", NDArray.of(Shape.of(2), DType.INT32, 1, 0)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'data'");
        assertThatThrownBy(() -> Ops.call("_sample_multinomial", NDArray.zeros(2, 0)))
                .isInstanceOf(KilnException.class).hasMessageContaining("(2, 0)");
        assertThatThrownBy(() -> Ops.call("_sample_multinomial", Map.of("dtype", "int64"), NDArray.ones(2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'dtype'");
    }
}
