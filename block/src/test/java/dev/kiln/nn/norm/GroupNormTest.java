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
class GroupNormTest {

    @Test
    void parametersAreOnePerGroupAsInGluonOneAndNeverDeferred() {
        GroupNorm gn = new GroupNorm(2);
        assertThat(gn.collectParams().keys()).containsExactly("groupnorm0_gamma", "groupnorm0_beta");
        assertThat(gn.gamma().shape()).isEqualTo(Shape.of(2));
        assertThat(gn.beta().shape()).isEqualTo(Shape.of(2));
        gn.initialize();
        assertThat(gn.gamma().isDeferred()).isFalse();
        assertThat(gn).hasToString("GroupNorm(eps=1e-05, num_groups=2, center=True, scale=True)");
        assertThat(GroupNorm.builder().epsilon(0.01).center(false).build())
                .hasToString("GroupNorm(eps=0.01, num_groups=1, center=False, scale=True)")
                .satisfies(g -> assertThat(g.beta().gradReq()).isEqualTo(GradReq.NULL));
    }

    @Test
    void normalisesEachInstanceAndGroupOfChannelsWithPerGroupScaleAndShift() {
        GroupNorm gn = GroupNorm.builder().numGroups(2).gammaInitializer(new Uniform(1))
                .betaInitializer(new Uniform(1)).build();
        gn.initialize();
        NDArray x = Random.uniform(-2, 2, 2, 4, 3);
        // channels 0-1 are group 0, 2-3 group 1: 6 elements per (instance, group)
        IntUnaryOperator instanceGroup = i -> i / 6;
        IntUnaryOperator group = i -> (i / 6) % 2;
        double[] expected = NormReference.affine(NormReference.normalized(x, instanceGroup, 4, 1e-5), group,
                gn.gamma().data(), gn.beta().data());
        assertThat(gn.call(x)).isCloseTo(expected, 1e-5, 1e-5);
        LayerCheck.of(gn, x).expectShape(2, 4, 3).run();
    }

    @Test
    void defaultsToOneGroupOverAllChannels() {
        GroupNorm gn = new GroupNorm();
        gn.initialize();
        NDArray x = Random.uniform(-2, 2, 2, 3, 2);
        assertThat(gn.call(x)).isCloseTo(NormReference.normalized(x, i -> i / 6, 2, 1e-5), 1e-5, 1e-5);
        LayerCheck.of(gn, x).expectShape(2, 3, 2).run();
    }

    @Test
    void rejectsGroupsNotDividingTheChannels() {
        GroupNorm gn = new GroupNorm(3);
        gn.initialize();
        assertThatThrownBy(() -> gn.call(NDArray.ones(2, 4, 2)))
                .hasMessageContaining("(GroupNorm)")
                .hasMessageContaining("'num_groups' 3 must be positive and divide the 4 channels");
        assertThatThrownBy(() -> new GroupNorm(0)).hasMessageContaining("GroupNorm: numGroups must be positive, got 0");
    }
}
