package dev.kiln.trainer;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.init.Constant;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.optimizer.Optimizer;
import dev.kiln.optimizer.OptimizerOptions;
import dev.kiln.optimizer.OptimizerState;
import dev.kiln.optimizer.schedule.FactorScheduler;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.kiln.trainer.TrainerFixtures.backward;
import static dev.kiln.trainer.TrainerFixtures.param;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainerStatesTest {
    @TempDir
    Path dir;

    private static Trainer momentumTrainer(List<Parameter> params) {
        return new Trainer(params, TestSgd.of(Map.of("learning_rate", 0.1, "momentum", 0.9, "wd", 0.01,
                "lr_scheduler", new FactorScheduler(2, 0.5))));
    }

    private static List<Parameter> freshParams() {
        return List.of(param("a", 1f, -2f, 0.5f), param("b", 3f));
    }

    /** Step {@code k}'s gradient inputs, different every step. */
    private static void train(Trainer t, List<Parameter> params, int from, int to) {
        for (int k = from; k < to; k++) {
            backward(params.get(0), 0.3f * k, -1f + k, 2f / (k + 1));
            backward(params.get(1), (float) Math.sin(k));
            t.step(3);
        }
    }

    private static List<Parameter> copies(List<Parameter> params) {
        return params.stream().map(p -> param(p.name(), p.data().toFloatArray())).toList();
    }

    @Test
    void resumingFromSavedStatesContinuesExactlyAsAnUninterruptedRun() {
        List<Parameter> straight = freshParams();
        Trainer s = momentumTrainer(straight);
        train(s, straight, 0, 7);

        List<Parameter> first = freshParams();
        Trainer f = momentumTrainer(first);
        train(f, first, 0, 4);
        Path file = dir.resolve("trainer.states");
        f.saveStates(file);

        List<Parameter> resumed = copies(first);
        Trainer r = momentumTrainer(resumed);
        r.loadStates(file);
        assertThat(r.optimizer().numUpdate()).isEqualTo(4);
        train(r, resumed, 4, 7);

        for (int i = 0; i < straight.size(); i++) {
            assertThat(resumed.get(i).data().toFloatArray()).containsExactly(straight.get(i).data().toFloatArray());
        }
        Path a = dir.resolve("straight.states");
        Path b = dir.resolve("resumed.states");
        s.saveStates(a);
        r.saveStates(b);
        Map<String, NDArray> sa = NDArrayFile.loadDict(a);
        Map<String, NDArray> sb = NDArrayFile.loadDict(b);
        assertThat(sb.keySet()).containsExactlyElementsOf(sa.keySet()).contains("a/momentum", "b/momentum");
        for (String key : sa.keySet()) {
            assertThat(sb.get(key).toDoubleArray()).as(key).containsExactly(sa.get(key).toDoubleArray());
        }
        assertThat(r.learningRate()).isEqualTo(s.learningRate());
    }

    @Test
    void theHeaderRecordsFormatOptimizerCountsAndParameters() throws IOException {
        List<Parameter> params = freshParams();
        Trainer t = new Trainer(params, TestSgd.of(Map.of("learning_rate", 0.25, "momentum", 0.5)));
        backward(params.get(0), 1f, 1f, 1f);
        t.step(1, true);
        Path file = dir.resolve("t.states");
        t.saveStates(file);
        assertThat(header(file)).isEqualTo("""
                format=kiln-trainer-states
                version=1
                optimizer=test_sgd
                learning_rate=0.25
                num_update=1
                parameters=2
                parameter.0.name=a
                parameter.0.shape=3
                parameter.0.update_count=1
                parameter.0.state=momentum
                parameter.1.name=b
                parameter.1.shape=1
                """);
        assertThat(NDArrayFile.load(file).keys()).containsExactly(TrainerStates.HEADER_KEY, "a/momentum");
    }

    /** An optimizer with optimizer-wide scalar state: the rate shrinks by half with every update of any weight. */
    private static final class HalvingSgd extends Optimizer {
        private double factor = 1;

        HalvingSgd() {
            super("halving_sgd", OptimizerOptions.of(Map.of("learning_rate", 1.0)), 0.01);
        }

        @Override
        public OptimizerState createState(int index, NDArray weight) {
            return OptimizerState.EMPTY;
        }

        @Override
        protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
            factor *= 0.5;
            weight.subInPlace(grad.copy().mulInPlace(lr * factor * rescaleGrad()));
        }

        @Override
        public Map<String, Double> scalarState() {
            return Map.of("factor", factor);
        }

        @Override
        public void restoreScalarState(Map<String, Double> state) {
            factor = state.get("factor");
        }
    }

    @Test
    void scalarStateIsSavedAndRestored() {
        List<Parameter> straight = freshParams();
        Trainer s = new Trainer(straight, new HalvingSgd());
        train(s, straight, 0, 3);
        List<Parameter> first = freshParams();
        Trainer f = new Trainer(first, new HalvingSgd());
        train(f, first, 0, 2);
        Path file = dir.resolve("scalar.states");
        f.saveStates(file);
        assertThat(header(file)).contains("\nscalar.factor=0.0625\n");
        List<Parameter> resumed = copies(first);
        Trainer r = new Trainer(resumed, new HalvingSgd());
        r.loadStates(file);
        train(r, resumed, 2, 3);
        for (int i = 0; i < straight.size(); i++) {
            assertThat(resumed.get(i).data().toFloatArray()).containsExactly(straight.get(i).data().toFloatArray());
        }
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(saved(true), h -> h + "scalar.factor=1.0\n",
                m -> m))).hasMessageContaining("keeps no scalar state");
    }

    @Test
    void loadingRestoresTheLearningRateSetBeforeSaving() {
        List<Parameter> params = freshParams();
        Trainer t = new Trainer(params, TestSgd.of(Map.of("learning_rate", 0.25)));
        t.setLearningRate(0.125);
        Path file = dir.resolve("lr.states");
        t.saveStates(file);
        Trainer other = new Trainer(copies(params), TestSgd.of(Map.of("learning_rate", 1.0)));
        other.loadStates(file);
        assertThat(other.learningRate()).isEqualTo(0.125);
    }

    @Test
    void stateForADeferredParameterWaitsUntilItsFirstUpdate() {
        Parameter w = param("w", 1f);
        Trainer t = new Trainer(List.of(w), TestSgd.of(Map.of("learning_rate", 1.0, "momentum", 0.5)));
        backward(w, 1f);
        t.step(1);
        Path file = dir.resolve("deferred.states");
        t.saveStates(file);

        Parameter lazy = new Parameter("w", ParameterSpec.of().shape(0).allowDeferredInit(true));
        lazy.initialize(new Constant(0));
        Trainer r = new Trainer(List.of(lazy), TestSgd.of(Map.of("learning_rate", 1.0, "momentum", 0.5)));
        r.loadStates(file);
        Path again = dir.resolve("again.states");
        r.saveStates(again);
        assertThat(NDArrayFile.loadDict(again).get("w/momentum").toFloatArray()).containsExactly(-1f);

        lazy.setShape(Shape.of(1));
        lazy.finishDeferredInit();
        backward(lazy, 1f);
        r.step(1);
        assertThat(lazy.data().toFloatArray()).containsExactly(-1.5f);
    }

    private Path saved(boolean momentum) {
        List<Parameter> params = freshParams();
        Trainer t = new Trainer(params, TestSgd.of(momentum ? Map.of("momentum", 0.5) : Map.of()));
        backward(params.get(0), 1f, 1f, 1f);
        backward(params.get(1), 1f);
        t.step(1);
        Path file = dir.resolve("saved-" + momentum + ".states");
        t.saveStates(file);
        return file;
    }

    private static String header(Path file) {
        NDArray h = NDArrayFile.loadDict(file).get(TrainerStates.HEADER_KEY);
        byte[] bytes = new byte[h.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) h.getDouble(i);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Rewrites the file with its header text changed by {@code edit} and its arrays by {@code arrays}. */
    private static Path tampered(Path file, UnaryOperator<String> edit, UnaryOperator<Map<String, NDArray>> arrays) {
        Map<String, NDArray> m = new LinkedHashMap<>(NDArrayFile.loadDict(file));
        byte[] text = edit.apply(header(file)).getBytes(StandardCharsets.UTF_8);
        double[] values = new double[text.length];
        for (int i = 0; i < text.length; i++) {
            values[i] = text[i] & 0xff;
        }
        m.put(TrainerStates.HEADER_KEY, NDArray.of(Shape.of(text.length), DType.UINT8, values));
        Path out = file.resolveSibling("tampered-" + file.getFileName());
        NDArrayFile.save(out, arrays.apply(m));
        return out;
    }

    private static Trainer momentumSgd() {
        return new Trainer(freshParams(), TestSgd.of(Map.of("momentum", 0.5)));
    }

    @Test
    void aFileFromAnotherOptimizerOrParameterSetIsRejected() {
        Path file = saved(true);
        Trainer other = new Trainer(freshParams(), new TestSgd("other_sgd", OptimizerOptions.of(Map.of())));
        assertThatThrownBy(() -> other.loadStates(file)).isInstanceOf(KilnException.class)
                .hasMessageContaining("optimizer 'test_sgd'").hasMessageContaining("'other_sgd'");
        Trainer renamed = new Trainer(List.of(param("a", 1f, 1f, 1f), param("c", 1f)),
                TestSgd.of(Map.of("momentum", 0.5)));
        assertThatThrownBy(() -> renamed.loadStates(file)).hasMessageContaining("parameter 1 is 'b' in the file but 'c'");
        Trainer fewer = new Trainer(List.of(param("a", 1f, 1f, 1f)), TestSgd.of(Map.of("momentum", 0.5)));
        assertThatThrownBy(() -> fewer.loadStates(file)).hasMessageContaining("2 parameters, but this trainer has 1");
        Trainer reshaped = new Trainer(List.of(param("a", 1f, 1f), param("b", 1f)), TestSgd.of(Map.of()));
        assertThatThrownBy(() -> reshaped.loadStates(file)).hasMessageContaining("'a' has shape (3,) in the file")
                .hasMessageContaining("(2,)");
        Trainer plain = new Trainer(freshParams(), TestSgd.of(Map.of()));
        assertThatThrownBy(() -> plain.loadStates(file)).hasMessageContaining("holds [momentum]")
                .hasMessageContaining("keeps []");
    }

    @Test
    void aFailedLoadLeavesTheTrainerAsItWas() {
        Path file = saved(true);
        List<Parameter> params = freshParams();
        Trainer t = new Trainer(params, TestSgd.of(Map.of("learning_rate", 0.5)));
        backward(params.get(0), 1f, 1f, 1f);
        backward(params.get(1), 1f);
        t.step(1);
        assertThatThrownBy(() -> t.loadStates(file)).isExactlyInstanceOf(KilnException.class)
                .hasMessageContaining("holds [momentum]");
        assertThat(t.optimizer().numUpdate()).isEqualTo(1);
        assertThat(t.learningRate()).isEqualTo(0.5);
    }

    @Test
    void damagedOrForeignFilesAreClearErrors() throws IOException {
        Path file = saved(true);
        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("truncated.states");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> momentumSgd().loadStates(truncated)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("truncated.states");

        Path params = dir.resolve("model.params");
        NDArrayFile.save(params, Map.of("arg:w", NDArray.ones(2)));
        assertThatThrownBy(() -> momentumSgd().loadStates(params)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("not a Kiln trainer-state file");

        assertThatThrownBy(() -> momentumSgd().loadStates(dir.resolve("missing.states")))
                .isExactlyInstanceOf(KilnException.class).hasMessageContaining("no such file");
    }

    @Test
    void tamperedHeadersAreClearErrors() {
        Path file = saved(true);
        UnaryOperator<Map<String, NDArray>> same = m -> m;
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h.replace("version=1", "version=2"), same)))
                .hasMessageContaining("version 2 is not supported");
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h.replace("num_update=1",
                "num_update=lots"), same))).hasMessageContaining("'num_update' must be a whole number");
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h.replace("parameters=2",
                "parameters=99999999999"), same))).hasMessageContaining("outside");
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h + "garbage\n", same)))
                .hasMessageContaining("is not key=value");
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h + "surprise=1\n", same)))
                .hasMessageContaining("unknown key(s) [surprise]");
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h + "version=1\n", same)))
                .hasMessageContaining("'version' appears twice");
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h.replace("format=kiln-trainer-states\n",
                ""), same))).hasMessageContaining("has no 'format'");
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h, m -> {
            m.remove("b/momentum");
            return m;
        }))).hasMessageContaining("its array 'b/momentum' is missing");
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h, m -> {
            m.put("c/extra", NDArray.ones(1));
            return m;
        }))).hasMessageContaining("[c/extra] belong to no parameter");
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h, m -> {
            m.put("a/momentum", NDArray.ones(4));
            return m;
        }))).hasMessageContaining("'momentum' of parameter 'a' is float32 (4,)");
        assertThatThrownBy(() -> momentumSgd().loadStates(tampered(file, h -> h, m -> {
            m.put(TrainerStates.HEADER_KEY, NDArray.ones(3));
            return m;
        }))).hasMessageContaining("must be a 1-d uint8 array");
    }
}
