package dev.kiln.bench;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterSpec;
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
 * Issue #8's normalisation-heavy block on a (4, 16, 64) input: LayerNorm, GELU, a per-position scale and bias, and
 * softmax over the last axis, in nanoseconds per call. Eager; hybridized with static shapes on the {@code jit}
 * backend (one fused row kernel); and hybridized on {@code interpreter-opt}, the same graph unfused (which is what
 * the jit ran before broadcast and row fusion: this block has no same-shape elementwise chain).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NormBlockBench {
    @Param({"1", "2"})
    public int threads;

    private NDArray x;
    private NormBlock eager;
    private NormBlock fused;
    private NormBlock unfused;

    /** LayerNorm, GELU, scale, bias and softmax along the last axis of width {@code units}. */
    static final class NormBlock extends HybridBlock {
        NormBlock(int units) {
            super(null, null, "normblock");
            try (var ignored = nameScope()) {
                param("gamma", ParameterSpec.of().shape(units).init("ones"));
                param("beta", ParameterSpec.of().shape(units).init("zeros"));
                param("scale", ParameterSpec.of().shape(units).init("ones"));
                param("bias", ParameterSpec.of().shape(units).init("zeros"));
            }
        }

        @Override
        protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
            T h = F.layerNorm(x, p.get("gamma"), p.get("beta"), Map.of("name", "ln")).getFirst();
            h = F.leakyReLU(h, null, Map.of("act_type", "gelu", "name", "gelu"));
            h = F.broadcastAdd(F.broadcastMul(h, p.get("scale"), Map.of("name", "scaled")), p.get("bias"),
                    Map.of("name", "biased"));
            return F.softmax(h, null, Map.of("axis", -1, "name", "softmax"));
        }
    }

    private static NormBlock block(String backend) {
        NormBlock b = new NormBlock(64);
        b.initialize();
        if (backend != null) {
            b.hybridize(HybridizeOptions.builder().staticAlloc(true).staticShape(true).backend(backend).build());
        }
        return b;
    }

    @Setup(Level.Trial)
    public void setUp() {
        KilnThreads.use(threads);
        x = NDArray.wrap(Shape.of(4, 16, 64), GemmSquareBench.random(new Random(8), 4 * 16 * 64));
        eager = block(null);
        fused = block("jit");
        unfused = block("interpreter-opt");
        for (NormBlock b : new NormBlock[] {eager, fused, unfused}) {
            b.call(x);
        }
    }

    @Benchmark
    public NDArray normBlockEager() {
        return eager.call(x);
    }

    @Benchmark
    public NDArray normBlockHybridized() {
        return fused.call(x);
    }

    /** Hybridized without fusion: the graph the jit ran before this block's ops fused. */
    @Benchmark
    public NDArray normBlockUnfusedHybridized() {
        return unfused.call(x);
    }
}
