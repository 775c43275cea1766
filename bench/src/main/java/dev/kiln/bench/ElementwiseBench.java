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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Memory-bound ops in GB/s: {@code add} (reads two arrays, writes one) and {@code relu} (reads one, writes one),
 * called by name, next to a plain float[] copy loop as the bandwidth yardstick. 1M floats (4 MB) stay in cache;
 * 16M floats (64 MB) go to DRAM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ElementwiseBench {
    @Param({"1048576", "16777216"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    private NDArray x;
    private NDArray y;
    private float[] src;
    private float[] dst;

    /** Bytes each benchmark method moves per operation. */
    static double bytes(String method, int size) {
        return switch (method) {
            case "add" -> 12.0 * size;
            default -> 8.0 * size;
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        KilnThreads.use(threads);
        Random rnd = new Random(4);
        src = GemmSquareBench.random(rnd, size);
        dst = new float[size];
        x = NDArray.wrap(Shape.of(size), src.clone());
        y = NDArray.wrap(Shape.of(size), GemmSquareBench.random(rnd, size));
    }

    @Benchmark
    public NDArray add() {
        return Ops.call("add", x, y);
    }

    @Benchmark
    public NDArray relu() {
        return Ops.call("relu", x);
    }

    /** A single-threaded copy loop: the yardstick for what one core can stream. */
    @Benchmark
    public float[] copyLoop() {
        float[] s = src;
        float[] d = dst;
        for (int i = 0; i < s.length; i++) {
            d[i] = s[i];
        }
        return d;
    }
}
