package dev.kiln.bench;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What autograd's tape costs: a chain of 1000 small elementwise ops (16 floats, so the op work is tiny and the
 * bookkeeping shows) and one step of an MNIST-sized MLP (batch 64, 784-128-10, relu, softmax cross-entropy), each run
 * plain, recorded, and recorded with backward. The ratio recorded/plain is the recording overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AutogradBench {
    /** Length of the elementwise chain. */
    static final int CHAIN = 1000;

    @Param({"1"})
    public int threads;

    private OpDef mulScalar;
    private Attrs mulAttrs;
    private OpDef tanh;
    private Attrs noAttrs;
    private NDArray small;
    private NDArray smallVar;

    private NDArray data;
    private NDArray label;
    private NDArray w1;
    private NDArray b1;
    private NDArray w2;
    private NDArray b2;

    @Setup(Level.Trial)
    public void setUp() {
        KilnThreads.use(threads);
        OpRegistry reg = OpRegistry.global();
        mulScalar = reg.get("_mul_scalar");
        mulAttrs = mulScalar.attrs(Map.of("scalar", 1.0001));
        tanh = reg.get("tanh");
        noAttrs = tanh.defaultAttrs();
        Random rnd = new Random(7);
        small = NDArray.wrap(Shape.of(16), GemmSquareBench.random(rnd, 16));
        smallVar = small.copy().attachGrad();
        data = NDArray.wrap(Shape.of(64, 784), GemmSquareBench.random(rnd, 64 * 784));
        float[] labels = new float[64];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rnd.nextInt(10);
        }
        label = NDArray.wrap(Shape.of(64), labels);
        w1 = NDArray.wrap(Shape.of(128, 784), scaled(GemmSquareBench.random(rnd, 128 * 784), 0.05f)).attachGrad();
        b1 = NDArray.zeros(128).attachGrad();
        w2 = NDArray.wrap(Shape.of(10, 128), scaled(GemmSquareBench.random(rnd, 10 * 128), 0.1f)).attachGrad();
        b2 = NDArray.zeros(10).attachGrad();
    }

    private static float[] scaled(float[] a, float s) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= s;
        }
        return a;
    }

    private NDArray chain(NDArray x) {
        NDArray y = x;
        for (int i = 0; i < CHAIN; i += 2) {
            y = Ops.invoke(mulScalar, mulAttrs, List.of(y)).get(0);
            y = Ops.invoke(tanh, noAttrs, List.of(y)).get(0);
        }
        return y;
    }

    @Benchmark
    public NDArray chainPlain() {
        return chain(small);
    }

    @Benchmark
    public NDArray chainRecorded() {
        try (var rec = Autograd.record()) {
            return chain(smallVar);
        }
    }

    @Benchmark
    public NDArray chainRecordedBackward() {
        NDArray y;
        try (var rec = Autograd.record()) {
            y = chain(smallVar);
        }
        y.backward();
        return smallVar.grad();
    }

    private NDArray mlp() {
        NDArray h = Ops.call("FullyConnected", Map.of("num_hidden", 128), data, w1, b1);
        h = Ops.call("relu", h);
        NDArray logits = Ops.call("FullyConnected", Map.of("num_hidden", 10), h, w2, b2);
        return Ops.call("softmax_cross_entropy", logits, label);
    }

    @Benchmark
    public NDArray mlpForwardPlain() {
        return mlp();
    }

    @Benchmark
    public NDArray mlpForwardRecorded() {
        try (var rec = Autograd.record()) {
            return mlp();
        }
    }

    @Benchmark
    public NDArray mlpStep() {
        NDArray loss;
        try (var rec = Autograd.record()) {
            loss = mlp();
        }
        loss.backward();
        return w1.grad();
    }
}
