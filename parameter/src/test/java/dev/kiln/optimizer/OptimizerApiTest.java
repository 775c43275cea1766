package dev.kiln.optimizer;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Making optimizers by name and by builder, user registration, multi-precision, and optimizer-level state. */
class OptimizerApiTest {

    @Test
    void createFindsEveryMXNetNameCaseInsensitively() {
        Map<String, Class<?>> expected = Map.ofEntries(Map.entry("sgd", SGD.class), Map.entry("NAG", NAG.class),
                Map.entry("Adam", Adam.class), Map.entry("adamw", AdamW.class), Map.entry("adamax", Adamax.class),
                Map.entry("nadam", Nadam.class), Map.entry("RMSProp", RMSProp.class),
                Map.entry("AdaGrad", AdaGrad.class), Map.entry("adadelta", AdaDelta.class),
                Map.entry("signum", Signum.class), Map.entry("lamb", LAMB.class), Map.entry("ftrl", Ftrl.class));
        expected.forEach((name, cls) -> assertInstanceOf(cls, Optimizer.create(name, Map.of())));
    }

    @Test
    void createTakesMXNetAndCamelCaseOptionNamesWithMXNetDefaults() {
        Optimizer sgd = Optimizer.create("sgd", Map.of("learning_rate", 0.5, "momentum", 0.9, "clipGradient", 2));
        assertEquals(0.5, sgd.learningRate());
        assertEquals(0.9, ((SGD) sgd).momentum());
        assertEquals(2.0, sgd.clipGradient());
        assertEquals(0.001, Optimizer.create("adam").learningRate());
        assertEquals(0.002, Optimizer.create("adamax").learningRate());
        assertEquals(0.1, Optimizer.create("ftrl").learningRate());
        assertEquals(0.01, Optimizer.create("signum").learningRate());
    }

    @Test
    void unknownNameListsTheRegisteredOptimizers() {
        KilnException e = assertThrows(KilnException.class, () -> Optimizer.create("adamm", Map.of()));
        assertTrue(e.getMessage().contains("adamm") && e.getMessage().contains("adam")
                && e.getMessage().contains("sgd"), e.getMessage());
    }

    @Test
    void unknownOptionListsTheOptionsTheOptimizerTakes() {
        KilnException e = assertThrows(KilnException.class,
                () -> Optimizer.create("adam", Map.of("momentum", 0.9)));
        assertTrue(e.getMessage().contains("momentum") && e.getMessage().contains("beta1"), e.getMessage());
        KilnException b = assertThrows(KilnException.class, () -> Optimizer.create("sgd", Map.of("eps", 1)));
        assertTrue(b.getMessage().contains("eps") && b.getMessage().contains("lazy_update"), b.getMessage());
    }

    @Test
    void userRegisteredOptimizerIsCreatedByNameAndCheckedForUnknownOptions() {
        Optimizer.register("HalfStep", HalfStep::new);
        Optimizer o = Optimizer.create("halfstep", Map.of("learning_rate", 0.4));
        NDArray w = NDArray.of(Shape.of(2), 1f, 2f);
        o.update(0, w, NDArray.of(Shape.of(2), 1f, -1f), o.createState(0, w));
        assertArrayEquals(new float[] {0.8f, 2.2f}, w.toFloatArray(), 1e-6f);
        assertTrue(Optimizer.registeredNames().contains("halfstep"));
        assertThrows(KilnException.class, () -> Optimizer.create("halfstep", Map.of("momentum", 1)));
        assertThrows(KilnException.class, () -> Optimizer.register("HALFSTEP", HalfStep::new));
    }

    /** A user optimizer: half the learning rate times the gradient. */
    static final class HalfStep extends Optimizer {
        HalfStep(OptimizerOptions options) {
            super("halfstep", options, 0.1);
        }

        @Override
        public OptimizerState createState(int index, NDArray weight) {
            return OptimizerState.EMPTY;
        }

        @Override
        protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
            weight.subInPlace(grad.copy().mulInPlace(lr / 2));
        }
    }

    @Test
    void builderAndCreateGiveTheSameUpdates() {
        Optimizer a = Adam.builder().learningRate(0.05).beta1(0.8).wd(0.01).clipGradient(0.5).build();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("learning_rate", 0.05);
        options.put("beta1", 0.8);
        options.put("wd", 0.01);
        options.put("clip_gradient", 0.5);
        Optimizer b = Optimizer.create("adam", options);
        float[] wa = run(a, DType.FLOAT32, 3);
        float[] wb = run(b, DType.FLOAT32, 3);
        assertArrayEquals(wa, wb);
    }

    @Test
    void sgdMultiPrecisionUpdatesAFloat32MasterAndCastsIntoTheFloat16Weight() {
        checkMultiPrecision(SGD.builder().learningRate(0.1).momentum(0.9).multiPrecision(true).build(),
                SGD.builder().learningRate(0.1).momentum(0.9).build());
    }

    @Test
    void adamMultiPrecisionUpdatesAFloat32MasterAndCastsIntoTheFloat16Weight() {
        checkMultiPrecision(Adam.builder().learningRate(0.01).wd(0.1).multiPrecision(true).build(),
                Adam.builder().learningRate(0.01).wd(0.1).build());
    }

    private static void checkMultiPrecision(Optimizer mixed, Optimizer single) {
        Random r = new Random(3);
        NDArray w16 = NDArray.of(Shape.of(5), ReferenceRun.uniform(r, 5, 1)).astype(DType.FLOAT16);
        NDArray w32 = w16.astype(DType.FLOAT32);
        OptimizerState s16 = mixed.createStateMultiPrecision(0, w16);
        OptimizerState s32 = single.createStateMultiPrecision(0, w32);
        assertEquals(DType.FLOAT32, s16.get(Optimizer.MASTER_WEIGHT).dtype());
        assertFalse(s32.arrays().containsKey(Optimizer.MASTER_WEIGHT));
        for (int t = 0; t < 4; t++) {
            NDArray g16 = NDArray.of(Shape.of(5), ReferenceRun.uniform(r, 5, 1)).astype(DType.FLOAT16);
            mixed.update(0, w16, g16, s16);
            single.update(0, w32, g16.astype(DType.FLOAT32), s32);
            assertArrayEquals(w32.toFloatArray(), s16.get(Optimizer.MASTER_WEIGHT).toFloatArray());
            assertArrayEquals(w32.astype(DType.FLOAT16).toFloatArray(), w16.toFloatArray());
        }
        assertEquals(DType.FLOAT16, w16.dtype());
    }

    @Test
    void nadamMomentumScheduleRestoresIntoAFreshOptimizer() {
        Nadam straight = Nadam.builder().learningRate(0.01).build();
        float[] expected = run(straight, DType.FLOAT32, 6);

        Nadam first = Nadam.builder().learningRate(0.01).build();
        Random r = new Random(11);
        NDArray w = NDArray.of(Shape.of(4), ReferenceRun.uniform(r, 4, 1));
        OptimizerState s = first.createState(0, w);
        for (int t = 0; t < 3; t++) {
            first.update(0, w, NDArray.of(Shape.of(4), ReferenceRun.uniform(r, 4, 1)), s);
        }
        Map<String, Double> scalars = first.scalarState();
        assertTrue(scalars.get("m_schedule") < 1);
        Nadam resumed = Nadam.builder().learningRate(0.01).build();
        resumed.restoreScalarState(scalars);
        resumed.restoreUpdateCounts(first.updateCounts(), first.numUpdate());
        for (int t = 0; t < 3; t++) {
            resumed.update(0, w, NDArray.of(Shape.of(4), ReferenceRun.uniform(r, 4, 1)), s);
        }
        assertArrayEquals(expected, w.toFloatArray());
        assertEquals(straight.scalarState(), resumed.scalarState());
        assertThrows(KilnException.class, () -> resumed.restoreScalarState(Map.of("beta", 1.0)));
        assertEquals(Map.of(), new SGD().scalarState());
    }

    /** Runs {@code steps} updates of one 4-element parameter with seeded weights and gradients. */
    private static float[] run(Optimizer o, DType dtype, int steps) {
        Random r = new Random(11);
        NDArray w = NDArray.of(Shape.of(4), ReferenceRun.uniform(r, 4, 1)).astype(dtype);
        OptimizerState s = o.createState(0, w);
        for (int t = 0; t < steps; t++) {
            o.update(0, w, NDArray.of(Shape.of(4), ReferenceRun.uniform(r, 4, 1)).astype(dtype), s);
        }
        return w.toFloatArray();
    }
}
