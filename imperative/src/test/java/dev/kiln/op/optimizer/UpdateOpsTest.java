package dev.kiln.op.optimizer;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The fused optimizer update ops: in-place states, MXNet's attributes and defaults, and their errors. */
class UpdateOpsTest {
    private static NDArray vec(float... v) {
        return NDArray.of(Shape.of(v.length), v);
    }

    @Test
    void everyMXNetUpdateOpIsRegisteredInTheOptimizerFamily() {
        for (String name : List.of("sgd_update", "sgd_mom_update", "nag_mom_update", "adam_update",
                "rmsprop_update", "rmspropalex_update", "ftrl_update", "signsgd_update", "signum_update",
                "lamb_update_phase1", "lamb_update_phase2", "_adamw_update", "_contrib_adamw_update")) {
            OpDef op = OpRegistry.global().get(name);
            assertThat(op.family()).as(name).isEqualTo(OpFamily.OPTIMIZER);
            assertThat(op.isDifferentiable()).as(name).isFalse();
            assertThat(op.hasSideEffects(null, false)).as(name).isTrue();
        }
    }

    @Test
    void sgdMomUpdateWritesMomentumInPlaceAndReturnsTheNewWeight() {
        NDArray w = vec(1, -2);
        NDArray mom = vec(0.5f, 0);
        NDArray out = Ops.call("sgd_mom_update", Map.of("lr", 0.1, "momentum", 0.9, "wd", 0.1), w, vec(3, -1), mom);
        // mom = 0.9 * mom - lr * wd * w - lr * g
        double m0 = 0.9 * 0.5 - 0.1 * 0.1 * 1 - 0.1 * 3;
        double m1 = -0.1 * 0.1 * -2 - 0.1 * -1;
        assertThat(mom.toFloatArray()[0]).isCloseTo((float) m0, within(1e-6f));
        assertThat(mom.toFloatArray()[1]).isCloseTo((float) m1, within(1e-6f));
        assertThat(out.toFloatArray()[0]).isCloseTo((float) (1 + m0), within(1e-6f));
        assertThat(w.toFloatArray()).containsExactly(1, -2);
        assertThat(OpRegistry.global().get("sgd_mom_update").auxInputIndices(null)).containsExactly(2);
    }

    @Test
    void clipGradientAppliesAfterRescaleAndNegativeTurnsItOff() {
        NDArray w = vec(0, 0);
        NDArray clipped = Ops.call("sgd_update", Map.of("lr", 1, "rescale_grad", 0.5, "clip_gradient", 1), w,
                vec(4, -1));
        assertThat(clipped.toFloatArray()).containsExactly(-1, 0.5f);
        NDArray free = Ops.call("sgd_update", Map.of("lr", 1, "rescale_grad", 0.5), w, vec(4, -1));
        assertThat(free.toFloatArray()).containsExactly(-2, 0.5f);
    }

    @Test
    void adamwSkipsTheStepWhenRescaleGradIsNotFiniteOrZero() {
        for (float rescale : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 0}) {
            NDArray mean = vec(0.1f, 0.2f);
            NDArray out = Ops.call("_adamw_update", Map.of("lr", 1, "eta", 0.1), vec(1, 2), vec(1, 1), mean,
                    vec(1, 1), vec(rescale));
            assertThat(out.toFloatArray()).containsExactly(1, 2);
            assertThat(mean.toFloatArray()).containsExactly(0.1f, 0.2f);
        }
    }

    @Test
    void lambPhase2BoundsTheWeightNormAndFallsBackToLrWhenANormIsZero() {
        NDArray w = vec(1, 1);
        NDArray g = vec(1, -1);
        NDArray bounded = Ops.call("lamb_update_phase2", Map.of("lr", 0.1, "upper_bound", 2), w, g, vec(4), vec(1));
        assertThat(bounded.toFloatArray()).containsExactly(0.8f, 1.2f);
        NDArray zero = Ops.call("lamb_update_phase2", Map.of("lr", 0.1), w, g, vec(0), vec(1));
        assertThat(zero.toFloatArray()).containsExactly(0.9f, 1.1f);
    }

    @Test
    void mismatchedStateShapeIsAnErrorNamingTheInput() {
        assertThatThrownBy(() -> Ops.call("adam_update", Map.of("lr", 0.1), vec(1, 2), vec(1, 2), vec(0, 0),
                vec(0, 0, 0)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("adam_update").hasMessageContaining("'var'").hasMessageContaining("(3,)");
        assertThatThrownBy(() -> Ops.call("lamb_update_phase2", Map.of("lr", 0.1), vec(1, 2), vec(1, 2),
                vec(1, 2), vec(1)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'r1'");
    }

    @Test
    void missingLearningRateIsAnError() {
        assertThatThrownBy(() -> Ops.call("sgd_update", Map.of(), vec(1), vec(1)))
                .isInstanceOf(KilnException.class).hasMessageContaining("lr");
    }

    @Test
    void backwardThroughAnUpdateIsAnError() {
        NDArray w = vec(1, 2).attachGrad();
        assertThatThrownBy(() -> {
            NDArray out;
            try (var ignored = Autograd.record()) {
                out = Ops.call("sgd_update", Map.of("lr", 0.1), w, vec(1, 1));
            }
            out.backward();
        }).isInstanceOf(KilnException.class);
    }
}
