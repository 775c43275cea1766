package dev.kiln.nn;

import dev.kiln.block.HybridBlock;
import dev.kiln.init.Constant;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.function.DoubleUnaryOperator;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The activation layers: LeakyReLU, PReLU, ELU, SELU, GELU, Swish and SiLU. */
@ExtendWith(FreshNames.class)
class ActivationLayersTest {
    private static final double SELU_LAMBDA = 1.0507009873554805;
    private static final double SELU_ALPHA = 1.6732632423543772;

    /** Applies {@code f} to each element of {@code x} in double precision. */
    private static double[] map(NDArray x, DoubleUnaryOperator f) {
        double[] out = new double[x.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(x.getDouble(i));
        }
        return out;
    }

    /** erf by its Maclaurin series, accurate to double precision for |x| below 3. */
    private static double erf(double x) {
        double term = x;
        double sum = x;
        for (int n = 1; n < 80; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** Output values against {@code f}, then the full LayerCheck, on inputs away from the kinks at 0. */
    private static void checkElementwise(HybridBlock block, DoubleUnaryOperator f) {
        block.initialize();
        NDArray x = NDArray.of(Shape.of(2, 3), -2.5f, -0.75f, -0.1f, 0.2f, 1.1f, 2.9f);
        assertThat(block.call(x)).isCloseTo(map(x, f), 1e-5, 1e-6);
        LayerCheck.of(block, x).expectShape(2, 3).run();
    }

    @Test
    void namesAndReprsAreGluons() {
        assertThat(new LeakyReLU(0.1)).hasToString("LeakyReLU(0.1)").extracting(HybridBlock::prefix)
                .isEqualTo("leakyrelu0_");
        assertThat(new LeakyReLU(0)).hasToString("LeakyReLU(0.0)");
        // layers without a repr of their own print Gluon's generic block tree
        assertThat(new PReLU()).hasToString("PReLU(\n\n)").extracting(HybridBlock::prefix).isEqualTo("prelu0_");
        assertThat(new ELU()).hasToString("ELU(\n\n)").extracting(HybridBlock::prefix).isEqualTo("elu0_");
        assertThat(new SELU()).hasToString("SELU(\n\n)").extracting(HybridBlock::prefix).isEqualTo("selu0_");
        assertThat(new GELU()).hasToString("GELU(\n\n)").extracting(HybridBlock::prefix).isEqualTo("gelu0_");
        assertThat(new Swish()).hasToString("Swish(\n\n)").extracting(HybridBlock::prefix).isEqualTo("swish0_");
        assertThat(new SiLU()).hasToString("SiLU(\n\n)").extracting(HybridBlock::prefix).isEqualTo("silu0_");
    }

    @Test
    void opNodesAreNamedAsGluonNamesThem() {
        assertThat(new LeakyReLU(0.1).trace(true).listOutputs()).containsExactly("leakyrelu0_fwd_output");
        assertThat(new GELU().trace(true).listOutputs()).containsExactly("gelu0_fwd_output");
        assertThat(new ELU().trace(true).listOutputs()).containsExactly("elu0_leakyrelu0_output");
        assertThat(new Swish(2).trace(true).getInternals().listOutputs()).contains("swish0_fwd_output");
    }

    @Test
    void leakyReLUScalesNegativesByAlpha() {
        checkElementwise(new LeakyReLU(0.1), v -> v >= 0 ? v : 0.1 * v);
    }

    @Test
    void leakyReLURejectsANegativeSlope() {
        assertThatThrownBy(() -> new LeakyReLU(-0.5))
                .hasMessageContaining("LeakyReLU: the slope alpha must be no less than 0, got -0.5");
    }

    @Test
    void eluIsAlphaTimesExpMinusOneBelowZero() {
        checkElementwise(new ELU(), v -> v > 0 ? v : Math.expm1(v));
        checkElementwise(new ELU(0.5), v -> v > 0 ? v : 0.5 * Math.expm1(v));
    }

    @Test
    void seluUsesTheSelfNormalisingConstants() {
        checkElementwise(new SELU(), v -> SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)));
    }

    @Test
    void geluIsTheExactErfForm() {
        checkElementwise(new GELU(), v -> 0.5 * v * (1 + erf(v / Math.sqrt(2))));
    }

    @Test
    void swishAndSiluMultiplyBySigmoid() {
        checkElementwise(new Swish(), v -> v * sigmoid(v));
        checkElementwise(new Swish(2.5), v -> v * sigmoid(2.5 * v));
        checkElementwise(new SiLU(), v -> v * sigmoid(v));
    }

    @Test
    void preluHasOneSharedSlopeNamedAlphaStartingAtAQuarter() {
        PReLU p = new PReLU();
        assertThat(p.collectParams().keys()).containsExactly("prelu0_alpha");
        assertThat(p.alpha().shape()).isEqualTo(Shape.of(1));
        checkElementwise(p, v -> v >= 0 ? v : 0.25 * v);
        assertThat(p.alpha().data()).isCloseTo(new double[] {0.25}, 0, 0);
    }

    @Test
    void preluWithChannelsLearnsOneSlopePerChannelOfAxisOne() {
        PReLU p = PReLU.builder().inChannels(3).alphaInitializer("zeros").build();
        p.initialize(new Constant(7));
        p.alpha().setData(NDArray.of(Shape.of(3), 0.1f, 0.2f, 0.3f));
        NDArray x = Random.uniform(-1, 1, 2, 3, 2);
        double[] expected = new double[x.size()];
        for (int i = 0; i < expected.length; i++) {
            double v = x.getDouble(i);
            double slope = 0.1 * (1 + (i / 2) % 3);
            expected[i] = v >= 0 ? v : slope * v;
        }
        assertThat(p.call(x)).isCloseTo(expected, 1e-6, 1e-7);
        LayerCheck.of(p, x).expectShape(2, 3, 2).run();
    }

    @Test
    void preluNeedsAPositiveChannelCount() {
        assertThatThrownBy(() -> PReLU.builder().inChannels(0).build())
                .hasMessageContaining("PReLU: inChannels must be positive (1 for one shared slope), got 0");
    }
}
