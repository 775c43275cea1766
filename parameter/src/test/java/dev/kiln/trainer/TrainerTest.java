package dev.kiln.trainer;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.optimizer.schedule.FactorScheduler;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterDict;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.init.Constant;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.trainer.TrainerFixtures.CPU1;
import static dev.kiln.trainer.TrainerFixtures.backward;
import static dev.kiln.trainer.TrainerFixtures.param;
import static dev.kiln.trainer.TrainerFixtures.sgd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainerTest {

    static {
        TestSgd.register();
    }

    @Test
    void stepAppliesTheRuleToGradientsRescaledByTheBatchSize() {
        Parameter w = param("w", 1f, 2f, 3f);
        Trainer t = new Trainer(List.of(w), TestSgd.of(Map.of("learning_rate", 0.1, "wd", 0.01)));
        float[] x = {0.5f, -1f, 2f};
        backward(w, x);
        t.step(2);
        assertThat(w.data().toFloatArray()).containsExactly(sgd(new float[] {1, 2, 3}, x, 0.1, 0.01, 2));
        assertThat(t.optimizer().rescaleGrad()).isEqualTo(0.5);
        assertThat(t.optimizer().updateCount(0)).isEqualTo(1);
    }

    @Test
    void lrMultAndWdMultScaleEachParametersOwnRateAndDecay() {
        Parameter a = param("a", ParameterSpec.of().lrMult(2), List.of(Device.cpu()), 1f, -1f);
        Parameter b = param("b", ParameterSpec.of().wdMult(0), List.of(Device.cpu()), 4f, 5f);
        Trainer t = new Trainer(List.of(a, b), TestSgd.of(Map.of("learning_rate", 0.1, "wd", 0.5)));
        backward(a, 1f, 1f);
        backward(b, 2f, 2f);
        t.step(1);
        assertThat(a.data().toFloatArray()).containsExactly(sgd(new float[] {1, -1}, new float[] {1, 1}, 0.2, 0.5, 1));
        assertThat(b.data().toFloatArray()).containsExactly(sgd(new float[] {4, 5}, new float[] {2, 2}, 0.1, 0, 1));
    }

    @Test
    void multipliersChangedAfterConstructionTakeEffect() {
        Parameter a = param("a", 1f);
        Trainer t = new Trainer(List.of(a), TestSgd.of(Map.of("learning_rate", 1.0)));
        a.setLrMult(0.5);
        backward(a, 2f);
        t.step(1);
        assertThat(a.data().toFloatArray()).containsExactly(0f);
    }

    @Test
    void parametersWithNullGradReqAreSkippedAndNeverStale() {
        Parameter frozen = param("frozen", ParameterSpec.of().gradReq(GradReq.NULL), List.of(Device.cpu()), 7f);
        Parameter live = param("live", 1f);
        Trainer t = new Trainer(List.of(frozen, live), TestSgd.of(Map.of("learning_rate", 1.0)));
        backward(live, 1f);
        t.step(1);
        assertThat(frozen.data().toFloatArray()).containsExactly(7f);
        assertThat(live.data().toFloatArray()).containsExactly(0f);
    }

    @Test
    void aStaleGradientIsAnErrorNamingTheParameterAndDeviceUnlessIgnoredWhenOnlyItIsSkipped() {
        Parameter used = param("used", 1f);
        Parameter unused = param("unused", 1f);
        Trainer t = new Trainer(List.of(used, unused), TestSgd.of(Map.of("learning_rate", 1.0)));
        backward(used, 1f);
        assertThatThrownBy(() -> t.step(1)).isInstanceOf(KilnException.class)
                .hasMessageContaining("'unused'").hasMessageContaining("cpu(0)")
                .hasMessageContaining("ignoreStaleGrad");
        assertThat(used.data().toFloatArray()).as("nothing updated on error").containsExactly(1f);

        t.step(1, true);
        assertThat(used.data().toFloatArray()).containsExactly(0f);
        assertThat(unused.data().toFloatArray()).containsExactly(1f);
        assertThat(t.optimizer().updateCount(0)).isEqualTo(1);
        assertThat(t.optimizer().updateCount(1)).isZero();
    }

    @Test
    void aGradientIsStaleAgainAfterTheStepThatUsedIt() {
        Parameter w = param("w", 1f);
        Trainer t = new Trainer(List.of(w), TestSgd.of(Map.of("learning_rate", 1.0)));
        backward(w, 1f);
        t.step(1);
        assertThatThrownBy(() -> t.step(1)).hasMessageContaining("has not been updated by backward");
        backward(w, 1f);
        t.step(1);
        assertThat(w.data().toFloatArray()).containsExactly(-1f);
    }

    @Test
    void setLearningRateChangesTheRateOfTheNextStep() {
        Parameter w = param("w", 1f);
        Trainer t = new Trainer(List.of(w), TestSgd.of(Map.of("learning_rate", 1.0)));
        assertThat(t.learningRate()).isEqualTo(1.0);
        t.setLearningRate(0.25);
        assertThat(t.learningRate()).isEqualTo(0.25);
        backward(w, 2f);
        t.step(1);
        assertThat(w.data().toFloatArray()).containsExactly(0.5f);
    }

    @Test
    void aScheduleOwnsTheRateStartingFromTheOptimizersRate() {
        Parameter w = param("w", 0f);
        FactorScheduler schedule = new FactorScheduler(1, 0.5);
        Trainer t = new Trainer(List.of(w), TestSgd.of(Map.of("learning_rate", 2.0, "lr_scheduler", schedule)));
        assertThat(t.learningRate()).isEqualTo(2.0);
        assertThatThrownBy(() -> t.setLearningRate(0.1)).hasMessageContaining("schedule");
        float expected = 0;
        double[] rates = {2.0, 1.0, 0.5};
        for (double rate : rates) {
            backward(w, 1f);
            t.step(1);
            expected = (float) (expected - rate);
        }
        assertThat(w.data().toFloatArray()).containsExactly(expected);
        assertThat(t.learningRate()).isEqualTo(0.5);
    }

    @Test
    void optimizersAreCreatedByNameWithTheirOptions() {
        ParameterDict dict = new ParameterDict("net_");
        dict.get("b", ParameterSpec.of().shape(1));
        dict.get("a", ParameterSpec.of().shape(1));
        dict.initialize(new Constant(1), Device.cpu());
        Trainer t = new Trainer(dict, "TEST_SGD", Map.of("learning_rate", 0.5, "momentum", 0.9));
        assertThat(t.optimizer()).isInstanceOf(TestSgd.class);
        assertThat(t.learningRate()).isEqualTo(0.5);
        assertThat(t.parameters()).extracting(Parameter::name).containsExactly("net_a", "net_b");
        assertThatThrownBy(() -> new Trainer(dict, "no_such_optimizer", Map.of()))
                .hasMessageContaining("unknown optimizer 'no_such_optimizer'").hasMessageContaining("test_sgd");
        assertThatThrownBy(() -> new Trainer(dict, "test_sgd", Map.of("momentun", 0.9)))
                .hasMessageContaining("momentun");
    }

    @Test
    void sharedParametersAreUpdatedOnceAndTheBatchSizeMustBePositive() {
        Parameter w = param("w", 1f);
        Trainer t = new Trainer(List.of(w, w), TestSgd.of(Map.of("learning_rate", 1.0)));
        assertThat(t.parameters()).hasSize(1);
        backward(w, 1f);
        assertThatThrownBy(() -> t.step(0)).hasMessageContaining("batchSize must be at least 1");
        t.step(1);
        assertThat(w.data().toFloatArray()).containsExactly(0f);
    }

    @Test
    void parametersOnDifferentDevicesAreRejected() {
        Parameter a = param("a", 1f);
        Parameter b = param("b", ParameterSpec.of(), List.of(CPU1), 1f);
        assertThatThrownBy(() -> new Trainer(List.of(a, b), TestSgd.of(Map.of())))
                .hasMessageContaining("same devices").hasMessageContaining("'b'").hasMessageContaining("cpu(1)");
        assertThatThrownBy(() -> new Trainer(List.of(new Parameter("raw")), TestSgd.of(Map.of())))
                .hasMessageContaining("'raw' has not been initialized");
    }

    @Test
    void allreduceSumsGradientsOverDevicesAndStepUpdatesEveryCopy() {
        List<Device> devices = List.of(Device.cpu(), CPU1);
        Parameter w = param("w", ParameterSpec.of(), devices, 1f, 2f);
        Trainer t = new Trainer(List.of(w), TestSgd.of(Map.of("learning_rate", 0.1, "momentum", 0.5)));
        backward(w, 0, 1f, 2f);
        backward(w, 1, 3f, -4f);
        t.allreduceGrads();
        for (NDArray g : w.listGrad()) {
            assertThat(g.toFloatArray()).containsExactly(4f, -2f);
        }
        t.update(4);
        float[] expected = sgd(new float[] {1, 2}, new float[] {4, -2}, 0.1, 0, 4);
        for (NDArray d : w.listData()) {
            assertThat(d.toFloatArray()).containsExactly(expected);
        }
        assertThat(w.data(CPU1).device()).isEqualTo(CPU1);
        backward(w, 0, 1f, 1f);
        assertThatThrownBy(() -> t.step(1)).hasMessageContaining("'w' on device cpu(1)");
    }

    @Test
    void deferredParametersAreSkippedOrReportedUntilInitializedThenTrained() {
        Parameter lazy = new Parameter("lazy", ParameterSpec.of().shape(0).allowDeferredInit(true));
        lazy.initialize(new Constant(1));
        Parameter ready = param("ready", 1f);
        Trainer t = new Trainer(List.of(lazy, ready), TestSgd.of(Map.of("learning_rate", 1.0, "momentum", 0.5)));
        backward(ready, 1f);
        assertThatThrownBy(() -> t.step(1)).hasMessageContaining("'lazy'").hasMessageContaining("deferred");
        t.step(1, true);
        assertThat(ready.data().toFloatArray()).containsExactly(0f);
        lazy.setShape(dev.kiln.ndarray.Shape.of(2));
        lazy.finishDeferredInit();
        backward(lazy, 1f, 2f);
        backward(ready, 1f);
        t.step(1);
        assertThat(lazy.data().toFloatArray()).containsExactly(0f, -1f);
    }

    @Test
    void clipGlobalNormScalesEveryArrayByTheJointNorm() {
        NDArray a = NDArray.of(dev.kiln.ndarray.Shape.of(2), 3f, 4f);
        NDArray b = NDArray.of(dev.kiln.ndarray.Shape.of(1), 12f);
        double norm = Trainer.clipGlobalNorm(List.of(a, b), 6.5);
        assertThat(norm).isEqualTo(13.0);
        float scale = (float) (6.5 / (13.0f + 1e-8f));
        assertThat(a.toFloatArray()).containsExactly(3f * scale, 4f * scale);
        assertThat(b.toFloatArray()).containsExactly(12f * scale);
        NDArray c = NDArray.of(dev.kiln.ndarray.Shape.of(2), 3f, 4f);
        assertThat(Trainer.clipGlobalNorm(List.of(c), 20)).isEqualTo(5.0);
        assertThat(c.toFloatArray()).containsExactly(3f, 4f);
    }

    @Test
    void clipGlobalNormOfANonFiniteNormReturnsItAndLeavesNaN() {
        NDArray a = NDArray.of(dev.kiln.ndarray.Shape.of(2), Float.NaN, 1f);
        assertThat(Trainer.clipGlobalNorm(List.of(a), 1.0, false)).isNaN();
        assertThat(a.toFloatArray()[1]).isNaN();
        assertThatThrownBy(() -> Trainer.clipGlobalNorm(List.of(), 1.0)).hasMessageContaining("no arrays");
    }
}
