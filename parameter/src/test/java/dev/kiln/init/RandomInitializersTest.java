package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RandomInitializersTest {
    private static final InitDesc WEIGHT = new InitDesc("layer_weight");

    private static NDArray weight(Initializer init, DType dtype, int... dims) {
        NDArray target = NDArray.zeros(Shape.of(dims), dtype, Device.cpu());
        init.initialize(WEIGHT, target);
        return target;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double std(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length);
    }

    private static double maxAbs(double[] v) {
        return Arrays.stream(v).map(Math::abs).max().orElseThrow();
    }

    @Test
    void uniformStaysWithinItsScaleAndHasTheUniformSpread() {
        double[] v = weight(new Uniform(0.1), DType.FLOAT32, 400, 250).toDoubleArray();
        assertThat(maxAbs(v)).isLessThanOrEqualTo(0.1).isGreaterThan(0.0999);
        assertThat(mean(v)).isCloseTo(0, within(0.001)); // standard error 0.0002
        assertThat(std(v)).isCloseTo(0.1 / Math.sqrt(3), within(0.01 * 0.1 / Math.sqrt(3)));
        assertThat(maxAbs(weight(new Uniform(), DType.FLOAT32, 1000).toDoubleArray())).isLessThanOrEqualTo(0.07);
    }

    @Test
    void normalHasZeroMeanAndTheGivenSigma() {
        double[] v = weight(new Normal(0.5), DType.FLOAT64, 200_000).toDoubleArray();
        assertThat(mean(v)).isCloseTo(0, within(0.006)); // standard error 0.0011
        assertThat(std(v)).isCloseTo(0.5, within(0.005));
        assertThat(std(weight(new Normal(), DType.FLOAT32, 100_000).toDoubleArray())).isCloseTo(0.01, within(1e-4));
    }

    /** Xavier's factor from fan-in and fan-out, written out per case: (64, 32, 3, 3) has fan-in 288, fan-out 576. */
    @ParameterizedTest(name = "{0} {1} {2} -> factor {3}")
    @CsvSource({
            "300x200, uniform, avg, 250", "300x200, uniform, in, 200", "300x200, uniform, out, 300",
            "64x32x3x3, uniform, avg, 432", "64x32x3x3, uniform, in, 288", "64x32x3x3, uniform, out, 576",
            "300x200, gaussian, avg, 250", "300x200, gaussian, in, 200", "300x200, gaussian, out, 300",
            "64x32x3x3, gaussian, avg, 432", "64x32x3x3, gaussian, in, 288", "64x32x3x3, gaussian, out, 576"})
    void xavierScalesByFanInAndFanOut(String dims, String rndType, String factorType, double factor) {
        int[] shape = Arrays.stream(dims.split("x")).mapToInt(Integer::parseInt).toArray();
        double[] v = weight(new Xavier(rndType, factorType, 3), DType.FLOAT32, shape).toDoubleArray();
        double scale = Math.sqrt(3 / factor);
        if (rndType.equals("uniform")) {
            assertThat(maxAbs(v)).isLessThanOrEqualTo(scale).isGreaterThan(0.99 * scale);
            assertThat(std(v)).isCloseTo(scale / Math.sqrt(3), within(0.02 * scale / Math.sqrt(3)));
        } else {
            assertThat(std(v)).isCloseTo(scale, within(0.03 * scale));
        }
        assertThat(mean(v)).isCloseTo(0, within(0.05 * scale));
    }

    @Test
    void xavierMagnitudeScalesTheVariance() {
        double[] v = weight(new Xavier("gaussian", "in", 2), DType.FLOAT64, 500, 400).toDoubleArray();
        assertThat(std(v)).isCloseTo(Math.sqrt(2.0 / 400), within(0.02 * Math.sqrt(2.0 / 400)));
    }

    @Test
    void xavierRejectsVectorsNamingTheParameter() {
        assertThatThrownBy(() -> weight(new Xavier(), DType.FLOAT32, 5))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("vector").hasMessageContaining("layer_weight").hasMessageContaining("(5,)");
    }

    @Test
    void msraPreluIsGaussianXavierWithMagnitudeFromTheSlope() {
        // slope 0: He initialisation, std = sqrt(2 / fan_in); fan_in = 50 * 9 = 450
        double[] he = weight(new MSRAPrelu("in", 0), DType.FLOAT32, 100, 50, 3, 3).toDoubleArray();
        assertThat(std(he)).isCloseTo(Math.sqrt(2.0 / 450), within(0.02 * Math.sqrt(2.0 / 450)));
        // defaults: slope 0.25 gives magnitude 2 / 1.0625; factor avg of 300 and 200
        double[] dflt = weight(new MSRAPrelu(), DType.FLOAT32, 300, 200).toDoubleArray();
        double expected = Math.sqrt((2 / 1.0625) / 250);
        assertThat(std(dflt)).isCloseTo(expected, within(0.02 * expected));
        assertThat(mean(dflt)).isCloseTo(0, within(0.02 * expected));
    }

    @Test
    void truncatedNormalRedrawsEverythingBeyondTwoStandardDeviations() {
        double[] v = weight(new TruncatedNormal(1, 0.5), DType.FLOAT64, 200_000).toDoubleArray();
        double lo = Arrays.stream(v).min().orElseThrow();
        double hi = Arrays.stream(v).max().orElseThrow();
        assertThat(lo).isGreaterThanOrEqualTo(0).isLessThan(0.01);
        assertThat(hi).isLessThanOrEqualTo(2).isGreaterThan(1.99);
        assertThat(mean(v)).isCloseTo(1, within(0.005));
        // the standard deviation of a normal truncated at +-2 sigma is 0.8796 sigma (clipping instead would pile
        // 4.6% of the samples on the bounds and give 0.9236 sigma)
        assertThat(std(v)).isCloseTo(0.5 * 0.8796257, within(0.003));
        assertThat(Arrays.stream(v).filter(x -> x == 0 || x == 2).count()).isZero();
    }

    @Test
    void truncatedNormalDefaultsAreMXNetTwosTruncNorm() {
        double[] v = weight(new TruncatedNormal(), DType.FLOAT32, 50_000).toDoubleArray();
        assertThat(maxAbs(v)).isLessThanOrEqualTo(0.02 + 1e-9);
        assertThat(std(v)).isCloseTo(0.01 * 0.8796257, within(0.0002));
    }

    private static List<Supplier<Initializer>> randomInitializers() {
        return List.of(Uniform::new, Normal::new, Xavier::new, MSRAPrelu::new, Orthogonal::new,
                TruncatedNormal::new, () -> new Orthogonal(1, "normal"), () -> new Xavier("gaussian", "out", 3));
    }

    @Test
    void theSameSeedGivesTheSameValuesAndAnotherSeedOthers() {
        for (Supplier<Initializer> make : randomInitializers()) {
            Random.seed(11);
            NDArray first = weight(make.get(), DType.FLOAT32, 6, 4, 2);
            Random.seed(11);
            NDArray again = weight(make.get(), DType.FLOAT32, 6, 4, 2);
            Random.seed(12);
            NDArray other = weight(make.get(), DType.FLOAT32, 6, 4, 2);
            String name = make.get().name();
            assertThat(again.toDoubleArray()).as(name).containsExactly(first.toDoubleArray());
            assertThat(other.toDoubleArray()).as(name).isNotEqualTo(first.toDoubleArray());
        }
    }

    @Test
    void anExplicitGeneratorReplacesTheGlobalOne() {
        for (Supplier<Initializer> make : randomInitializers()) {
            long globalDraws = Random.global().draws();
            NDArray a = weight(make.get().withGenerator(new Generator(5)), DType.FLOAT32, 6, 4);
            NDArray b = weight(make.get().withGenerator(new Generator(5)), DType.FLOAT32, 6, 4);
            assertThat(b.toDoubleArray()).as(make.get().name()).containsExactly(a.toDoubleArray());
            assertThat(Random.global().draws()).isEqualTo(globalDraws);
        }
    }

    @Test
    void halfPrecisionTargetsGetTheFloat32ValuesRounded() {
        for (DType half : List.of(DType.FLOAT16, DType.BFLOAT16)) {
            for (Supplier<Initializer> make : randomInitializers()) {
                Random.seed(3);
                NDArray single = weight(make.get(), DType.FLOAT32, 8, 6);
                Random.seed(3);
                NDArray rounded = weight(make.get(), half, 8, 6);
                assertThat(rounded).hasDType(half).isEqualTo(single.astype(half));
            }
        }
    }

    @Test
    void float64TargetsGetValuesCloseToTheFloat32Ones() {
        Random.seed(4);
        NDArray single = weight(new Xavier(), DType.FLOAT32, 10, 7);
        Random.seed(4);
        NDArray dbl = weight(new Xavier(), DType.FLOAT64, 10, 7);
        assertThat(dbl).hasDType(DType.FLOAT64).isCloseTo(single.toDoubleArray(), 1e-6, 1e-7);
    }

    @Test
    void emptyParametersNeedNoValues() {
        assertThat(weight(new Xavier(), DType.FLOAT32, 0, 3).size()).isZero();
        assertThat(weight(new Orthogonal(), DType.FLOAT32, 3, 0).size()).isZero();
        assertThat(weight(new TruncatedNormal(), DType.FLOAT32, 0).size()).isZero();
    }

    @Test
    void badArgumentsFailWhenTheInitializerIsMade() {
        assertThatThrownBy(() -> new Xavier("normal", "avg", 3)).isInstanceOf(KilnException.class)
                .hasMessageContaining("rnd_type 'normal'").hasMessageContaining("uniform, gaussian");
        assertThatThrownBy(() -> new Xavier("uniform", "sum", 3)).isInstanceOf(KilnException.class)
                .hasMessageContaining("factor_type 'sum'").hasMessageContaining("avg, in, out");
        assertThatThrownBy(() -> new MSRAPrelu("fan", 0.25)).isInstanceOf(KilnException.class)
                .hasMessageContaining("'msraprelu'").hasMessageContaining("factor_type 'fan'");
        assertThatThrownBy(() -> new Orthogonal(1, "gaussian")).isInstanceOf(KilnException.class)
                .hasMessageContaining("rand_type 'gaussian'").hasMessageContaining("uniform, normal");
        assertThatThrownBy(() -> new Uniform(-0.1)).isInstanceOf(KilnException.class)
                .hasMessageContaining("scale must not be negative");
        assertThatThrownBy(() -> new Normal(Double.NaN)).isInstanceOf(KilnException.class)
                .hasMessageContaining("sigma must be finite");
        assertThatThrownBy(() -> new TruncatedNormal(0, -1)).isInstanceOf(KilnException.class)
                .hasMessageContaining("'truncnorm'").hasMessageContaining("stdev");
        assertThatThrownBy(() -> new Xavier("uniform", "avg", Double.POSITIVE_INFINITY))
                .isInstanceOf(KilnException.class).hasMessageContaining("magnitude");
    }
}
