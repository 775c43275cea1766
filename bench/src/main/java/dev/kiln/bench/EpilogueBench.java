package dev.kiln.bench;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.compiler.jit.EpilogueFusion;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.nn.conv.Conv2D;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bias and activation fused into the GEMM or convolution that feeds them (the JIT's epilogue fusion), against the
 * same hybridized model compiled with it off ({@code -Dkiln.compiler.epilogue=false} while compiling): an MLP
 * 784-256-128-10 with relu at batch 8 and 64, and a Conv2D 3x3 32->32 with relu on 28x28 at batch 4. Inference
 * ({@code fused}, {@code unfused}) and, for the MLP, forward plus backward ({@code ...Train}); microseconds per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EpilogueBench {
    @Param({"mlp8", "mlp64", "conv4"})
    public String model;

    @Param({"2"})
    public int threads;

    private NDArray x;
    private HybridBlock fusedBlock;
    private HybridBlock unfusedBlock;

    @Setup(Level.Trial)
    public void setUp() {
        KilnThreads.use(threads);
        Random r = new Random(7);
        Shape shape = switch (model) {
            case "mlp8" -> Shape.of(8, 784);
            case "mlp64" -> Shape.of(64, 784);
            case "conv4" -> Shape.of(4, 32, 28, 28);
            default -> throw new IllegalArgumentException("model " + model);
        };
        x = NDArray.wrap(shape, GemmSquareBench.random(r, shape.size()));
        Supplier<HybridBlock> make = model.startsWith("mlp") ? EpilogueBench::mlp : EpilogueBench::conv;
        String property = EpilogueFusion.ENABLED_PROPERTY;
        System.setProperty(property, "false");
        unfusedBlock = compiled(make.get());
        System.clearProperty(property);
        fusedBlock = compiled(make.get());
        if (!fusedBlock.explain().contains("_kiln_fused") || unfusedBlock.explain().contains("_kiln_fused")) {
            throw new IllegalStateException("the fused model should fuse and the other not:\n"
                    + fusedBlock.explain());
        }
    }

    /** Hybridized, compiled for inference and, for the MLP, training (outside the timing). */
    private HybridBlock compiled(HybridBlock b) {
        b.initialize();
        b.hybridize();
        b.call(x);
        if (model.startsWith("mlp")) {
            train(b);
        }
        return b;
    }

    private static HybridBlock mlp() {
        HybridSequential s = new HybridSequential();
        s.add(Dense.builder(256).activation("relu").inUnits(784).build(),
                Dense.builder(128).activation("relu").inUnits(256).build(), Dense.builder(10).inUnits(128).build());
        return s;
    }

    private static HybridBlock conv() {
        return Conv2D.builder(32, 3).padding(1).activation("relu").inChannels(32).build();
    }

    private NDArray train(HybridBlock b) {
        NDArray y;
        try (var rec = Autograd.record()) {
            y = b.call(x);
        }
        y.backward();
        return y;
    }

    @Benchmark
    public NDArray fused() {
        return fusedBlock.call(x);
    }

    @Benchmark
    public NDArray unfused() {
        return unfusedBlock.call(x);
    }

    @Benchmark
    public NDArray fusedTrain() {
        return model.startsWith("mlp") ? train(fusedBlock) : x;
    }

    @Benchmark
    public NDArray unfusedTrain() {
        return model.startsWith("mlp") ? train(unfusedBlock) : x;
    }
}
