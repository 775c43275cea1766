package dev.kiln.compiler.random;

import dev.kiln.compiler.random.BackendCheck.Outcome;
import dev.kiln.compiler.random.BackendCheck.Result;
import dev.kiln.compiler.Backend;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.MemoryPlan;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random graphs from the op registry, compiled by every backend and checked against the reference interpreter
 * (issue #8, "correct by construction"). In the suite: a fixed seed and a count that runs in seconds. For a long run:
 * <pre>
 * mvn -B -o -pl compiler -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=RandomGraphTest \
 *     -Dkiln.randomGraphs.seconds=600 [-Dkiln.randomGraphs.seed=42]
 * </pre>
 * ({@code kiln.randomGraphs.count} sets the number of graphs instead of a time, {@code kiln.randomGraphs.ops} the
 * most op nodes per graph, 12 by default.)
 */
class RandomGraphTest {
    private static final long SUITE_SEED = 20261121L;
    private static final int SUITE_COUNT = 250;

    /** Ops the generator must keep covering; the list only grows. */
    private static final Set<String> FLOOR = Set.of(
            "Activation", "BatchNorm", "Cast", "Concat", "Convolution", "Deconvolution", "Dropout", "Embedding",
            "Flatten", "FullyConnected", "GroupNorm", "InstanceNorm", "L2Normalization", "LRN", "LayerNorm",
            "LeakyReLU", "Pad", "Pooling", "Reshape", "SequenceLast", "SequenceMask", "SequenceReverse",
            "SliceChannel", "SoftmaxActivation", "SoftmaxOutput", "SwapAxis", "UpSampling", "_arange",
            "_contrib_AdaptiveAvgPooling2D", "_contrib_BilinearResize2D", "_copy", "_full", "_ones",
            "_random_uniform", "_split_v2", "_zeros", "abs", "argmax", "argsort", "batch_dot", "broadcast_add",
            "broadcast_mul", "broadcast_to", "clip", "dot", "elemwise_add", "exp", "expand_dims", "gather_nd",
            "log_softmax", "matmul", "max", "mean", "norm", "one_hot", "pick", "relu", "repeat", "reverse",
            "sigmoid", "slice", "slice_axis", "softmax", "sort", "squeeze", "stack", "sum", "take", "tanh", "tile",
            "topk", "transpose", "where");
    /** How many registered ops the generator covers at least. */
    private static final int FLOOR_COUNT = 200;

    @Test
    void everyBackendAgreesWithTheReferenceOnRandomGraphs() {
        long seed = Long.getLong("kiln.randomGraphs.seed", SUITE_SEED);
        long seconds = Long.getLong("kiln.randomGraphs.seconds", 0);
        long count = Long.getLong("kiln.randomGraphs.count", seconds > 0 ? Long.MAX_VALUE : SUITE_COUNT);
        int maxOps = Math.max(3, Integer.getInteger("kiln.randomGraphs.ops", 12));
        long deadline = seconds > 0 ? System.nanoTime() + seconds * 1_000_000_000L : Long.MAX_VALUE;
        GraphGenerator generator = new GraphGenerator();
        BackendCheck check = BackendCheck.allBackends();
        List<String> failures = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        int checked = 0;
        int rejected = 0;
        long start = System.nanoTime();
        for (long i = 0; i < count && System.nanoTime() < deadline && failures.size() < 5; i++) {
            RandomGraph g = generator.generate(seed + i, 3 + (int) Math.floorMod(seed + i, maxOps - 2));
            Result r = check.check(g);
            if (r.outcome() == Outcome.REFERENCE_FAILED) {
                rejected++;
                if (rejections.size() < 5) {
                    rejections.add(r.detail() + "\n" + g.describe());
                }
                continue;
            }
            checked++;
            if (r.outcome() == Outcome.DIFFER) {
                RandomGraph small = Shrinker.shrink(g, check);
                Result again = check.check(small);
                failures.add(r.detail() + "\nshrunk reproduction (-Dkiln.randomGraphs.seed=" + g.seed()
                        + " -Dkiln.randomGraphs.count=1):\n" + small.describe()
                        + (again.detail() == null ? "" : again.detail() + "\n") + "original graph:\n" + g.describe());
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("random graphs: %d checked, %d rejected (reference failed), %.1f graphs/s, seed %d%n",
                checked, rejected, checked / secs, seed);
        if (seconds > 0 || count != SUITE_COUNT) {
            System.out.println("ops never built: " + generator.neverBuilt());
            rejections.forEach(d -> System.out.println("rejected (the reference failed): " + d));
        }
        assertThat(failures).as("backends that differ from the reference").isEmpty();
        assertThat(checked).as("graphs checked").isGreaterThan((int) Math.min(count, SUITE_COUNT) / 2);
    }

    @Test
    void coverageDoesNotShrinkBelowTheFloor() {
        System.out.println(RecipeBook.coverage());
        assertThat(RecipeBook.recipes().keySet()).containsAll(FLOOR);
        assertThat(RecipeBook.recipes().size()).isGreaterThanOrEqualTo(FLOOR_COUNT);
        Set<String> all = new TreeSet<>(RecipeBook.recipes().keySet());
        all.addAll(RecipeBook.skipped().keySet());
        assertThat(all).hasSize(dev.kiln.op.OpRegistry.global().ops().size());
    }

    @Test
    void everyRecipeBuildsItsOpInSomeGraph() {
        GraphGenerator generator = new GraphGenerator();
        for (int i = 0; i < 400; i++) {
            generator.generate(SUITE_SEED + i, 12);
        }
        assertThat(generator.neverBuilt()).isEmpty();
    }

    @Test
    void aBackendThatChangesOneValueIsReportedOnAShrunkGraph() {
        Backend reference = Backends.get(Backends.INTERPRETER);
        Backend perturbed = new Backend() {
            @Override
            public String name() {
                return "perturbed";
            }

            @Override
            public CompiledGraph compile(CompileRequest request) {
                return new PerturbedGraph(reference.compile(request));
            }
        };
        BackendCheck check = new BackendCheck(List.of(perturbed));
        RandomGraph g = new GraphGenerator().generate(SUITE_SEED, 10);
        Result r = check.check(g);
        assertThat(r.outcome()).isEqualTo(Outcome.DIFFER);
        assertThat(r.detail()).contains("backend 'perturbed', inference", "call 1, output 0", "element");
        RandomGraph small = Shrinker.shrink(g, check);
        assertThat(small.graph().size()).isLessThanOrEqualTo(g.graph().size());
        assertThat(small.graph().outputs()).hasSize(1);
        assertThat(check.check(small).outcome()).isEqualTo(Outcome.DIFFER);
    }

    /** The reference's results with the first element of the first output moved by 0.5. */
    private record PerturbedGraph(CompiledGraph inner) implements CompiledGraph {
        @Override
        public CompileRequest request() {
            return inner.request();
        }

        @Override
        public Execution run(NDArray[] inputs) {
            Execution e = inner.run(inputs);
            return new Execution() {
                @Override
                public NDArray[] outputs() {
                    return perturb(e.outputs());
                }

                @Override
                public NDArray[] backward(NDArray[] heads) {
                    return e.backward(heads);
                }
            };
        }

        private static NDArray[] perturb(NDArray[] outs) {
            NDArray[] copy = outs.clone();
            copy[0] = outs[0].copy();
            if (copy[0].size() > 0) {
                double v = copy[0].getDouble(0);
                copy[0].setDouble(0, v + 0.5);
            }
            return copy;
        }

        @Override
        public Graph compiledGraph() {
            return inner.compiledGraph();
        }

        @Override
        public MemoryPlan memoryPlan() {
            return inner.memoryPlan();
        }
    }

    @Test
    void theSameSeedGivesTheSameGraph() {
        RandomGraph a = new GraphGenerator().generate(7, 10);
        RandomGraph b = new GraphGenerator().generate(7, 10);
        assertThat(a.describe()).isEqualTo(b.describe());
        assertThat(a.graph().size()).isGreaterThan(a.variables().size());
    }

    @Test
    void toleranceIsExactForPromisedBackendsAndBoundedForOthers() {
        assertThat(Tolerance.of("jit").accepts(DType.FLOAT32, 1.0, Math.nextUp(1.0))).isFalse();
        assertThat(Tolerance.of("jit").accepts(DType.FLOAT32, Double.NaN, Double.NaN)).isTrue();
        assertThat(Tolerance.of("some-gpu").accepts(DType.FLOAT32, 1.0, 1.00001)).isTrue();
        assertThat(Tolerance.of("some-gpu").accepts(DType.FLOAT32, 1.0, 1.001)).isFalse();
        assertThat(Tolerance.of("some-gpu").accepts(DType.INT32, 1.0, 2.0)).isFalse();
        assertThat(Tolerance.of("some-gpu").accepts(DType.FLOAT64, 1.0, Double.NaN)).isFalse();
    }
}
