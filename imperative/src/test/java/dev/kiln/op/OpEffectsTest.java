package dev.kiln.op;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code OpDef.isRandom} and {@code OpDef.hasSideEffects}, which graph passes rely on, checked against what a call
 * does: whether it takes a draw from the global generator, whether it changes an input.
 */
class OpEffectsTest {

    /** Calls the op in the given mode and reports whether it drew from the global generator. */
    private static boolean draws(String op, Map<String, ?> attrs, boolean training, NDArray... inputs) {
        Random.seed(3);
        long before = Random.global().draws();
        boolean was = OpContext.setTraining(training);
        try {
            Ops.invoke(op, attrs, inputs);
        } finally {
            OpContext.setTraining(was);
        }
        return Random.global().draws() != before;
    }

    private static boolean declaredRandom(String op, Map<String, ?> attrs, boolean training) {
        OpDef def = OpRegistry.global().get(op);
        return def.isRandom(def.attrs(attrs), training);
    }

    private static void assertRandomExactlyWhenItDraws(String op, Map<String, ?> attrs, NDArray... inputs) {
        for (boolean training : new boolean[] {true, false}) {
            assertThat(declaredRandom(op, attrs, training)).as(op + " " + attrs + " training " + training)
                    .isEqualTo(draws(op, attrs, training, inputs));
        }
    }

    @Test
    void opsDeclareThemselvesRandomExactlyWhenACallDraws() {
        NDArray x = NDArray.ones(2, 3, 4, 4);
        assertRandomExactlyWhenItDraws("Dropout", Map.of("p", 0.5), x);
        assertRandomExactlyWhenItDraws("Dropout", Map.of("p", 0.5, "mode", "always"), x);
        assertRandomExactlyWhenItDraws("Dropout", Map.of("p", 0.0), x);
        assertRandomExactlyWhenItDraws("_contrib_DropBlock", Map.of("p", 0.2), x);
        assertRandomExactlyWhenItDraws("LeakyReLU", Map.of("act_type", "rrelu"), x);
        assertRandomExactlyWhenItDraws("LeakyReLU", Map.of("act_type", "leaky"), x);
        assertRandomExactlyWhenItDraws("_random_uniform", Map.of("shape", new int[] {3}));
        assertRandomExactlyWhenItDraws("_shuffle", Map.of(), x);
        assertRandomExactlyWhenItDraws("relu", Map.of(), x);
        assertThat(declaredRandom("Dropout", Map.of("p", 0.5), true)).isTrue();
        assertThat(declaredRandom("Dropout", Map.of("p", 0.5), false)).isFalse();
    }

    @Test
    void rnnIsRandomInTrainingWhenItDropsBetweenLayers() {
        Map<String, Object> twoLayers = Map.of("state_size", 4, "num_layers", 2, "mode", "lstm", "p", 0.3);
        Map<String, Object> oneLayer = Map.of("state_size", 4, "num_layers", 1, "mode", "lstm", "p", 0.3);

        assertThat(declaredRandom("RNN", twoLayers, true)).isTrue();
        assertThat(declaredRandom("RNN", twoLayers, false)).isFalse();
        assertThat(declaredRandom("RNN", oneLayer, true)).isFalse();
    }

    @Test
    void batchNormHasSideEffectsExactlyWhenItMovesItsStatistics() {
        for (boolean training : new boolean[] {true, false}) {
            for (boolean global : new boolean[] {true, false}) {
                Map<String, Object> attrs = Map.of("use_global_stats", global);
                NDArray mean = NDArray.zeros(3);
                NDArray x = NDArray.of(Shape.of(2, 3), 1, 2, 3, 5, 7, 9);
                boolean was = OpContext.setTraining(training);
                try {
                    Ops.invoke("BatchNorm", attrs, x, NDArray.ones(3), NDArray.zeros(3), mean, NDArray.ones(3));
                } finally {
                    OpContext.setTraining(was);
                }
                OpDef bn = OpRegistry.global().get("BatchNorm");
                boolean moved = mean.toDoubleArray()[0] != 0;
                assertThat(bn.hasSideEffects(bn.attrs(attrs), training)).as("training %s, global %s", training, global)
                        .isEqualTo(moved);
                assertThat(bn.isRandom(bn.attrs(attrs), training)).isFalse();
            }
        }
    }

    @Test
    void randomOpsHaveSideEffectsOnTheGenerator() {
        OpDef uniform = OpRegistry.global().get("_random_uniform");

        assertThat(uniform.hasSideEffects(uniform.defaultAttrs(), false)).isTrue();
        assertThat(OpRegistry.global().get("exp").hasSideEffects(OpRegistry.global().get("exp").defaultAttrs(), true))
                .isFalse();
    }
}
