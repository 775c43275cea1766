package dev.kiln.nn;

import dev.kiln.init.Constant;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class DenseTest {

    @Test
    void parametersAreNamedAndShapedAsGluonsWithDeferredInputUnits() {
        Dense d = new Dense(10, "relu");
        assertThat(d.prefix()).isEqualTo("dense0_");
        assertThat(d.collectParams().keys()).containsExactly("dense0_weight", "dense0_bias");
        assertThat(d.weight().shape().get(0)).isEqualTo(10);
        assertThat(d.weight().shape().get(1)).isEqualTo(Shape.UNKNOWN);
        assertThatThrownBy(() -> Dense.builder(10).params(d.params()).dtype(DType.FLOAT64).build())
                .hasMessageContaining("'dtype': desired 'float64' vs stored 'float32'");
        assertThat(d.children().get("act").prefix()).isEqualTo("dense0_relu_");
        assertThat(d).hasToString("Dense(None -> 10, Activation(relu))");
        d.initialize();
        d.call(Random.uniform(-1, 1, 2, 3));
        assertThat(d).hasToString("Dense(3 -> 10, Activation(relu))");
        assertThat(new Dense(4)).hasToString("Dense(None -> 4, linear)");
    }

    @Test
    void computesTheAffineMapThenTheActivation() {
        Dense d = Dense.builder(2).activation("relu").inUnits(3).build();
        d.initialize();
        d.weight().setData(NDArray.of(Shape.of(2, 3), 1f, 0f, -1f, -1f, 0f, 0f));
        d.bias().setData(NDArray.of(Shape.of(2), 0.5f, 0.25f));
        NDArray x = NDArray.of(Shape.of(2, 3), 1f, 2f, 3f, -4f, 5f, 6f);
        // rows: [1-3+0.5, -1+0.25] -> relu [0, 0]; [-4-6+0.5, 4+0.25] -> [0, 4.25]
        assertThat(d.call(x)).isCloseTo(new double[] {0, 0, 0, 4.25}, 1e-6, 0);
    }

    @Test
    void flattensAllButTheFirstAxisByDefaultAndKeepsThemWithoutFlatten() {
        Dense flat = new Dense(5);
        flat.initialize(new Xavier());
        LayerCheck.of(flat, Random.uniform(-1, 1, 2, 3, 4)).expectShape(2, 5).run();
        assertThat(flat.weight().shape()).isEqualTo(Shape.of(5, 12));

        Dense kept = Dense.builder(5).flatten(false).activation("tanh").build();
        kept.initialize(new Xavier());
        LayerCheck.of(kept, Random.uniform(-1, 1, 2, 3, 4)).expectShape(2, 3, 5).run();
        assertThat(kept.weight().shape()).isEqualTo(Shape.of(5, 4));
    }

    @Test
    void withoutBiasHasOnlyAWeightAndOwnInitialisersWin() {
        Dense d = Dense.builder(3).useBias(false).weightInitializer(new Constant(2)).inUnits(2).build();
        assertThat(d.collectParams().keys()).containsExactly("dense0_weight");
        d.initialize(new Constant(-1));
        assertThat(d.weight().data()).isCloseTo(new double[] {2, 2, 2, 2, 2, 2}, 0, 0);
        LayerCheck.of(d, Random.uniform(-1, 1, 4, 2)).expectShape(4, 3).run();
    }

    @Test
    void builderSetsPrefixDtypeAndSharedParameters() {
        Dense a = Dense.builder(3).prefix("fc_").dtype(DType.FLOAT64).build();
        Dense b = Dense.builder(3).params(a.params()).dtype(DType.FLOAT64).build();
        assertThat(a.collectParams().keys()).containsExactly("fc_weight", "fc_bias");
        assertThat(b.weight()).isSameAs(a.weight());
        a.initialize();
        NDArray x = Random.uniform(-1, 1, 2, 4).astype(DType.FLOAT64);
        assertThat(b.call(x)).hasDType(DType.FLOAT64).isCloseTo(a.call(x), 0, 0);
    }

    @Test
    void rejectsNonPositiveUnits() {
        assertThatThrownBy(() -> new Dense(0)).hasMessageContaining("units must be positive, got 0");
    }
}
