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
class InstanceNormTest {

    /** The float32-only kernel is checked in float32 with a wider step and tolerance. */
    private static LayerCheck check(InstanceNorm in, NDArray x) {
        return LayerCheck.of(in, x).float32Gradients().gradientTolerance(2e-2, 2e-3, 1e-2);
    }

    @Test
    void parametersAreGluonsWithGammaNotLearnedByDefault() {
        InstanceNorm in = new InstanceNorm();
        assertThat(in.collectParams().keys()).containsExactly("instancenorm0_gamma", "instancenorm0_beta");
        assertThat(in.gamma().gradReq()).isEqualTo(GradReq.NULL);
        assertThat(in.beta().gradReq()).isEqualTo(GradReq.WRITE);
        assertThat(in).hasToString("InstanceNorm(eps=1e-05, axis=1, center=True, scale=False, in_channels=0)");
        in.initialize();
        check(in, Random.uniform(-1, 1, 2, 3, 4)).expectShape(2, 3, 4).run();
        assertThat(in.gamma().shape()).isEqualTo(Shape.of(3));
        assertThat(in).hasToString("InstanceNorm(eps=1e-05, axis=1, center=True, scale=False, in_channels=3)");
    }

    @Test
    void normalisesEachInstanceAndChannelOverTheOtherAxes() {
        InstanceNorm in = InstanceNorm.builder().scale(true).inChannels(3)
                .gammaInitializer(new Uniform(1)).betaInitializer(new Uniform(1)).build();
        in.initialize();
        NDArray x = Random.uniform(-2, 2, 2, 3, 2, 2);
        IntUnaryOperator instanceChannel = i -> i / 4;
        IntUnaryOperator channel = NormReference.indexAlong(x.shape(), 1);
        double[] expected = NormReference.affine(NormReference.normalized(x, instanceChannel, 6, 1e-5), channel,
                in.gamma().data(), in.beta().data());
        assertThat(in.call(x)).isCloseTo(expected, 1e-5, 1e-5);
        check(in, x).expectShape(2, 3, 2, 2).run();
    }

    @Test
    void anotherChannelAxisIsSwappedToOneAndBack() {
        InstanceNorm in = InstanceNorm.builder().axis(2).scale(true).gammaInitializer(new Uniform(1)).build();
        in.initialize();
        NDArray x = Random.uniform(-2, 2, 2, 3, 4);
        NDArray y = in.call(x);
        assertThat(in.gamma().shape()).isEqualTo(Shape.of(4));
        // channels on axis 2: one group per (instance, k), over axis 1
        IntUnaryOperator instanceChannel = i -> (i / 12) * 4 + i % 4;
        IntUnaryOperator channel = NormReference.indexAlong(x.shape(), 2);
        double[] expected = NormReference.affine(NormReference.normalized(x, instanceChannel, 8, 1e-5), channel,
                in.gamma().data(), in.beta().data());
        assertThat(y).isCloseTo(expected, 1e-5, 1e-5);
        check(in, x).expectShape(2, 3, 4).run();
    }

    @Test
    void rejectsAnAxisOutOfRangeOnTheFirstForward() {
        InstanceNorm in = InstanceNorm.builder().axis(4).build();
        in.initialize();
        assertThatThrownBy(() -> in.call(NDArray.ones(2, 3, 2)))
                .hasMessageContaining("block 'instancenorm0'")
                .hasMessageContaining("attribute dim2=4 is out of range for input shape (2, 3, 2)");
    }
}
