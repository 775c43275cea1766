package dev.kiln.soak;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridSequential;
import dev.kiln.hybrid.GraphCache;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.init.Xavier;
import dev.kiln.loss.SoftmaxCrossEntropyLoss;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import dev.kiln.trainer.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.kiln.op.surface.ND.nd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #12's memory soak: 10,000 training steps of a small CNN (Conv2D, BatchNorm, relu, max pooling, Dense;
 * softmax cross-entropy, autograd, the Trainer), eager and hybridized. After a warm-up, heap in use after a full
 * collection stays within a small margin of its post-warm-up value, the direct and mapped NIO buffers do not grow, no
 * classes are generated per step, and the hybridized block compiles nothing after its first steps. The figures are
 * printed to the test output ({@code target/surefire-reports/dev.kiln.soak.TrainingMemorySoakTest-output.txt}).
 */
@ExtendWith(FreshNames.class)
class TrainingMemorySoakTest {
    static final int STEPS = 10_000;
    static final int WARM_UP = 1_000;
    static final int SAMPLE_EVERY = 1_000;
    /**
     * How far heap after GC may rise after warm-up, not counting the largest rise between two samples: 1 MiB, which a
     * leak of 150 bytes per step exceeds (a leak spreads over every interval; a one-off allocation falls in one).
     */
    static final long HEAP_MARGIN = 1L << 20;
    /**
     * How far heap after GC may rise after warm-up all told: room for one-off lazy allocations, such as a worker
     * thread's GEMM workspace (about 1 MiB per thread) made the first time that thread runs a GEMM.
     */
    static final long HEAP_ONE_OFF_MARGIN = 4L << 20;
    /** Classes the JDK may still load lazily after warm-up (reflection, formatting); a class per step is thousands. */
    static final int CLASS_MARGIN = 100;

    private static final int BATCH = 2;
    private static final int SIZE = 6;
    private static final int CLASSES = 3;
    private static final int BATCHES = 4;

    /** Conv(4, 3x3), BatchNorm, relu, 2x2 max pooling, Dense(3): on 1x6x6 images 200 parameters or so. */
    private static HybridSequential cnn() {
        HybridSequential net = new HybridSequential();
        net.add(new Conv2D(4, 3), new BatchNorm(), new Activation("relu"), new MaxPool2D(2), new Flatten(),
                new Dense(CLASSES));
        return net;
    }

    /** {@code BATCHES} fixed batches {data (B,1,S,S), label (B)}: a bright row marks the class, plus noise. */
    private static List<NDArray[]> batches() {
        java.util.Random rnd = new java.util.Random(12);
        List<NDArray[]> out = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            float[] x = new float[BATCH * SIZE * SIZE];
            float[] y = new float[BATCH];
            for (int s = 0; s < BATCH; s++) {
                int label = (b * BATCH + s) % CLASSES;
                y[s] = label;
                for (int i = 0; i < SIZE * SIZE; i++) {
                    int row = i / SIZE;
                    x[s * SIZE * SIZE + i] = (row == 2 * label ? 1f : 0f) + 0.1f * (float) rnd.nextGaussian();
                }
            }
            out.add(new NDArray[] {NDArray.of(Shape.of(BATCH, 1, SIZE, SIZE), x), NDArray.of(Shape.of(BATCH), y)});
        }
        return out;
    }

    private record Soak(List<MemorySamples> samples, double firstLoss, double lastLoss, long millis,
                        GraphCache.Stats warmCache, GraphCache.Stats endCache, int compiledGraphs) {
        MemorySamples warm() {
            return samples.stream().filter(s -> s.step() == WARM_UP).findFirst().orElseThrow();
        }

        MemorySamples last() {
            return samples.getLast();
        }
    }

    private static Soak soak(boolean hybridize, String optimizer, Map<String, ?> options) {
        HybridSequential net = cnn();
        Random.seed(5);
        net.initialize(new Xavier());
        SoftmaxCrossEntropyLoss loss = new SoftmaxCrossEntropyLoss();
        if (hybridize) {
            net.hybridize();
            loss.hybridize();
        }
        Trainer trainer = new Trainer(net.collectParams(), optimizer, options);
        List<NDArray[]> data = batches();
        List<MemorySamples> samples = new ArrayList<>();
        samples.add(MemorySamples.take(0));
        GraphCache.Stats warmCache = null;
        double first = 0;
        double last = 0;
        long start = System.nanoTime();
        for (int step = 1; step <= STEPS; step++) {
            NDArray[] batch = data.get(step % BATCHES);
            NDArray l;
            try (var rec = Autograd.record()) {
                l = loss.forward(net.call(batch[0]), batch[1]);
            }
            l.backward();
            trainer.step(BATCH);
            if (step <= BATCHES) {
                first += nd.mean(l).getDouble(0);
            } else if (step > STEPS - BATCHES) {
                last += nd.mean(l).getDouble(0);
            }
            if (step % SAMPLE_EVERY == 0) {
                samples.add(MemorySamples.take(step));
                if (step == WARM_UP) {
                    warmCache = net.cacheStats();
                }
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Soak s = new Soak(samples, first / BATCHES, last / BATCHES, millis, warmCache, net.cacheStats(),
                net.compiledGraphs().size());
        System.out.printf("%s training, %d steps (%s) in %d ms (sampling included); mean loss %.4f -> %.4f%n%s"
                        + "heap growth after warm-up: %+d KiB (step %d to %d), %+d KiB without the largest rise "
                        + "between samples%n"
                        + "graph cache after warm-up %s, at the end %s, %d compiled graphs%n",
                hybridize ? "Hybridized" : "Eager", STEPS, optimizer, millis, s.firstLoss(), s.lastLoss(),
                MemorySamples.table(samples), (s.last().heapBytes() - s.warm().heapBytes()) / 1024, WARM_UP, STEPS,
                steadyGrowth(s.samples()) / 1024, warmCache, s.endCache(), s.compiledGraphs());
        return s;
    }

    /**
     * Heap growth from the post-warm-up sample to the last, less the largest rise between two consecutive samples
     * after warm-up: what a steady leak adds, with a one-off allocation left out.
     */
    static long steadyGrowth(List<MemorySamples> samples) {
        long largestRise = 0;
        MemorySamples warm = null;
        MemorySamples previous = null;
        for (MemorySamples m : samples) {
            if (m.step() < WARM_UP) {
                continue;
            }
            if (warm == null) {
                warm = m;
            } else {
                largestRise = Math.max(largestRise, m.heapBytes() - previous.heapBytes());
            }
            previous = m;
        }
        return previous.heapBytes() - warm.heapBytes() - largestRise;
    }

    /** The bounds every soak meets, each failure listing every sample. */
    private static void assertFlat(Soak s) {
        String table = MemorySamples.table(s.samples());
        MemorySamples warm = s.warm();
        for (MemorySamples m : s.samples()) {
            if (m.step() < WARM_UP) {
                continue;
            }
            assertThat(m.heapBytes()).as("heap after GC at step %d grew more than %d KiB above the post-warm-up "
                    + "sample (step %d); samples:%n%s", m.step(), HEAP_ONE_OFF_MARGIN / 1024, WARM_UP, table)
                    .isLessThanOrEqualTo(warm.heapBytes() + HEAP_ONE_OFF_MARGIN);
            assertThat(m.directCount()).as("direct buffers at step %d; samples:%n%s", m.step(), table)
                    .isLessThanOrEqualTo(warm.directCount());
            assertThat(m.directBytes()).as("direct buffer bytes at step %d; samples:%n%s", m.step(), table)
                    .isLessThanOrEqualTo(warm.directBytes());
            assertThat(m.mappedCount()).as("mapped buffers at step %d; samples:%n%s", m.step(), table)
                    .isLessThanOrEqualTo(warm.mappedCount());
            assertThat(m.loadedClasses()).as("classes loaded by step %d; samples:%n%s", m.step(), table)
                    .isLessThanOrEqualTo(warm.loadedClasses() + CLASS_MARGIN);
        }
        assertThat(steadyGrowth(s.samples())).as("heap after GC grew more than %d KiB from step %d to %d besides the "
                + "largest rise between two samples: a leak; samples:%n%s", HEAP_MARGIN / 1024, WARM_UP, STEPS, table)
                .isLessThanOrEqualTo(HEAP_MARGIN);
        assertThat(s.lastLoss()).as("the network trains: mean loss of the last batches below the first")
                .isLessThan(s.firstLoss() * 0.5);
    }

    @Test
    void eagerTrainingKeepsHeapAfterGcFlatOverTenThousandSteps() {
        Soak s = soak(false, "adam", Map.of("learning_rate", 0.01));
        assertFlat(s);
        assertThat(s.endCache().size()).as("an eager block compiles nothing").isZero();
    }

    @Test
    void hybridizedTrainingKeepsHeapAfterGcFlatAndCompilesNothingAfterWarmUp() {
        Soak s = soak(true, "sgd", Map.of("learning_rate", 0.05, "momentum", 0.9));
        assertFlat(s);
        assertThat(s.endCache().misses()).as("compiles after warm-up: cache %s then %s", s.warmCache(), s.endCache())
                .isEqualTo(s.warmCache().misses());
        assertThat(s.endCache().size()).as("graphs cached").isBetween(1, s.endCache().capacity());
        assertThat(s.endCache().evictions()).isZero();
        assertThat(s.endCache().hits()).as("every training step after the first runs a cached graph")
                .isGreaterThanOrEqualTo(STEPS - s.endCache().misses());
    }

    /**
     * Training on ever new batch sizes with static shapes (one graph per shape) keeps the compiled-graph cache at its
     * bound, evicting the least recently used graph; a third round over the same shapes compiles them again and
     * leaves heap after GC, and the classes loaded, where the second round left them (evicted graphs are collectable).
     */
    @Test
    void trainingOnManyBatchSizesKeepsTheGraphCacheWithinItsBoundAndFreesEvictedGraphs() {
        int capacity = 4;
        int shapes = 3 * capacity;
        HybridSequential net = cnn();
        Random.seed(6);
        net.initialize(new Xavier());
        net.hybridize(HybridizeOptions.builder().staticAlloc(true).staticShape(true).cacheSize(capacity).build());
        SoftmaxCrossEntropyLoss loss = new SoftmaxCrossEntropyLoss();
        Trainer trainer = new Trainer(net.collectParams(), "sgd", Map.of("learning_rate", 0.01));
        List<MemorySamples> samples = new ArrayList<>();
        samples.add(MemorySamples.take(0));
        Logger log = Logger.getLogger("dev.kiln.hybrid");
        Level level = log.getLevel();
        log.setLevel(Level.SEVERE); // an eviction is a WARNING; here every call evicts, by design
        long start = System.nanoTime();
        java.util.Random rnd = new java.util.Random(13);
        int step = 0;
        for (int round = 1; round <= 3; round++) {
            for (int batch = 1; batch <= shapes; batch++) {
                NDArray x = NDArray.of(Shape.of(batch, 1, SIZE, SIZE), gaussian(rnd, batch * SIZE * SIZE));
                NDArray y = NDArray.zeros(batch);
                NDArray l;
                try (var rec = Autograd.record()) {
                    l = loss.forward(net.call(x), y);
                }
                l.backward();
                trainer.step(batch);
                step++;
                assertThat(net.cacheStats().size()).as("graphs cached after batch size %d", batch)
                        .isLessThanOrEqualTo(capacity);
            }
            samples.add(MemorySamples.take(step));
        }
        log.setLevel(level);
        long millis = (System.nanoTime() - start) / 1_000_000;
        GraphCache.Stats stats = net.cacheStats();
        String table = MemorySamples.table(samples);
        System.out.printf("Batch sizes 1..%d, 3 rounds, graph cache bound %d: %s in %d ms%n%s", shapes, capacity,
                stats, millis, table);
        assertThat(stats.misses()).as("every call compiles: the cache holds fewer shapes than a round")
                .isEqualTo(3L * shapes);
        assertThat(stats.evictions()).isEqualTo(3L * shapes - capacity);
        assertThat(net.compiledGraphs()).hasSize(capacity);
        MemorySamples second = samples.get(2);
        MemorySamples third = samples.get(3);
        assertThat(third.heapBytes()).as("heap after GC, round 3 vs round 2 (evicted graphs are freed); samples:%n%s",
                table).isLessThanOrEqualTo(second.heapBytes() + HEAP_MARGIN);
        assertThat(third.loadedClasses()).as("classes loaded, round 3 vs round 2; samples:%n%s", table)
                .isLessThanOrEqualTo(second.loadedClasses() + CLASS_MARGIN);
    }

    @Test
    void steadyGrowthLeavesOutOneOffRisesButNotASteadyLeak() {
        long base = 10L << 20;
        List<MemorySamples> oneOff = new ArrayList<>();
        List<MemorySamples> leak = new ArrayList<>();
        for (int step = 0; step <= STEPS; step += SAMPLE_EVERY) {
            long jump = step >= 4 * SAMPLE_EVERY ? 3L << 20 : 0; // a one-off 3 MiB between two samples
            long wobble = (step / SAMPLE_EVERY) % 2 * (300L << 10); // 300 KiB up and down
            oneOff.add(heapSample(step, base + jump + wobble));
            leak.add(heapSample(step, base + step * 200L)); // 200 bytes per step
        }
        assertThat(steadyGrowth(oneOff)).isLessThanOrEqualTo(HEAP_MARGIN);
        assertThat(steadyGrowth(leak)).isEqualTo(200L * (STEPS - WARM_UP - SAMPLE_EVERY))
                .isGreaterThan(HEAP_MARGIN);
    }

    private static MemorySamples heapSample(long step, long heap) {
        return new MemorySamples(step, heap, 0, 0, 0, 0, 0, 0);
    }

    private static float[] gaussian(java.util.Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
