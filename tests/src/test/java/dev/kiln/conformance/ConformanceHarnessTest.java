package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks the harness's verdicts with unregistered test definitions of MXNet's {@code _contrib_quadratic}
 * ({@code a*x^2 + b*x + c}): a faithful one passes, and each kind of flaw is reported precisely.
 */
class ConformanceHarnessTest {
    private static final AttrSpec<Double> A = AttrSpec.of("a", AttrType.FLOAT, 0.0, "x^2 coefficient");
    private static final AttrSpec<Double> B = AttrSpec.of("b", AttrType.FLOAT, 0.0, "x coefficient");
    private static final AttrSpec<Double> C = AttrSpec.of("c", AttrType.FLOAT, 0.0, "constant");

    /** A Kiln-side quadratic whose result passes through {@code tamper} (identity for the faithful version). */
    private static final class Quadratic extends OpDef {
        private final UnaryOperator<NDArray> tamper;
        private final boolean scribbleOnInput;

        Quadratic(UnaryOperator<NDArray> tamper, boolean scribbleOnInput) {
            super("_contrib_quadratic", OpFamily.CUSTOM, List.of("data"), List.of(A, B, C));
            this.tamper = tamper;
            this.scribbleOnInput = scribbleOnInput;
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            return List.of(in.get(0));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            NDArray x = call.input(0);
            NDArray out = call.newOutput(0);
            double a = call.attr(A);
            double b = call.attr(B);
            double c = call.attr(C);
            for (int i = 0; i < x.size(); i++) {
                double v = x.getDouble(i);
                out.setDouble(i, a * v * v + b * v + c);
            }
            if (scribbleOnInput) {
                x.setDouble(0, 42);
            }
            return List.of(tamper.apply(out));
        }
    }

    private static OpCase quadratic(NDArray x) {
        return OpCase.of("_contrib_quadratic", x).attr("a", "0.5").attr("b", "-2").attr("c", "1e-05");
    }

    private static final NDArray X = NDArray.of(Shape.of(2, 3), 0.5f, -1, 2, 3.25f, 0, -0.75f);

    @Test
    void faithfulDefinitionPasses() {
        assertThatCode(() -> Conformance.check(quadratic(X), new Quadratic(UnaryOperator.identity(), false)))
                .doesNotThrowAnyException();
        assertThatCode(() -> Conformance.check(quadratic(X.astype(DType.FLOAT64)),
                new Quadratic(UnaryOperator.identity(), false))).doesNotThrowAnyException();
    }

    @Test
    void valueMismatchNamesOpAttrsInputsAndWorstElement() {
        Quadratic off = new Quadratic(y -> {
            y.setDouble(4, y.getDouble(4) + 0.5);
            y.setDouble(1, y.getDouble(1) + 1e-3);
            return y;
        }, false);
        assertThatThrownBy(() -> Conformance.check(quadratic(X), off))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("_contrib_quadratic(a=0.5, b=-2, c=1e-05) on (2, 3) float32")
                .hasMessageContaining("data: (2, 3) float32 [0.5, -1.0, 2.0, 3.25, 0.0, -0.75]")
                .hasMessageContaining("2 of 6 elements differ")
                .hasMessageContaining("worst at (1, 1): Kiln 0.50001, ")
                .hasMessageContaining("MXNet 1.0E-5, |diff| 0.5");
    }

    @Test
    void toleranceAbsorbsOnlyRoundingNoise() {
        Quadratic noisy = new Quadratic(y -> {
            y.setDouble(0, y.getDouble(0) * (1 + 2e-6));
            return y;
        }, false);
        assertThatCode(() -> Conformance.check(quadratic(X), noisy)).doesNotThrowAnyException();
    }

    @Test
    void dtypeAndShapeDifferencesAreReported() {
        assertThatThrownBy(() -> Conformance.check(quadratic(X), new Quadratic(y -> y.astype(DType.FLOAT64), false)))
                .hasMessageContaining("dtype differs: Kiln float64, MXNet float32");
        assertThatThrownBy(() -> Conformance.check(quadratic(X), new Quadratic(y -> y.reshape(3, 2), false)))
                .hasMessageContaining("shape differs: Kiln (3, 2), MXNet (2, 3)");
    }

    @Test
    void integerOutputsMustMatchExactly() {
        NDArray ints = NDArray.of(Shape.of(4), DType.INT32, 1, 2, 3, 4);
        OpCase c = OpCase.of("_contrib_quadratic", ints).attr("a", "1").attr("b", "1").attr("c", "1");
        assertThatCode(() -> Conformance.check(c, new Quadratic(UnaryOperator.identity(), false)))
                .doesNotThrowAnyException();
        Quadratic offByOne = new Quadratic(y -> {
            y.setDouble(2, y.getDouble(2) + 1);
            return y;
        }, false);
        assertThatThrownBy(() -> Conformance.check(c, offByOne))
                .hasMessageContaining("1 of 4 elements differ (exact int32); first at (2,): Kiln 14, MXNet 13");
    }

    @Test
    void writingIntoAnInputIsReported() {
        assertThatThrownBy(() -> Conformance.check(quadratic(X), new Quadratic(UnaryOperator.identity(), true)))
                .hasMessageContaining("Kiln modified its input 'data'");
    }

    @Test
    void errorsAreComparedToo() {
        Quadratic failing = new Quadratic(y -> {
            throw new dev.kiln.KilnException("op '_contrib_quadratic': no");
        }, false);
        assertThatThrownBy(() -> Conformance.check(quadratic(X), failing))
                .hasMessageContaining("Kiln raised an error where MXNet succeeds: op '_contrib_quadratic': no");
        OpCase unknownAttr = quadratic(X).attr("d", "1").expectRejected();
        assertThatCode(() -> Conformance.check(unknownAttr, new Quadratic(UnaryOperator.identity(), false)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Conformance.check(quadratic(X).expectRejected(),
                new Quadratic(UnaryOperator.identity(), false)))
                .hasMessageContaining("marks this case rejected but both MXNet and Kiln accept it");
    }

    @Test
    void nanMatchesNanAndInfinityOnlyItself() {
        NDArray k = NDArray.of(Shape.of(3), Float.NaN, Float.POSITIVE_INFINITY, 1);
        assertThat(ArrayComparison.compare(k, k.copy(), null)).isEmpty();
        NDArray m = NDArray.of(Shape.of(3), Float.NaN, Float.NEGATIVE_INFINITY, 1);
        assertThat(ArrayComparison.compare(k, m, null)).get().asString()
                .contains("1 of 3 elements differ", "worst at (1,)");
    }
}
