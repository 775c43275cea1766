package dev.kiln.bench;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.Identity;
import dev.kiln.compiler.Backends;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What one call of a hybridized block costs beyond the eager call (issue #7: an identity block called 100,000 times
 * hybridized must not be slower than eager). Gluon's {@code Identity} and a one-layer {@code Dense(4)} on a (1, 8)
 * input, each called through {@code block.call(x)} eagerly and hybridized, in nanoseconds per call; the
 * {@code ...Loop} variants call the block 100,000 times per operation, as the issue states it, and also report
 * nanoseconds per call. The MLP of issue #8 (784-256-128-10, relu, batch 8) runs eagerly, hybridized with the default
 * options, with static allocation, and on the node-by-node {@code interpreter-opt} backend. {@link BenchMain} prints
 * hybridized / eager for each pair.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HybridCallOverheadBench {
    /** Calls per operation of the loop variants. */
    static final int CALLS = 100_000;

    @Param({"1"})
    public int threads;

    private NDArray x;
    private HybridBlock identityEager;
    private HybridBlock identityHybrid;
    private HybridBlock denseEager;
    private HybridBlock denseHybrid;
    private HybridBlock denseNodeByNodeHybrid;
    private NDArray mlpInput;
    private HybridBlock mlpEager;
    private HybridBlock mlpHybrid;
    private HybridBlock mlpStaticHybrid;
    private HybridBlock mlpNodeByNodeHybrid;

    @Setup(Level.Trial)
    public void setUp() {
        KilnThreads.use(threads);
        x = NDArray.wrap(Shape.of(1, 8), GemmSquareBench.random(new Random(11), 8));
        identityEager = new Identity();
        identityHybrid = new Identity();
        identityHybrid.hybridize();
        denseEager = dense();
        denseHybrid = dense();
        denseHybrid.hybridize();
        denseNodeByNodeHybrid = dense();
        denseNodeByNodeHybrid.hybridize(HybridizeOptions.builder().backend(Backends.INTERPRETER_OPT).build());
        denseNodeByNodeHybrid.call(x);
        // first calls: trace and compile (hybridized), complete nothing (shapes are given); outside the timing
        for (HybridBlock b : new HybridBlock[] {identityEager, identityHybrid, denseEager, denseHybrid}) {
            b.call(x);
        }
        mlpInput = NDArray.wrap(Shape.of(8, 784), GemmSquareBench.random(new Random(12), 8 * 784));
        mlpEager = mlp();
        mlpHybrid = mlp();
        mlpHybrid.hybridize();
        mlpStaticHybrid = mlp();
        mlpStaticHybrid.hybridize(HybridizeOptions.builder().staticAlloc(true).staticShape(true).build());
        mlpNodeByNodeHybrid = mlp();
        mlpNodeByNodeHybrid.hybridize(HybridizeOptions.builder().backend(Backends.INTERPRETER_OPT).build());
        for (HybridBlock b : new HybridBlock[] {mlpEager, mlpHybrid, mlpStaticHybrid, mlpNodeByNodeHybrid}) {
            b.call(mlpInput);
        }
    }

    /** The small MLP: Dense(256, relu), Dense(128, relu), Dense(10) on 784 features. */
    private static HybridBlock mlp() {
        HybridSequential net = new HybridSequential();
        net.add(Dense.builder(256).activation("relu").inUnits(784).build(),
                Dense.builder(128).activation("relu").inUnits(256).build(), Dense.builder(10).inUnits(128).build());
        net.initialize();
        return net;
    }

    /** The MLP (batch 8) called eagerly. */
    @Benchmark
    public NDArray mlpEager() {
        return mlpEager.call(mlpInput);
    }

    /** The MLP hybridized with the default options (the jit backend, a new arena per call). */
    @Benchmark
    public NDArray mlpHybridized() {
        return mlpHybrid.call(mlpInput);
    }

    /** The MLP hybridized with static allocation and static shapes (arenas reused across calls). */
    @Benchmark
    public NDArray mlpStaticAllocHybridized() {
        return mlpStaticHybrid.call(mlpInput);
    }

    /** The MLP hybridized on {@code interpreter-opt}: the same passes, run node by node as the jit used to. */
    @Benchmark
    public NDArray mlpNodeByNodeHybridized() {
        return mlpNodeByNodeHybrid.call(mlpInput);
    }

    private static HybridBlock dense() {
        Dense d = Dense.builder(4).inUnits(8).build();
        d.initialize();
        return d;
    }

    @Benchmark
    public NDArray identityEager() {
        return identityEager.call(x);
    }

    @Benchmark
    public NDArray identityHybridized() {
        return identityHybrid.call(x);
    }

    @Benchmark
    public NDArray denseEager() {
        return denseEager.call(x);
    }

    @Benchmark
    public NDArray denseHybridized() {
        return denseHybrid.call(x);
    }

    /** The Dense hybridized on {@code interpreter-opt}, node by node as the jit ran before its generated executor. */
    @Benchmark
    public NDArray denseNodeByNodeHybridized() {
        return denseNodeByNodeHybrid.call(x);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void identityEagerLoop(Blackhole bh) {
        loop(identityEager, bh);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void identityHybridizedLoop(Blackhole bh) {
        loop(identityHybrid, bh);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void denseEagerLoop(Blackhole bh) {
        loop(denseEager, bh);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void denseHybridizedLoop(Blackhole bh) {
        loop(denseHybrid, bh);
    }

    private void loop(HybridBlock block, Blackhole bh) {
        for (int i = 0; i < CALLS; i++) {
            bh.consume(block.call(x));
        }
    }
}
