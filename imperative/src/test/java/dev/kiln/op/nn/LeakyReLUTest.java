package dev.kiln.op.nn;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeakyReLUTest {
    // expectations computed offline with numpy / math.erf in float64
    private static final double[] Y = {-3.0, -1.0, -0.2, 0.0, 0.5, 2.0};

    private static NDArray y(DType t) {
        return NDArray.of(Shape.of(6), t, Y);
    }

    @Test
    void leakyUsesDefaultSlopeOfAQuarter() {
        assertThat(Ops.call("LeakyReLU", y(DType.FLOAT32)))
                .isCloseTo(new double[] {-0.75, -0.25, -0.05, 0, 0.5, 2}, 1e-7, 0);
    }

    @Test
    void leakyWithSlopeGivenAsString() {
        assertThat(Ops.call("LeakyReLU", Map.of("slope", "0.1"), y(DType.FLOAT64))).isCloseTo(new double[] {
                -0.30000000000000004, -0.1, -0.020000000000000004, 0.0, 0.5, 2.0}, 1e-7, 0);
    }

    @Test
    void eluScalesExpm1BySlope() {
        assertThat(Ops.call("LeakyReLU", Map.of("act_type", "elu", "slope", 0.5), y(DType.FLOAT64)))
                .isCloseTo(new double[] {-0.475106465816068, -0.31606027941427883, -0.09063462346100908, 0.0, 0.5,
                        2.0}, 1e-12, 0);
    }

    @Test
    void seluUsesFixedLambdaAndAlpha() {
        assertThat(Ops.call("LeakyReLU", Map.of("act_type", "selu"), y(DType.FLOAT32))).isCloseTo(new double[] {
                -1.6705687287671118, -1.1113307378125625, -0.31868934352950046, 0.0, 0.5253504936777402,
                2.101401974710961}, 1e-6, 0);
    }

    @Test
    void leakyArrayFormEqualsTheScalarFormulaBitForBit() {
        for (double slope : new double[] {0.2, -0.5, 0}) {
            var op = OpRegistry.global().get("LeakyReLU");
            var formula = (dev.kiln.op.ElementwiseFormula.Unary) op.elementwiseFormula(
                    op.attrs(Map.of("act_type", "leaky", "slope", slope)), DType.FLOAT32);
            org.junit.jupiter.api.Assumptions.assumeTrue(formula.bulk() != null, "Vector API not enabled");
            java.util.Random r = new java.util.Random(3);
            float[] x = new float[517];
            float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE};
            System.arraycopy(special, 0, x, 0, special.length);
            for (int i = special.length; i < x.length; i++) {
                x[i] = (float) (r.nextGaussian() * 4);
            }
            float[] y = new float[x.length + 3];
            formula.bulk().apply(x, 2, y, 3, x.length - 2);
            for (int i = 2; i < x.length; i++) {
                assertThat(Float.floatToRawIntBits(y[i + 1]))
                        .as("leaky(%s) with slope %s", x[i], slope)
                        .isEqualTo(Float.floatToRawIntBits(formula.f32().applyAsFloat(x[i])));
            }
        }
    }

    @Test
    void geluArrayFormMatchesTheScalarFormulaWithinAnUlp() {
        var formula = (dev.kiln.op.ElementwiseFormula.Unary) OpRegistry.global().get("LeakyReLU")
                .elementwiseFormula(OpRegistry.global().get("LeakyReLU").attrs(Map.of("act_type", "gelu")),
                        DType.FLOAT32);
        org.junit.jupiter.api.Assumptions.assumeTrue(formula.bulk() != null, "Vector API not enabled");
        java.util.Random r = new java.util.Random(11);
        float[] x = new float[1000 + 13];
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.4142135f,
            -1.4142135f, 14.142136f, -14.142136f, -20f, 30f, 1e-30f, -1e-30f, Float.MIN_VALUE};
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = special.length; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 8 : 1.5));
        }
        float[] y = new float[x.length];
        formula.bulk().apply(x, 0, y, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            float want = formula.f32().applyAsFloat(x[i]);
            if (Float.isNaN(want)) {
                assertThat(y[i]).as("gelu(%s)", x[i]).isNaN();
            } else if (y[i] != want) {
                assertThat(Math.abs(y[i] - want)).as("gelu(%s): %s vs %s", x[i], y[i], want)
                        .isLessThanOrEqualTo(Math.ulp(want));
            }
        }
    }

    @Test
    void geluIsTheExactErfForm() {
        double[] expected = {-0.00404969409489031, -0.15865525393145707, -0.0841480581121794, 0.0,
                0.34573123063700656, 1.9544997361036416};
        // MXNet divides by sqrt(2) held as a float, hence 1e-6 even in float64
        assertThat(Ops.call("LeakyReLU", Map.of("act_type", "gelu"), y(DType.FLOAT64))).isCloseTo(expected, 1e-6, 0);
        assertThat(Ops.call("LeakyReLU", Map.of("act_type", "gelu"), y(DType.FLOAT32))).isCloseTo(expected, 1e-6, 0);
    }

    @Test
    void erfMatchesReferenceValues() {
        // math.erf
        assertThat(dev.kiln.op.elementwise.SpecialFunctions.erf(0.5)).isCloseTo(0.5204998778130465, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(dev.kiln.op.elementwise.SpecialFunctions.erf(-1.5)).isCloseTo(-0.9661051464753108, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(dev.kiln.op.elementwise.SpecialFunctions.erf(3.0)).isCloseTo(0.9999779095030014, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(dev.kiln.op.elementwise.SpecialFunctions.erf(10.0)).isEqualTo(1.0);
        assertThat(dev.kiln.op.elementwise.SpecialFunctions.erf(0.0)).isEqualTo(0.0);
    }

    @Test
    void preluTakesOneSlopePerChannel() {
        NDArray data = NDArray.of(Shape.of(2, 3, 2), DType.FLOAT32,
                -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5);
        NDArray gamma = NDArray.of(Shape.of(3), 0.1f, 0.2f, 0.3f);
        assertThat(Ops.call("LeakyReLU", Map.of("act_type", "prelu"), data, gamma)).hasShape(2, 3, 2)
                .isCloseTo(new double[] {-0.3, -0.25, -0.4, -0.3, -0.3, -0.15, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5},
                        1e-6, 0);
        NDArray one = NDArray.of(Shape.of(1), 0.7f);
        assertThat(Ops.call("LeakyReLU", Map.of("act_type", "prelu"), data, one))
                .isCloseTo(new double[] {-2.1, -1.75, -1.4, -1.05, -0.7, -0.35, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5},
                        1e-6, 0);
    }

    @Test
    void preluListsGammaAsSecondInput() {
        var op = OpRegistry.global().get("LeakyReLU");
        assertThat(op.inputNames(op.attrs(Map.of("act_type", "prelu")))).containsExactly("data", "gamma");
        assertThat(op.inputNames(op.defaultAttrs())).containsExactly("data");
    }

    @Test
    void preluGammaOfWrongShapeNamesGammaAndBothShapes() {
        NDArray data = NDArray.zeros(2, 3, 2);
        assertThatThrownBy(() -> Ops.call("LeakyReLU", Map.of("act_type", "prelu"), data, NDArray.zeros(4)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("LeakyReLU").hasMessageContaining("'gamma'")
                .hasMessageContaining("(4,)").hasMessageContaining("(2, 3, 2)");
    }

    @Test
    void rreluInPredictModeUsesTheMeanSlopeAndHidesTheMask() {
        List<NDArray> out = Ops.invoke("LeakyReLU", Map.of("act_type", "rrelu"), y(DType.FLOAT32));
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).isCloseTo(new double[] {-0.6885, -0.2295, -0.0459, 0.0, 0.5, 2.0}, 1e-6, 0);
    }

    @Test
    void rreluInTrainingDrawsSlopesWithinBounds() {
        int n = 4000;
        NDArray x = NDArray.full(Shape.of(n), -1, DType.FLOAT32, dev.kiln.ndarray.Device.cpu());
        boolean prev = OpContext.setTraining(true);
        List<NDArray> out;
        try {
            out = Ops.invoke("LeakyReLU", Map.of("act_type", "rrelu", "lower_bound", 0.2, "upper_bound", 0.4), x);
        } finally {
            OpContext.setTraining(prev);
        }
        float[] y = out.get(0).toFloatArray();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            assertThat(-y[i]).isBetween(0.2f, 0.4f); // x = -1: the output is minus the slope drawn
            sum += -y[i];
        }
        assertThat(sum / n).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void unknownActTypeIsRejected() {
        assertThatThrownBy(() -> Ops.call("LeakyReLU", Map.of("act_type", "swish"), NDArray.ones(2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("act_type");
    }
}
