package dev.kiln.nn.norm;

import dev.kiln.autograd.GradReq;
import dev.kiln.init.Uniform;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.testing.LayerCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.function.IntUnaryOperator;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(FreshNames.class)
class LayerNormTest {

    @Test
    void parametersAreGluonsAndDeferredAlongTheLastAxis() {
        LayerNorm ln = new LayerNorm();
        assertThat(ln.collectParams().keys()).containsExactly("layernorm0_gamma", "layernorm0_beta");
        assertThat(ln.gamma().shape().get(0)).isEqualTo(Shape.UNKNOWN);
        assertThat(ln).hasToString("LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=0)");
        ln.initialize();
        LayerCheck.of(ln, Random.uniform(-1, 1, 2, 3, 5)).expectShape(2, 3, 5).run();
        assertThat(ln.gamma().shape()).isEqualTo(Shape.of(5));
        assertThat(ln.beta().shape()).isEqualTo(Shape.of(5));
        assertThat(ln).hasToString("LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=5)");
    }

    @Test
    void normalisesEachPositionAlongTheAxisThenScalesAndShifts() {
        LayerNorm ln = LayerNorm.builder().axis(1).epsilon(1e-3).inChannels(3)
                .gammaInitializer(new Uniform(1)).betaInitializer(new Uniform(1)).build();
        ln.initialize();
        NDArray x = Random.uniform(-2, 2, 2, 3, 4);
        // statistics over axis 1: one group per (i, k)
        IntUnaryOperator row = i -> (i / 12) * 4 + i % 4;
        IntUnaryOperator channel = NormReference.indexAlong(x.shape(), 1);
        double[] expected = NormReference.affine(NormReference.normalized(x, row, 8, 1e-3), channel,
                ln.gamma().data(), ln.beta().data());
        assertThat(ln.call(x)).isCloseTo(expected, 1e-5, 1e-5);
        LayerCheck.of(ln, x).expectShape(2, 3, 4).run();
    }

    @Test
    void centerAndScaleOffOnlyStopLearning() {
        LayerNorm ln = LayerNorm.builder().center(false).scale(false).betaInitializer("ones").build();
        assertThat(ln.gamma().gradReq()).isEqualTo(GradReq.NULL);
        assertThat(ln.beta().gradReq()).isEqualTo(GradReq.NULL);
        assertThat(ln).hasToString("LayerNorm(eps=1e-05, axis=-1, center=False, scale=False, in_channels=0)");
        ln.initialize();
        NDArray x = Random.uniform(-1, 1, 3, 4);
        double[] norm = NormReference.normalized(x, i -> i / 4, 3, 1e-5);
        for (int i = 0; i < norm.length; i++) {
            norm[i] += 1; // beta (ones) is still applied
        }
        assertThat(ln.call(x)).isCloseTo(norm, 1e-5, 1e-5);
        LayerCheck.of(ln, x).expectShape(3, 4).run();
    }

    @Test
    void rejectsAnAxisOutOfRangeOnTheFirstForward() {
        LayerNorm ln = LayerNorm.builder().axis(2).build();
        ln.initialize();
        assertThatThrownBy(() -> ln.call(NDArray.ones(2, 3)))
                .hasMessageContaining("'axis' 2 is out of range for 'data' of shape (2, 3)");
    }
}
