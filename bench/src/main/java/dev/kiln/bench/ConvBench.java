package dev.kiln.bench;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
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

import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The {@code Convolution} op on ResNet-style 3x3, stride 1, pad 1 layers, written {@code NxCxHxW->K}. The op is
 * called by name, so this compiles without it and fails only when run on a build where it is not registered.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConvBench {
    @Param({"8x64x56x56->64", "8x128x28x28->128", "8x256x14x14->256", "8x512x7x7->512"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    private NDArray data;
    private NDArray weight;
    private Map<String, Object> attrs;

    /** 2 * N * K * C * 9 * H * W flops for a layer parameter. */
    static double flops(String layer) {
        int[] d = dims(layer);
        return 2.0 * d[0] * d[4] * d[1] * 9 * d[2] * d[3];
    }

    private static int[] dims(String layer) {
        String[] io = layer.split("->");
        String[] nchw = io[0].split("x");
        return new int[] {Integer.parseInt(nchw[0]), Integer.parseInt(nchw[1]), Integer.parseInt(nchw[2]),
                Integer.parseInt(nchw[3]), Integer.parseInt(io[1])};
    }

    @Setup(Level.Trial)
    public void setUp() {
        KilnThreads.use(threads);
        int[] d = dims(layer);
        Random rnd = new Random(3);
        data = NDArray.wrap(Shape.of(d[0], d[1], d[2], d[3]), GemmSquareBench.random(rnd, d[0] * d[1] * d[2] * d[3]));
        weight = NDArray.wrap(Shape.of(d[4], d[1], 3, 3), GemmSquareBench.random(rnd, d[4] * d[1] * 9));
        attrs = Ops.attrs("kernel", "(3, 3)", "pad", "(1, 1)", "num_filter", d[4], "no_bias", true);
    }

    @Benchmark
    public NDArray convolution() {
        return Ops.call("Convolution", attrs, data, weight);
    }
}
