package dev.kiln.block;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.surface.F;
import dev.kiln.op.surface.ND;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class LambdaTest {
    private static final HybridFunction LEAKY = new HybridFunction() {
        @Override
        public <T> T apply(F<T> F, T x) {
            return F.leakyReLU(x, null, Map.of("slope", 0.1));
        }
    };

    private static double[] map(NDArray x, java.util.function.DoubleUnaryOperator f) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(v[i]);
        }
        return v;
    }

    @Test
    void identityReturnsItsInputsAndTracesToNoNode() {
        Identity id = new Identity();
        NDArray x = Random.uniform(-1, 1, 2, 3);
        assertThat(id.call(x)).isSameAs(x);
        assertThat(id.trace(true).graph().size()).isEqualTo(1);
        assertThat(id.trace(true, true).listOutputs()).containsExactly("data0", "data1");
        LayerCheck.of(id, x).expectShape(2, 3).run();
        assertThat(id.prefix()).isEqualTo("identity0_");
        assertThat(id).hasToString("Identity(\n\n)");
    }

    @Test
    void hybridLambdaByOpNameAppliesTheOpOnBothBackends() {
        HybridLambda tanh = new HybridLambda("tanh");
        assertThat(tanh).hasToString("HybridLambda(tanh)");
        assertThat(tanh.prefix()).isEqualTo("hybridlambda0_");
        NDArray x = Random.uniform(-2, 2, 2, 3);
        assertThat(tanh.call(x)).isCloseTo(map(x, Math::tanh), 1e-6, 1e-7);
        assertThat(tanh.trace(true).listOutputs()).containsExactly("hybridlambda0_tanh0_output");
        LayerCheck.of(tanh, x).expectShape(2, 3).run();
    }

    @Test
    void hybridLambdaTakesOpAttributesAndFillsNumArgsOfVariadicOps() {
        HybridLambda leaky = new HybridLambda("LeakyReLU", Map.of("slope", 0.25), null);
        NDArray x = NDArray.of(Shape.of(4), -2f, -1f, 0.5f, 3f);
        assertThat(leaky.call(x)).isCloseTo(new double[] {-0.5, -0.25, 0.5, 3}, 1e-7, 0);

        HybridLambda concat = new HybridLambda("concat", Map.of("dim", 0), null);
        NDArray a = Random.uniform(-1, 1, 1, 2);
        NDArray b = Random.uniform(-1, 1, 2, 2);
        List<NDArray> out = LayerCheck.of(concat, a, b).expectShape(3, 2).run();
        double[] expected = new double[6];
        System.arraycopy(a.toDoubleArray(), 0, expected, 0, 2);
        System.arraycopy(b.toDoubleArray(), 0, expected, 2, 4);
        assertThat(out.get(0)).isCloseTo(expected, 1e-7, 0);
    }

    @Test
    void hybridLambdaOfAFunctionRunsEagerAndTracedAlike() {
        HybridLambda leaky = new HybridLambda(LEAKY);
        assertThat(leaky).hasToString("HybridLambda(<lambda>)");
        NDArray x = NDArray.of(Shape.of(2, 2), -1f, 2f, -3f, 0.5f);
        List<NDArray> out = LayerCheck.of(leaky, x).expectShape(2, 2).run();
        assertThat(out.get(0)).isCloseTo(new double[] {-0.1, 2, -0.3, 0.5}, 1e-6, 0);
        assertThatThrownBy(() -> leaky.callAll(List.of(x, x)))
                .hasMessageContaining("HybridLambda(<lambda>) takes one input, got 2")
                .hasMessageContaining("hybridlambda0");
    }

    @Test
    void hybridLambdaOfAListFunctionTakesAndGivesSeveralValues() {
        HybridLambda swapAndScale = HybridLambda.ofAll(new HybridListFunction() {
            @Override
            public <T> List<T> apply(F<T> F, List<T> xs) {
                return List.of(F.broadcastMul(xs.get(1), xs.get(0)), F.square(xs.get(0)));
            }

            @Override
            public String toString() {
                return "mulAndSquare";
            }
        });
        assertThat(swapAndScale).hasToString("HybridLambda(mulAndSquare)");
        NDArray a = NDArray.of(Shape.of(3), 1f, -2f, 3f);
        NDArray b = NDArray.of(Shape.of(3), 2f, 2f, 0.5f);
        List<NDArray> out = LayerCheck.of(swapAndScale, a, b).expectShapes(Shape.of(3), Shape.of(3)).run();
        assertThat(out.get(0)).isCloseTo(new double[] {2, -4, 1.5}, 1e-7, 0);
        assertThat(out.get(1)).isCloseTo(new double[] {1, 4, 9}, 1e-7, 0);

        List<NDArray> halves = new HybridLambda("split", Map.of("num_outputs", 2), null)
                .callAll(List.of(Random.uniform(-1, 1, 2, 4)));
        assertThat(halves).hasSize(2);
        assertThat(halves.get(1)).hasShape(2, 2);
    }

    @Test
    void unknownOpsAndBadAttributesFailWhenTheBlockIsMade() {
        assertThatThrownBy(() -> new HybridLambda("tanhh"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HybridLambda('tanhh')").hasMessageContaining("unknown op 'tanhh'")
                .hasMessageContaining("tanh");
        assertThatThrownBy(() -> new Lambda("no_such_op"))
                .hasMessageContaining("Lambda('no_such_op')").hasMessageContaining("unknown op");
        assertThatThrownBy(() -> new HybridLambda("Activation"))
                .hasMessageContaining("HybridLambda('Activation')").hasMessageContaining("act_type");
        assertThatThrownBy(() -> new HybridLambda("LeakyReLU", Map.of("slope", "steep"), null))
                .hasMessageContaining("slope");
    }

    @Test
    void lambdaRunsAJavaFunctionOrAnOpEagerly() {
        Lambda twice = new Lambda(x -> ND.nd.broadcastAdd(x, x));
        assertThat(twice).hasToString("Lambda(<lambda>)");
        assertThat(twice.prefix()).isEqualTo("lambda0_");
        NDArray x = NDArray.of(Shape.of(3), 1f, -2f, 0.5f);
        assertThat(twice.call(x)).isCloseTo(new double[] {2, -4, 1}, 0, 0);
        assertThatThrownBy(() -> twice.callAll(List.of(x, x)))
                .hasMessageContaining("Lambda(<lambda>) takes one input, got 2");

        Lambda sigmoid = new Lambda("sigmoid");
        assertThat(sigmoid).hasToString("Lambda(sigmoid)");
        assertThat(sigmoid.call(x)).isCloseTo(map(x, v -> 1 / (1 + Math.exp(-v))), 1e-6, 0);

        Lambda both = Lambda.ofAll(xs -> List.of(xs.get(1), xs.get(0)), "swap_");
        List<NDArray> swapped = both.callAll(List.of(x, sigmoid.call(x)));
        assertThat(swapped.get(1)).isSameAs(x);
        assertThat(both.prefix()).isEqualTo("swap_");
    }

    @Test
    void lambdaIsRecordedByAutograd() {
        Lambda cube = new Lambda(x -> ND.nd.broadcastMul(x, ND.nd.square(x)));
        NDArray x = NDArray.of(Shape.of(2), 2f, -1f).attachGrad();
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = cube.call(x);
        }
        y.backward();
        assertThat(x.grad()).isCloseTo(new double[] {12, 3}, 1e-6, 0);
    }

    @Test
    void hybridLambdaComposesOnSymbols() {
        HybridLambda relu = new HybridLambda("relu");
        Symbol out = relu.call(Symbol.var("x"));
        assertThat(out.listArguments()).containsExactly("x");
        assertThat(out.listOutputs()).containsExactly("hybridlambda0_relu0_output");
    }
}
