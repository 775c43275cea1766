package dev.kiln.readme;

import dev.kiln.io.Npy;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.creation.NDArrays;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.init.Xavier;
import dev.kiln.parameter.DeferredInitialization;
import dev.kiln.parameter.LoadOptions;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterDict;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.symbol.Symbol;
import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridSequential;
import dev.kiln.nn.Dense;
import dev.kiln.data.ArrayDataset;
import dev.kiln.data.DataLoader;
import dev.kiln.loss.SoftmaxCrossEntropyLoss;
import dev.kiln.metric.Accuracy;
import dev.kiln.trainer.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.kiln.op.surface.ND.nd;
import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The README's examples, kept compiling and correct. */
class ReadmeExamplesTest {

    @Test
    void firstExampleComputesADenseLayer() {
        NDArray x = NDArray.from(new float[][] {{1, 2, 3}, {4, 5, 6}});
        NDArray w = NDArray.ones(4, 3);
        NDArray b = NDArray.zeros(4);
        NDArray y = nd.fullyConnected(x, w, b, 4);
        assertThat(y).hasShape(2, 4).isCloseTo(new double[] {6, 6, 6, 6, 15, 15, 15, 15}, 0, 0);
        assertThat(y.toString()).isEqualTo("\n[[ 6.  6.  6.  6.]\n [15. 15. 15. 15.]]\n<NDArray 2x4 @cpu(0)>");
    }

    @Test
    void tourRunsAsWritten(@TempDir Path dir) {
        Random.seed(42);
        NDArray a = Random.uniform(-1, 1, 2, 3);
        NDArray b = NDArrays.arange(0, 6, 1).reshape(2, 3);
        NDArray c = nd.broadcastAdd(nd.relu(a), b);
        NDArray s = nd.sum(c, Map.of("axis", 1, "keepdims", true));
        NDArray h = c.astype(DType.FLOAT16);
        NDArray r = NDArray.from(new int[][] {{1, 2}, {3, 4}});
        Npy.write(dir.resolve("c.npy"), c);
        NDArray before = c.copy();
        c.addInPlace(b);

        assertThat(s).hasShape(2, 1);
        assertThat(h).hasDType(DType.FLOAT16);
        assertThat(r).hasDType(DType.INT32);
        assertThat(Npy.read(dir.resolve("c.npy"))).isEqualTo(before);
        double[] expected = before.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            expected[i] += i;
        }
        assertThat(c).isCloseTo(expected, 1e-6, 0);
        Random.seed(42);
        assertThat(Random.uniform(-1, 1, 2, 3)).isEqualTo(a);
    }

    @Test
    void gradientExampleComputesTheWeightGradient() {
        NDArray w = NDArray.from(new float[][] {{0.5f, -1f}, {2f, 0f}}).attachGrad();
        NDArray x = NDArray.from(new float[][] {{1f, 2f}});
        NDArray loss;
        try (var rec = dev.kiln.autograd.Autograd.record()) {
            NDArray y = nd.dot(x, w);
            loss = nd.sum(nd.square(y));
        }
        loss.backward();
        // y = x w = (4.5, -1); dloss/dw = x^T * 2y
        assertThat(w.grad()).isCloseTo(new double[] {9, -2, 18, -4}, 1e-6, 0);
    }

    @Test
    void symbolExampleInfersWeightsAndSavesMXNetJson(@TempDir Path dir) {
        Symbol data = Symbol.var("data");
        Symbol fc1 = sym.fullyConnected(data, null, null, 128, Map.of("name", "fc1"));
        Symbol act = sym.activation(fc1, "relu", Map.of("name", "relu1"));
        Symbol net = sym.fullyConnected(act, null, null, 10, Map.of("name", "fc2"));
        assertThat(net.listArguments()).containsExactly("data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias");
        var shapes = net.inferShape(Map.of("data", Shape.of(32, 784)));
        assertThat(shapes.arguments()).containsExactly(Shape.of(32, 784), Shape.of(128, 784), Shape.of(128),
                Shape.of(10, 128), Shape.of(10));
        assertThat(shapes.outputs()).containsExactly(Shape.of(32, 10));
        assertThat(net.summary(Map.of("data", Shape.of(32, 784)))).contains("Total params: 101770");
        net.save(dir.resolve("mlp-symbol.json"));
        assertThat(Symbol.load(dir.resolve("mlp-symbol.json")).graph()).isEqualTo(net.graph());
    }

    @Test
    void parametersExampleDefersThenMaterialisesAndRoundTripsAFile(@TempDir Path dir) {
        ParameterDict params = new ParameterDict("dense0_");
        Parameter w = params.get("weight", ParameterSpec.of().shape(10, 0).allowDeferredInit(true));
        Parameter b = params.get("bias", ParameterSpec.of().shape(10).init("zeros"));
        params.initialize(new Xavier());
        assertThat(w.isDeferred()).isTrue();
        Symbol out = sym.fullyConnected(Symbol.var("data"), w.var(), b.var(), 10);
        DeferredInitialization.complete("dense0", out, Map.of("data", Shape.of(32, 784)), params.values());
        assertThat(w.data()).hasShape(10, 784);
        params.save(dir.resolve("dense.params"));
        NDArray saved = w.data().copy();
        w.data().fill(0);
        params.load(dir.resolve("dense.params"), LoadOptions.defaults().allowMissing(true));
        assertThat(w.data()).isEqualTo(saved);
        assertThat(b.data().toDoubleArray()).containsOnly(0);
    }

    @Test
    void trainingLoopLearnsThreeBlobs() {
        Random.seed(7);
        java.util.Random r = new java.util.Random(7);
        int n = 90;
        float[] xs = new float[n * 2];
        float[] ys = new float[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            double angle = 2 * Math.PI * c / 3;
            xs[2 * i] = (float) (2 * Math.cos(angle) + 0.4 * r.nextGaussian());
            xs[2 * i + 1] = (float) (2 * Math.sin(angle) + 0.4 * r.nextGaussian());
            ys[i] = c;
        }
        NDArray features = NDArray.of(Shape.of(n, 2), xs);
        NDArray labels = NDArray.of(Shape.of(n), ys);

        HybridSequential net = new HybridSequential();
        net.add(new Dense(16, "relu"), new Dense(3));
        net.initialize(new Xavier());
        net.hybridize();

        DataLoader train = DataLoader.builder(new ArrayDataset(features, labels))
                .batchSize(10).shuffle(true).seed(1).build();
        SoftmaxCrossEntropyLoss lossFn = new SoftmaxCrossEntropyLoss();
        Trainer trainer = new Trainer(net.collectParams(), "adam", Map.of("learning_rate", 0.01));
        Accuracy accuracy = new Accuracy();

        for (int epoch = 0; epoch < 20; epoch++) {
            accuracy.reset();
            for (List<NDArray> batch : train) {
                NDArray x = batch.get(0), y = batch.get(1);
                NDArray out, loss;
                try (var rec = Autograd.record()) {
                    out = net.call(x);
                    loss = lossFn.forward(out, y);
                }
                loss.backward();
                trainer.step(x.shape().get(0));
                accuracy.update(y, out);
            }
        }
        assertThat(accuracy.get().value()).isGreaterThan(0.95);
        assertThat(net.compiledGraphs()).isNotEmpty();
    }
}
