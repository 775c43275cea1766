package dev.kiln.op.elementwise;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Forward values of every unary op against references computed offline (Python mpmath/numpy, with MXNet's rounding
 * rules written out by hand), in float64 and float32, plus dtype rules, edge cases and attributes.
 */
class UnaryOpsTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    record Row(String op, double[] x, double[] expected) {
        @Override
        public String toString() {
            return op;
        }
    }

    private static Row row(String op, double[] x, double[] expected) {
        return new Row(op, x, expected);
    }

    /** Inputs are exact in float32; expectations are float64 references. */
    static List<Row> rows() {
        return List.of(
            row("negative", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {2.5, 1.5, 0.75, 0.5, -0.0, -0.25, -0.5, -1.0, -1.5, -2.5, -3.75}),
            row("abs", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {2.5, 1.5, 0.75, 0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75}),
            row("sign", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {-1.0, -1.0, -1.0, -1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}),
            row("round", new double[] {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -2.25, 2.75, 0.0, 3.0},
                    new double[] {-3.0, -2.0, -1.0, 1.0, 2.0, 3.0, -2.0, 3.0, 0.0, 3.0}),
            row("rint", new double[] {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -2.25, 2.75, 0.0, 3.0},
                    new double[] {-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, 3.0, 0.0, 3.0}),
            row("ceil", new double[] {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -2.25, 2.75, 0.0, 3.0},
                    new double[] {-2.0, -1.0, -0.0, 1.0, 2.0, 3.0, -2.0, 3.0, 0.0, 3.0}),
            row("floor", new double[] {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -2.25, 2.75, 0.0, 3.0},
                    new double[] {-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, -3.0, 2.0, 0.0, 3.0}),
            row("trunc", new double[] {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -2.25, 2.75, 0.0, 3.0},
                    new double[] {-2.0, -1.0, -0.0, 0.0, 1.0, 2.0, -2.0, 2.0, 0.0, 3.0}),
            row("fix", new double[] {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -2.25, 2.75, 0.0, 3.0},
                    new double[] {-2.0, -1.0, -0.0, 0.0, 1.0, 2.0, -2.0, 2.0, 0.0, 3.0}),
            row("square", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {6.25, 2.25, 0.5625, 0.25, 0.0, 0.0625, 0.25, 1.0, 2.25, 6.25, 14.0625}),
            row("sqrt", new double[] {0.125, 0.5, 1.0, 2.0, 3.75, 10.0, 100.0},
                    new double[] {0.3535533905932738, 0.7071067811865476, 1.0, 1.4142135623730951, 1.9364916731037085, 3.1622776601683795, 10.0}),
            row("rsqrt", new double[] {0.125, 0.5, 1.0, 2.0, 3.75, 10.0, 100.0},
                    new double[] {2.8284271247461903, 1.4142135623730951, 1.0, 0.7071067811865476, 0.5163977794943223, 0.31622776601683794, 0.1}),
            row("cbrt", new double[] {0.125, 0.5, 1.0, 2.0, 3.75, 10.0, 100.0, -8.0, -2.0},
                    new double[] {0.5, 0.7937005259840998, 1.0, 1.2599210498948732, 1.5536162529769295, 2.154434690031884, 4.641588833612779, -2.0, -1.2599210498948732}),
            row("rcbrt", new double[] {0.125, 0.5, 1.0, 2.0, 3.75, 10.0, 100.0, -8.0, -2.0},
                    new double[] {2.0, 1.2599210498948732, 1.0, 0.7937005259840998, 0.6436595897370865, 0.46415888336127786, 0.21544346900318836, -0.5, -0.7937005259840998}),
            row("reciprocal", new double[] {-2.5, -0.5, 0.25, 0.5, 1.0, 3.0, 10.0},
                    new double[] {-0.4, -2.0, 4.0, 2.0, 1.0, 0.3333333333333333, 0.1}),
            row("exp", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {0.0820849986238988, 0.22313016014842982, 0.4723665527410147, 0.6065306597126334, 1.0, 1.2840254166877414, 1.6487212707001282, 2.718281828459045, 4.4816890703380645, 12.182493960703473, 42.52108200006278}),
            row("expm1", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75, 9.313225746154785e-10},
                    new double[] {-0.9179150013761012, -0.7768698398515702, -0.5276334472589853, -0.3934693402873666, 0.0, 0.2840254166877415, 0.6487212707001282, 1.7182818284590453, 3.481689070338065, 11.182493960703473, 41.52108200006278, 9.313225750491594e-10}),
            row("log", new double[] {0.125, 0.5, 1.0, 2.0, 3.75, 10.0, 100.0},
                    new double[] {-2.0794415416798357, -0.6931471805599453, 0.0, 0.6931471805599453, 1.3217558399823195, 2.302585092994046, 4.605170185988092}),
            row("log1p", new double[] {-0.5, -0.125, 0.0, 9.313225746154785e-10, 0.5, 1.0, 3.75, 100.0},
                    new double[] {-0.6931471805599453, -0.13353139262452263, 0.0, 9.313225741817976e-10, 0.4054651081081644, 0.6931471805599453, 1.55814461804655, 4.61512051684126}),
            row("log2", new double[] {0.125, 0.5, 1.0, 2.0, 3.75, 10.0, 100.0, 8.0, 1024.0},
                    new double[] {-3.0, -1.0, 0.0, 1.0, 1.9068905956085185, 3.321928094887362, 6.643856189774724, 3.0, 10.0}),
            row("log10", new double[] {0.125, 0.5, 1.0, 2.0, 3.75, 10.0, 100.0, 1000.0},
                    new double[] {-0.9030899869919435, -0.3010299956639812, 0.0, 0.3010299956639812, 0.5740312677277188, 1.0, 2.0, 3.0}),
            row("sin", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {-0.5984721441039565, -0.9974949866040544, -0.6816387600233341, -0.479425538604203, 0.0, 0.24740395925452294, 0.479425538604203, 0.8414709848078965, 0.9974949866040544, 0.5984721441039565, -0.5715613187423437}),
            row("cos", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {-0.8011436155469337, 0.0707372016677029, 0.7316888688738209, 0.8775825618903728, 1.0, 0.9689124217106447, 0.8775825618903728, 0.5403023058681398, 0.0707372016677029, -0.8011436155469337, -0.8205593573395608}),
            row("tan", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {0.7470222972386603, -14.101419947171719, -0.9315964599440725, -0.5463024898437905, 0.0, 0.25534192122103627, 0.5463024898437905, 1.5574077246549023, 14.101419947171719, -0.7470222972386603, 0.6965508511114601}),
            row("arcsin", new double[] {-0.875, -0.5, -0.125, 0.0, 0.25, 0.5, 0.75, 0.9375},
                    new double[] {-1.0654358165107394, -0.5235987755982989, -0.1253278311680654, 0.0, 0.25268025514207865, 0.5235987755982989, 0.848062078981481, 1.2153751251046732}),
            row("arccos", new double[] {-0.875, -0.5, -0.125, 0.0, 0.25, 0.5, 0.75, 0.9375},
                    new double[] {2.636232143305636, 2.0943951023931957, 1.696124157962962, 1.5707963267948966, 1.318116071652818, 1.0471975511965979, 0.7227342478134157, 0.3554212016902235}),
            row("arctan", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {-1.1902899496825317, -0.982793723247329, -0.6435011087932844, -0.4636476090008061, 0.0, 0.24497866312686414, 0.4636476090008061, 0.7853981633974483, 0.982793723247329, 1.1902899496825317, 1.3101939350475555}),
            row("sinh", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {-6.0502044810397875, -2.1292794550948173, -0.82231673193583, -0.5210953054937474, 0.0, 0.2526123168081683, 0.5210953054937474, 1.1752011936438014, 2.1292794550948173, 6.0502044810397875, 21.248782127103386}),
            row("cosh", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {6.132289479663686, 2.352409615243247, 1.2946832846768448, 1.1276259652063807, 1.0, 1.0314130998795732, 1.1276259652063807, 1.5430806348152437, 2.352409615243247, 6.132289479663686, 21.272299872959398}),
            row("tanh", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {-0.9866142981514303, -0.9051482536448664, -0.6351489523872873, -0.46211715726000974, 0.0, 0.24491866240370913, 0.46211715726000974, 0.7615941559557649, 0.9051482536448664, 0.9866142981514303, 0.9988944427261528}),
            row("arcsinh", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {-1.6472311463710958, -1.1947632172871092, -0.6931471805599453, -0.48121182505960347, 0.0, 0.24746646154726346, 0.48121182505960347, 0.881373587019543, 1.1947632172871092, 1.6472311463710958, 2.0322246215338136}),
            row("arccosh", new double[] {1.0, 1.25, 2.0, 3.5, 10.0},
                    new double[] {0.0, 0.6931471805599453, 1.3169578969248168, 1.9248473002384139, 2.993222846126381}),
            row("arctanh", new double[] {-0.875, -0.5, -0.125, 0.0, 0.25, 0.5, 0.75, 0.9375},
                    new double[] {-1.354025100551105, -0.5493061443340549, -0.12565721414045303, 0.0, 0.25541281188299536, 0.5493061443340549, 0.9729550745276566, 1.7169936022425731}),
            row("degrees", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {-143.2394487827058, -85.94366926962348, -42.97183463481174, -28.64788975654116, 0.0, 14.32394487827058, 28.64788975654116, 57.29577951308232, 85.94366926962348, 143.2394487827058, 214.8591731740587}),
            row("radians", new double[] {-180.0, -90.0, 0.0, 45.0, 90.0, 360.0, 12.5},
                    new double[] {-3.141592653589793, -1.5707963267948966, 0.0, 0.7853981633974483, 1.5707963267948966, 6.283185307179586, 0.2181661564992912}),
            row("erf", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {-0.999593047982555, -0.9661051464753108, -0.7111556336535151, -0.5204998778130465, 0.0, 0.27632639016823696, 0.5204998778130465, 0.8427007929497149, 0.9661051464753108, 0.999593047982555, 0.9999998862727434}),
            row("erfinv", new double[] {-0.875, -0.5, -0.125, 0.0, 0.25, 0.5, 0.75, 0.9375},
                    new double[] {-1.0847870400692832, -0.4769362762044699, -0.11123545184094996, 0.0, 0.2253120550121781, 0.4769362762044699, 0.8134198475976185, 1.3171503349861307}),
            row("gamma", new double[] {-2.5, -0.5, 0.25, 0.5, 1.0, 2.5, 5.0, 7.25, 20.0},
                    new double[] {-0.9453087204829419, -3.544907701811032, 3.625609908221908, 1.772453850905516, 1.0, 1.329340388179137, 24.0, 1155.3810139199898, 1.21645100408832e+17}),
            row("gammaln", new double[] {-2.5, -0.5, 0.25, 0.5, 1.5, 2.5, 5.0, 7.25, 20.0, 100.0},
                    new double[] {-0.056243716497674054, 1.2655121234846454, 1.2880225246980774, 0.5723649429247001, -0.12078223763524522, 0.2846828704729192, 3.1780538303479458, 7.0521854507385395, 39.339884187199495, 359.1342053695754}),
            row("sigmoid", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {0.07585818002124355, 0.18242552380635635, 0.320821300824607, 0.37754066879814546, 0.5, 0.5621765008857981, 0.6224593312018546, 0.7310585786300049, 0.8175744761936437, 0.9241418199787564, 0.9770226300899744}),
            row("softsign", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {-0.7142857142857143, -0.6, -0.42857142857142855, -0.3333333333333333, 0.0, 0.2, 0.3333333333333333, 0.5, 0.6, 0.7142857142857143, 0.7894736842105263}),
            row("relu", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {0.0, 0.0, 0.0, 0.0, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75}),
            row("logical_not", new double[] {-2.5, -1.5, -0.75, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.75},
                    new double[] {0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0})
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void float64MatchesReference(Row r) {
        NDArray x = NDArray.of(Shape.of(r.x.length), DType.FLOAT64, r.x);
        NDArray y = Ops.call(r.op, x);
        assertThat(y).hasShape(r.x.length).hasDType(DType.FLOAT64).isCloseTo(r.expected, 1e-14, 1e-300);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void float32MatchesReference(Row r) {
        NDArray x = NDArray.of(Shape.of(r.x.length), DType.FLOAT32, r.x);
        NDArray y = Ops.call(r.op, x);
        assertThat(y).hasShape(r.x.length).hasDType(DType.FLOAT32).isCloseTo(r.expected, 3e-7, 1e-7);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void float16MatchesReferenceToHalfPrecision(Row r) {
        double[] expected = r.expected.clone();
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i]) > 65504) {
                expected[i] = Math.copySign(INF, expected[i]); // beyond float16's largest finite value
            }
        }
        NDArray y = Ops.call(r.op, NDArray.of(Shape.of(r.x.length), DType.FLOAT16, r.x));
        assertThat(y).hasDType(DType.FLOAT16).isCloseTo(expected, 5e-4, 1e-4);
    }

    @Test
    void everyUnaryOpHasAReferenceRow() {
        Set<String> covered = rows().stream().map(Row::op).collect(Collectors.toSet());
        List<String> unary = new UnaryOps().ops().stream().filter(op -> op instanceof UnaryOp).map(OpDef::name)
                .toList();
        assertThat(covered).containsAll(unary);
        assertThat(new UnaryOps().ops()).hasSize(49); // 47 ops and the two polygamma backward ops
    }

    @Test
    void float32LoopsAgreeWithFloat64MathOnManyValues() {
        double[] xs = new double[4001];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (i - 2000) / 256.0;
        }
        for (String name : List.of("negative", "abs", "sign", "ceil", "floor", "square", "sqrt", "rsqrt",
                "reciprocal", "softsign", "relu", "logical_not")) {
            UnaryOp op = (UnaryOp) OpRegistry.global().get(name);
            double[] expected = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                expected[i] = (float) op.apply(xs[i]);
            }
            NDArray y = Ops.call(name, NDArray.of(Shape.of(xs.length), DType.FLOAT32, xs));
            assertThat(y).as(name).isCloseTo(expected, 2e-7, 0);
        }
    }

    @Test
    void roundGoesHalfAwayFromZeroRintTakesTheLowerNeighbourFixGoesTowardZero() {
        NDArray x = NDArray.of(Shape.of(6), DType.FLOAT32, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5);
        assertThat(Ops.call("round", x)).isCloseTo(new double[] {-3, -2, -1, 1, 2, 3}, 0, 0);
        assertThat(Ops.call("rint", x)).isCloseTo(new double[] {-3, -2, -1, 0, 1, 2}, 0, 0);
        assertThat(Ops.call("fix", x)).isCloseTo(new double[] {-2, -1, 0, 0, 1, 2}, 0, 0);
        NDArray big = NDArray.of(Shape.of(2), DType.FLOAT64, 0.49999999999999994, 4503599627370497.0);
        assertThat(Ops.call("round", big)).isCloseTo(new double[] {0, 4503599627370497.0}, 0, 0);
    }

    @Test
    void nanAndInfinityFollowCAndMXNet() {
        double[] x = {NAN, INF, -INF, 0.0, -1.0};
        NDArray a = NDArray.of(Shape.of(5), DType.FLOAT64, x);
        assertThat(Ops.call("exp", a)).isCloseTo(new double[] {NAN, INF, 0, 1, Math.exp(-1)}, 1e-15, 0);
        assertThat(Ops.call("log", a)).isCloseTo(new double[] {NAN, INF, NAN, -INF, NAN}, 0, 0);
        assertThat(Ops.call("sqrt", a)).isCloseTo(new double[] {NAN, INF, NAN, 0, NAN}, 0, 0);
        assertThat(Ops.call("sign", a)).isCloseTo(new double[] {0, 1, -1, 0, -1}, 0, 0);
        assertThat(Ops.call("relu", a)).isCloseTo(new double[] {NAN, INF, 0, 0, 0}, 0, 0);
        assertThat(Ops.call("sigmoid", a)).isCloseTo(new double[] {NAN, 1, 0, 0.5, 0.2689414213699951}, 1e-15, 0);
        assertThat(Ops.call("erf", a)).isCloseTo(new double[] {NAN, 1, -1, 0, -0.8427007929497149}, 1e-15, 0);
        assertThat(Ops.call("logical_not", a)).isCloseTo(new double[] {0, 0, 0, 1, 0}, 0, 0);
        assertThat(Ops.call("round", a)).isCloseTo(new double[] {NAN, INF, -INF, 0, -1}, 0, 0);
        assertThat(Ops.call("rint", a)).isCloseTo(new double[] {NAN, INF, -INF, 0, -1}, 0, 0);
        assertThat(Ops.call("reciprocal", a)).isCloseTo(new double[] {NAN, 0, 0, INF, -1}, 0, 0);
        NDArray b = NDArray.of(Shape.of(4), DType.FLOAT64, 1, -1, 1.5, 0);
        assertThat(Ops.call("erfinv", b)).isCloseTo(new double[] {INF, -INF, NAN, 0}, 0, 0);
        assertThat(Ops.call("arctanh", b)).isCloseTo(new double[] {INF, -INF, NAN, 0}, 0, 0);
        NDArray c = NDArray.of(Shape.of(4), DType.FLOAT64, 0, -1, -INF, 172);
        assertThat(Ops.call("gamma", c)).isCloseTo(new double[] {INF, NAN, NAN, INF}, 0, 0);
        assertThat(Ops.call("gammaln", c)).isCloseTo(new double[] {INF, INF, INF, 711.71472580228999}, 1e-14, 0);
    }

    @Test
    void integerInputsKeepTheirDTypeAndCastLikeMXNet() {
        NDArray i32 = NDArray.of(Shape.of(4), DType.INT32, -3, 0, 7, 9);
        assertThat(Ops.call("negative", i32)).isEqualTo(NDArray.of(Shape.of(4), DType.INT32, 3, 0, -7, -9));
        assertThat(Ops.call("sqrt", NDArray.of(Shape.of(3), DType.INT32, 4, 8, 9)))
                .isEqualTo(NDArray.of(Shape.of(3), DType.INT32, 2, 2, 3));
        // 1/0 is inf, which x86 converts to INT_MIN
        assertThat(Ops.call("reciprocal", NDArray.of(Shape.of(3), DType.INT32, 2, 0, 1)))
                .isEqualTo(NDArray.of(Shape.of(3), DType.INT32, 0, Integer.MIN_VALUE, 1));
        assertThat(Ops.call("logical_not", i32)).isEqualTo(NDArray.of(Shape.of(4), DType.INT32, 0, 1, 0, 0));
        assertThat(Ops.call("relu", NDArray.of(Shape.of(3), DType.INT8, -5, 0, 5)))
                .isEqualTo(NDArray.of(Shape.of(3), DType.INT8, 0, 0, 5));
        assertThat(Ops.call("sign", i32)).isEqualTo(NDArray.of(Shape.of(4), DType.INT32, -1, 0, 1, 1));
        assertThat(Ops.call("negative", NDArray.of(Shape.of(2), DType.UINT8, 1, 0)))
                .isEqualTo(NDArray.of(Shape.of(2), DType.UINT8, 255, 0));
        long big = (1L << 60) + 1;
        NDArray i64 = NDArray.wrap(Shape.of(1), DType.INT64, dev.kiln.ndarray.Device.cpu(), new long[] {-big});
        assertThat(Ops.call("abs", i64).asLong()).isEqualTo(big);
        assertThat(Ops.call("floor", i64).asLong()).isEqualTo(-big);
    }

    @Test
    void halfPrecisionResultsAreRoundedToTheirDType() {
        NDArray h = NDArray.of(Shape.of(4), DType.FLOAT16, 0, 1, -1, 2.5);
        assertThat(Ops.call("exp", h)).hasDType(DType.FLOAT16)
                .isCloseTo(new double[] {1.0, 2.71875, 0.367919921875, 12.1796875}, 0, 0);
        NDArray b = NDArray.of(Shape.of(4), DType.BFLOAT16, 4, 2, 3, 10);
        assertThat(Ops.call("sqrt", b)).hasDType(DType.BFLOAT16)
                .isCloseTo(new double[] {2.0, 1.4140625, 1.734375, 3.15625}, 0, 0);
    }

    @Test
    void predicatesReturnBool() {
        NDArray x = NDArray.of(Shape.of(2, 2), DType.FLOAT32, NAN, INF, -INF, 1);
        assertThat(Ops.call("isnan", x)).hasDType(DType.BOOL).hasShape(2, 2).isCloseTo(new double[] {1, 0, 0, 0}, 0, 0);
        assertThat(Ops.call("isinf", x)).hasDType(DType.BOOL).isCloseTo(new double[] {0, 1, 1, 0}, 0, 0);
        assertThat(Ops.call("isfinite", x)).hasDType(DType.BOOL).isCloseTo(new double[] {0, 0, 0, 1}, 0, 0);
        NDArray ints = NDArray.of(Shape.of(2), DType.INT32, 5, -1);
        assertThat(Ops.call("_npi_isnan", ints)).isCloseTo(new double[] {0, 0}, 0, 0);
        assertThat(Ops.call("isfinite", ints)).isCloseTo(new double[] {1, 1}, 0, 0);
    }

    @Test
    void hardSigmoidUsesAlphaAndBetaAndClips() {
        NDArray x = NDArray.of(Shape.of(6), DType.FLOAT32, -3, -1, 0, 1, 3, NAN);
        assertThat(Ops.call("hard_sigmoid", x)).isCloseTo(new double[] {0, 0.3, 0.5, 0.7, 1, NAN}, 1e-7, 0);
        NDArray y = Ops.call("hard_sigmoid", Map.of("alpha", "0.5", "beta", "0.25"), x);
        assertThat(y).isCloseTo(new double[] {0, 0, 0.25, 0.75, 1, NAN}, 0, 0);
    }

    @Test
    void hardSigmoidRoundsAttributesToFloat32AsMXNetDoes() {
        NDArray x = NDArray.of(Shape.of(2), DType.FLOAT64, 1, -1);
        assertThat(Ops.call("hard_sigmoid", x)).isCloseTo(new double[] {0.7000000029802322, 0.29999999701976776}, 0, 0);
    }

    @Test
    void hardSigmoidRejectsIntegerInput() {
        assertThatThrownBy(() -> Ops.call("hard_sigmoid", NDArray.of(Shape.of(1), DType.INT32, 1)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("hard_sigmoid").hasMessageContaining("int32");
    }

    @Test
    void aliasesNameTheSameDefinition() {
        OpRegistry r = OpRegistry.global();
        assertThat(r.get("_npx_erf")).isSameAs(r.get("erf"));
        assertThat(r.get("_npx_gammaln")).isSameAs(r.get("gammaln"));
        assertThat(r.get("_npi_isinf")).isSameAs(r.get("isinf"));
    }

    @Test
    void emptyAndScalarShapesPassThrough() {
        assertThat(Ops.call("exp", NDArray.zeros(Shape.of(0, 3), DType.FLOAT32, dev.kiln.ndarray.Device.cpu())))
                .hasShape(0, 3);
        assertThat(Ops.call("square", NDArray.scalar(3)).asScalar()).isEqualTo(9.0);
    }

    @Test
    void costlyOpsSplitIntoChunksWithoutChangingResults() {
        int n = 5000;
        double[] x = new double[n];
        double[] expected = new double[n];
        double[] in = {0.3, -0.3, 0.91};
        double[] out = {0.2724627147267543, -0.2724627147267543, 1.1988272177415733}; // mpmath erfinv
        for (int i = 0; i < n; i++) {
            x[i] = in[i % 3];
            expected[i] = out[i % 3];
        }
        assertThat(Ops.call("erfinv", NDArray.of(Shape.of(n), DType.FLOAT64, x))).isCloseTo(expected, 1e-15, 0);
    }

    @Test
    void largeArraysGiveTheSameResultAsSmallOnes() {
        int n = 100_003;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i % 977) / 97f - 5f;
        }
        NDArray y = Ops.call("tanh", NDArray.wrap(Shape.of(n), x));
        float[] got = y.floatData();
        for (int i = 0; i < n; i += 1013) {
            assertThat(got[i]).isEqualTo((float) Math.tanh(x[i]));
        }
    }
}
