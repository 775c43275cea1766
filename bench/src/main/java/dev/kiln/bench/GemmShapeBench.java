package dev.kiln.bench;

import dev.kiln.kernel.gemm.Gemm;
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

/**
 * Single-precision GEMM on the shapes networks produce, written {@code MxNxK} with {@code T} marking a transposed
 * operand: FullyConnected layers of an MNIST MLP at batch 64 ({@code data * weight^T}, so B is transposed) and the
 * im2col products of ResNet 3x3 convolutions at batch 1 (weights (K, C*9) times columns (C*9, H*W)).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GemmShapeBench {
    @Param({"64x128x784:NT", "64x10x128:NT", "64x784x128:NN", "64x3136x576:NN", "128x784x1152:NN",
            "256x196x2304:NN", "512x49x4608:NN"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int m;
    private int n;
    private int k;
    private boolean transA;
    private boolean transB;
    private float[] a;
    private float[] b;
    private float[] c;

    /** Multiply-adds times two for a shape parameter. */
    static double flops(String shape) {
        int[] d = dims(shape);
        return 2.0 * d[0] * d[1] * d[2];
    }

    private static int[] dims(String shape) {
        String[] mnk = shape.split(":")[0].split("x");
        return new int[] {Integer.parseInt(mnk[0]), Integer.parseInt(mnk[1]), Integer.parseInt(mnk[2])};
    }

    @Setup(Level.Trial)
    public void setUp() {
        KilnThreads.use(threads);
        int[] d = dims(shape);
        m = d[0];
        n = d[1];
        k = d[2];
        String t = shape.split(":")[1];
        transA = t.charAt(0) == 'T';
        transB = t.charAt(1) == 'T';
        Random rnd = new Random(2);
        a = GemmSquareBench.random(rnd, m * k);
        b = GemmSquareBench.random(rnd, k * n);
        c = new float[m * n];
    }

    @Benchmark
    public float[] sgemm() {
        Gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, c, 0, n);
        return c;
    }
}
