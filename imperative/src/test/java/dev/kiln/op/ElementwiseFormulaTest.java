package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.elementwise.UnaryOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every op's {@link ElementwiseFormula}, evaluated one element at a time, gives its kernel's float32 and float64
 * results bit for bit (NaNs of any payload count as equal): the promise a fusing compiler relies on.
 */
class ElementwiseFormulaTest {
    private static final double[] SPECIAL = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 20.0, 20.5, 19.5, 1e-8, -1e-8, 1e30,
        -1e30, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2.5, -2.5};

    record Case(String op, Map<String, Object> attrs) {
        @Override
        public String toString() {
            return op + (attrs.isEmpty() ? "" : " " + attrs);
        }
    }

    /** Every registered op that has a formula with its defaults, and the attribute-selected modes. */
    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (OpDef op : OpRegistry.global().ops()) {
            Attrs defaults;
            try {
                defaults = op.defaultAttrs();
            } catch (RuntimeException requiredAttributeMissing) {
                continue;
            }
            if (op.elementwiseFormula(defaults, DType.FLOAT32) != null) {
                out.add(new Case(op.name(), Map.of()));
            }
        }
        for (String act : List.of("relu", "sigmoid", "tanh", "softrelu", "softsign")) {
            out.add(new Case("Activation", Map.of("act_type", act)));
        }
        for (String act : List.of("leaky", "elu", "selu", "gelu")) {
            out.add(new Case("LeakyReLU", Map.of("act_type", act, "slope", 0.3)));
        }
        for (String op : List.of("_plus_scalar", "_minus_scalar", "_rminus_scalar", "_mul_scalar", "_div_scalar",
                "_rdiv_scalar", "_power_scalar", "_rpower_scalar", "_maximum_scalar", "_greater_scalar")) {
            out.add(new Case(op, Map.of("scalar", 2.7)));
        }
        out.add(new Case("smooth_l1", Map.of("scalar", 0.7)));
        out.add(new Case("hard_sigmoid", Map.of("alpha", 0.3, "beta", 0.4)));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void formulaGivesTheKernelsResultBitForBit(Case c) {
        OpDef op = OpRegistry.global().get(c.op());
        Attrs attrs = op.attrs(c.attrs());
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            ElementwiseFormula f = op.elementwiseFormula(attrs, dtype);
            assertThat(f).as(c + " " + dtype).isNotNull();
            assertThat(f.arity()).as(c + " arity").isEqualTo(op.numInputs(attrs));
            List<NDArray> inputs = new ArrayList<>();
            for (int k = 0; k < f.arity(); k++) {
                inputs.add(NDArray.of(Shape.of(301), dtype, values(301, 17L * k + c.op().hashCode())));
            }
            NDArray y = Ops.invokeAll(op, attrs, inputs).get(0);
            assertThat(y.dtype()).isEqualTo(dtype);
            for (int i = 0; i < y.size(); i++) {
                double expected = f.apply(inputs.get(0).getDouble(i),
                        f.arity() == 2 ? inputs.get(1).getDouble(i) : 0, dtype == DType.FLOAT32);
                assertThat(Double.doubleToLongBits(y.getDouble(i))).as("%s %s at %s", c, dtype,
                        inputs.get(0).getDouble(i)).isEqualTo(Double.doubleToLongBits(expected));
            }
        }
    }

    private static double[] values(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < SPECIAL.length ? SPECIAL[i] : switch (i % 3) {
                case 0 -> r.nextGaussian();
                case 1 -> (r.nextDouble() - 0.5) * 60;
                default -> r.nextDouble() * 3;
            };
        }
        return v;
    }

    @Test
    void theElementwiseFamiliesHaveFormulas() {
        List<String> names = cases().stream().map(Case::op).toList();
        assertThat(names).contains("relu", "sigmoid", "tanh", "exp", "log", "sqrt", "square", "negative", "abs",
                "elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "broadcast_add", "_plus_scalar",
                "_minus_scalar", "_mul_scalar", "_div_scalar", "_rminus_scalar", "_rdiv_scalar", "_greater_scalar",
                "hard_sigmoid", "smooth_l1");
    }

    @Test
    void reluAndActivationReluShareOneMathObject() {
        OpDef relu = OpRegistry.global().get("relu");
        OpDef act = OpRegistry.global().get("Activation");
        var a = (ElementwiseFormula.Unary) relu.elementwiseFormula(relu.defaultAttrs(), DType.FLOAT64);
        var b = (ElementwiseFormula.Unary) act.elementwiseFormula(act.attrs(Map.of("act_type", "relu")), DType.FLOAT64);
        assertThat(a.f64()).isSameAs(UnaryOps.RELU).isSameAs(b.f64());
    }

    @Test
    void otherDTypesAndArrayReadingModesHaveNone() {
        OpDef relu = OpRegistry.global().get("relu");
        assertThat(relu.elementwiseFormula(relu.defaultAttrs(), DType.INT32)).isNull();
        assertThat(relu.elementwiseFormula(relu.defaultAttrs(), DType.FLOAT16)).isNull();
        OpDef leaky = OpRegistry.global().get("LeakyReLU");
        assertThat(leaky.elementwiseFormula(leaky.attrs(Map.of("act_type", "prelu")), DType.FLOAT32)).isNull();
        assertThat(leaky.elementwiseFormula(leaky.attrs(Map.of("act_type", "rrelu")), DType.FLOAT32)).isNull();
        OpDef fc = OpRegistry.global().get("FullyConnected");
        assertThat(fc.elementwiseFormula(fc.attrs(Map.of("num_hidden", 2)), DType.FLOAT32)).isNull();
    }
}
