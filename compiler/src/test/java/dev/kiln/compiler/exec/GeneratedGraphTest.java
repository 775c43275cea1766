package dev.kiln.compiler.exec;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.MemoryPlan;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.NodeExecutionException;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.compiler.exec.ExecFixtures.assertSameBits;
import static dev.kiln.compiler.exec.ExecFixtures.copies;
import static dev.kiln.compiler.exec.ExecFixtures.heads;
import static dev.kiln.compiler.exec.ExecFixtures.inputs;
import static dev.kiln.compiler.exec.ExecFixtures.request;
import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class GeneratedGraphTest {
    private static final long SEED = 42;

    private static CompiledGraph jit(CompileRequest req) {
        CompiledGraph g = Backends.get(Backends.JIT).compile(req);
        assertThat(g).isInstanceOf(GeneratedGraph.class);
        return g;
    }

    private static CompiledGraph reference(CompileRequest req) {
        return Backends.get(Backends.INTERPRETER_OPT).compile(req);
    }

    /**
     * Runs the jit and interpreter-opt on copies of the same inputs (the global generator seeded alike): outputs,
     * inputs afterwards (auxiliary states updated in place), and, with gradients, backward twice, all bit for bit.
     */
    private static void assertSameAsInterpreter(CompileRequest req, Shape data, String what) {
        java.util.Random r = new java.util.Random(7);
        NDArray[] in = inputs(r, req, data);
        NDArray[] inJit = copies(in);
        NDArray[] inRef = copies(in);
        Random.seed(SEED);
        CompiledGraph.Execution a = jit(req).run(inJit);
        Random.seed(SEED);
        CompiledGraph.Execution b = reference(req).run(inRef);
        assertSameBits(a.outputs(), b.outputs(), what + " outputs");
        assertSameBits(inJit, inRef, what + " inputs after the run");
        if (req.needsGradients()) {
            NDArray[] h = heads(r, b.outputs());
            assertSameBits(a.backward(h), b.backward(h), what + " gradients");
            assertSameBits(a.backward(h), b.backward(h), what + " gradients again");
        }
    }

    @Test
    void anMlpGivesTheInterpretersOutputsAndGradientsBitForBit() {
        Shape data = Shape.of(3, 10);
        assertSameAsInterpreter(request(ExecFixtures.mlp(), Map.of("data", data), false, true, true, false), data,
                "mlp");
        assertSameAsInterpreter(request(ExecFixtures.mlp(), Map.of("data", data), false, false, true, true), data,
                "mlp inference");
    }

    @Test
    void aCnnWithBatchNormMatchesInTrainingIncludingTheMovingStatisticsItUpdates() {
        Shape data = Shape.of(2, 3, 8, 8);
        assertSameAsInterpreter(request(ExecFixtures.cnn(), Map.of("data", data), true, true, true, false), data,
                "cnn training");
    }

    @Test
    void aCnnWithBatchNormMatchesInInference() {
        Shape data = Shape.of(2, 3, 8, 8);
        assertSameAsInterpreter(request(ExecFixtures.cnn(), Map.of("data", data), false, false, true, true), data,
                "cnn inference");
        assertSameAsInterpreter(request(ExecFixtures.cnn(), Map.of("data", data), false, true, true, false), data,
                "cnn inference-mode gradients");
    }

    @Test
    void dropoutDrawsExactlyTheInterpretersMaskInTraining() {
        Symbol x = Symbol.var("data");
        Symbol d = sym.call("Dropout", Map.of("name", "drop", "p", 0.4), sym.call("relu", Map.of("name", "r"), x));
        Symbol y = sym.call("Dropout", Map.of("name", "drop2", "p", 0.3), ExecFixtures.dense(d, "fc_", 7));
        Shape data = Shape.of(5, 9);
        assertSameAsInterpreter(request(y.graph(), Map.of("data", data), true, true, true, false), data,
                "dropout training");
        assertSameAsInterpreter(request(y.graph(), Map.of("data", data), false, false, true, true), data,
                "dropout inference");
    }

    @Test
    void anOpWithSeveralOutputsFeedsEachOfThemOnAndBack() {
        Symbol x = Symbol.var("data");
        Symbol split = sym.call("SliceChannel", Map.of("name", "split", "num_outputs", 3, "axis", 1), x);
        Symbol a = sym.call("sigmoid", Map.of("name", "s"), split.get(0));
        Symbol b = sym.call("elemwise_mul", Map.of("name", "m"), split.get(1), split.get(2));
        Symbol y = Symbol.group(List.of(sym.call("elemwise_add", Map.of("name", "sum"), a, b), split.get(2)));
        Shape data = Shape.of(4, 6);
        assertSameAsInterpreter(request(y.graph(), Map.of("data", data), false, true, true, false), data, "split");
        assertSameAsInterpreter(request(y.graph(), Map.of("data", data), false, false, true, true), data,
                "split inference");
    }

    @Test
    void reshapesAndViewsKeepTheirValuesWhileBuffersAreReused() {
        Symbol x = Symbol.var("data");
        Symbol h = sym.call("relu", Map.of("name", "r"), ExecFixtures.dense(x, "fc_", 12));
        Symbol v = sym.call("Reshape", Map.of("name", "view", "shape", "(0, 3, 4)"), h);
        Symbol e = sym.call("expand_dims", Map.of("name", "expand", "axis", 1), sym.call("exp", Map.of("name", "ex"),
                h));
        Symbol f = sym.call("Flatten", Map.of("name", "flat"), sym.call("tanh", Map.of("name", "t"), v));
        Symbol y = Symbol.group(List.of(sym.call("elemwise_add", Map.of("name", "add"), f,
                sym.call("Reshape", Map.of("name", "back", "shape", "(0, -1)"), e)), v));
        Shape data = Shape.of(2, 5);
        assertSameAsInterpreter(request(y.graph(), Map.of("data", data), false, true, true, false), data, "views");
        assertSameAsInterpreter(request(y.graph(), Map.of("data", data), false, false, true, true), data,
                "views inference");
    }

    @Test
    void identityStepsRelabelTheirInputsArrayInsteadOfCopyingIt() {
        Symbol x = Symbol.var("data");
        Symbol h = sym.call("sin", Map.of("name", "s"), ExecFixtures.dense(x, "fc_", 12));
        Symbol v = sym.call("Reshape", Map.of("name", "view", "shape", "(0, 3, 4)"), h);
        Symbol y = sym.call("elemwise_add", Map.of("name", "add"), sym.call("tanh", Map.of("name", "t"), v),
                sym.call("Reshape", Map.of("name", "back", "shape", "(0, 3, 4)"), sym.call("cos", Map.of("name",
                        "c"), h)));
        Shape data = Shape.of(2, 5);
        for (boolean gradients : new boolean[] {false, true}) {
            CompileRequest req = request(y.graph(), Map.of("data", data), gradients, gradients, true, false);
            GeneratedGraph g = (GeneratedGraph) jit(req);
            List<NodeStep> reshapes = g.initial().steps().stream().filter(s -> s.op().name().equals("Reshape"))
                    .toList();
            assertThat(reshapes).isNotEmpty().allSatisfy(s -> assertThat(s.sharedInput()).isZero());
            assertSameAsInterpreter(req, data, "identity steps, gradients " + gradients);
        }
    }

    /** An op whose kernel returns its input itself, declaring nothing: the executor must not let its buffer go. */
    private static final class Alias extends OpDef {
        Alias() {
            super("test_alias", OpFamily.SHAPE, List.of("data"), List.of());
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            return List.of(in.get(0));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return List.of(call.input(0));
        }
    }

    @Test
    void aKernelReturningItsInputKeepsItsValueWhenThePlanReusesTheInputsBuffer() {
        Symbol x = Symbol.var("data");
        Graph g0 = sym.call("relu", Map.of("name", "r"), x).graph();
        OpNode relu = (OpNode) g0.node(1);
        Alias op = new Alias();
        OpNode alias = new OpNode("alias", op, op.defaultAttrs(),
                List.of(new Entry(1, 0)), Map.of());
        OpDef softmax = OpRegistry.global().get("softmax");
        OpDef plus = OpRegistry.global().get("elemwise_add");
        OpNode sig = new OpNode("soft", softmax, softmax.defaultAttrs(), List.of(new Entry(0, 0)), Map.of());
        OpNode add = new OpNode("add", plus, plus.defaultAttrs(), List.of(new Entry(2, 0), new Entry(3, 0)),
                Map.of());
        Graph g = new Graph(List.of(g0.node(0), relu, alias, sig, add), List.of(new Entry(4, 0)));
        Shape data = Shape.of(3, 4);
        CompileRequest req = request(g, Map.of("data", data), false, false, true, true);
        CompiledGraph jit = jit(req);
        NDArray[] in = inputs(new java.util.Random(3), req, data);
        NDArray[] expected = reference(req).infer(in);
        assertSameBits(jit.infer(in), expected, "alias");
        assertSameBits(jit.infer(in), expected, "alias again");
    }

    @Test
    void twoForwardsAliveAtOnceEachBackwardTwiceToTheirOwnGradients() {
        Shape data = Shape.of(4, 10);
        CompileRequest req = request(ExecFixtures.mlp(), Map.of("data", data), true, true, true, true);
        CompiledGraph jit = jit(req);
        CompiledGraph ref = reference(req);
        java.util.Random r = new java.util.Random(9);
        NDArray[] x1 = inputs(r, req, data);
        NDArray[] x2 = inputs(r, req, data);
        CompiledGraph.Execution a1 = jit.run(x1);
        CompiledGraph.Execution a2 = jit.run(x2);
        CompiledGraph.Execution b1 = ref.run(x1);
        CompiledGraph.Execution b2 = ref.run(x2);
        NDArray[] out1 = copies(a1.outputs());
        assertSameBits(a1.outputs(), b1.outputs(), "first forward");
        assertSameBits(a2.outputs(), b2.outputs(), "second forward");
        NDArray[] h1 = heads(r, b1.outputs());
        NDArray[] h2 = heads(r, b2.outputs());
        NDArray[] g2 = a2.backward(h2);
        NDArray[] g1 = a1.backward(h1);
        NDArray[] g1Again = a1.backward(h1);
        assertSameBits(g1, b1.backward(h1), "first backward");
        assertSameBits(g1Again, b1.backward(h1), "first backward again");
        assertSameBits(g2, b2.backward(h2), "second backward");
        assertSameBits(a2.backward(h2), b2.backward(h2), "second backward again");
        assertSameBits(a1.outputs(), out1, "first outputs after all backwards");
        assertThat(g1[0].data()).as("a second backward returns new arrays").isNotSameAs(g1Again[0].data());
    }

    @Test
    void aReleasedTrainingRunLendsItsArenaToTheNextRunWithoutChangingAnyResult() {
        Shape data = Shape.of(2, 3, 8, 8);
        CompileRequest req = request(ExecFixtures.cnn(), Map.of("data", data), true, true, true, true);
        GeneratedGraph jit = (GeneratedGraph) jit(req);
        CompiledGraph ref = reference(req);
        java.util.Random r = new java.util.Random(11);
        NDArray[] x1 = inputs(r, req, data);
        NDArray[] x2 = inputs(r, req, data);
        NDArray[] x1Ref = copies(x1);
        NDArray[] x2Ref = copies(x2);
        CompiledGraph.Execution a1 = jit.run(x1);
        CompiledGraph.Execution b1 = ref.run(x1Ref);
        NDArray[] h1 = heads(r, b1.outputs());
        NDArray[] g1 = a1.backward(h1);
        NDArray[] out1 = copies(a1.outputs());
        NDArray[] grads1 = copies(g1);
        a1.release();
        assertThat(jit.initial().pooledArenas()).isEqualTo(1);
        CompiledGraph.Execution a2 = jit.run(x2);
        assertThat(jit.initial().pooledArenas()).as("the second run took the released arena").isZero();
        CompiledGraph.Execution b2 = ref.run(x2Ref);
        assertSameBits(a2.outputs(), b2.outputs(), "second forward in the reused arena");
        NDArray[] h2 = heads(r, b2.outputs());
        assertSameBits(a2.backward(h2), b2.backward(h2), "second backward in the reused arena");
        assertSameBits(x2, x2Ref, "moving statistics after the second run");
        assertSameBits(a1.outputs(), out1, "first outputs after the second run");
        assertSameBits(g1, grads1, "first gradients after the second run");
        assertThat(catchThrowable(() -> a1.backward(h1))).hasMessageContaining("released");
    }

    @Test
    void runsInFlightTogetherEachTakeAnArenaAndThePoolKeepsAtMostItsBoundOnceReleased() {
        Shape data = Shape.of(2, 3, 8, 8);
        CompileRequest req = request(ExecFixtures.cnn(), Map.of("data", data), true, true, true, true);
        GeneratedGraph jit = (GeneratedGraph) jit(req);
        java.util.Random r = new java.util.Random(12);
        int inFlight = Specialization.MAX_IDLE_ARENAS + 3;
        java.util.List<CompiledGraph.Execution> runs = new java.util.ArrayList<>();
        java.util.Set<Object> buffers = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < inFlight; i++) {
            CompiledGraph.Execution run = jit.run(inputs(r, req, data));
            buffers.add(run.outputs()[0].data());
            runs.add(run);
        }
        assertThat(buffers).as("no two runs in flight share an output buffer").hasSize(inFlight);
        assertThat(jit.initial().pooledArenas()).isZero();
        runs.forEach(CompiledGraph.Execution::release);
        assertThat(jit.initial().pooledArenas()).isEqualTo(Specialization.MAX_IDLE_ARENAS);
        jit.run(inputs(r, req, data));
        assertThat(jit.initial().pooledArenas()).isEqualTo(Specialization.MAX_IDLE_ARENAS - 1);
    }

    @Test
    void staticAllocationHandsOutNewOutputArraysEveryCall() {
        Shape data = Shape.of(2, 3, 8, 8);
        CompileRequest req = request(ExecFixtures.cnn(), Map.of("data", data), false, false, true, true);
        CompiledGraph jit = jit(req);
        java.util.Random r = new java.util.Random(4);
        NDArray[] x1 = inputs(r, req, data);
        NDArray[] x2 = inputs(r, req, data);
        NDArray[] first = jit.infer(x1);
        NDArray[] kept = copies(first);
        NDArray[] second = jit.infer(x2);
        assertThat(second[0].data()).isNotSameAs(first[0].data());
        assertSameBits(first, kept, "first call's outputs after a second call");
        assertSameBits(second, reference(req).infer(x2), "second call");
    }

    @Test
    void theJitReportsThePlanItRunsWithLessThanEagerMemory() {
        Shape data = Shape.of(2, 3, 8, 8);
        CompileRequest req = request(ExecFixtures.cnn(), Map.of("data", data), false, false, true, true);
        GeneratedGraph jit = (GeneratedGraph) jit(req);
        MemoryPlan plan = jit.memoryPlan();
        assertThat(plan).isEqualTo(MemoryPlan.planned(jit.initial().plan()));
        assertThat(plan.plannedBytes()).isLessThan(plan.unplannedBytes());
        assertThat(plan.reuseRatio()).isPositive();
        assertThat(plan.unplannedBytes()).as("fusion leaves fewer values than the node-by-node graph")
                .isLessThanOrEqualTo(reference(req).memoryPlan().unplannedBytes());
    }

    @Test
    void dynamicShapesGetASpecialisationPerShapeAndFailingShapesTheInterpretersError() {
        Shape data = Shape.of(3, 10);
        CompileRequest req = request(ExecFixtures.mlp(), Map.of("data", data), false, true, false, false);
        CompiledGraph jit = jit(req);
        CompiledGraph ref = reference(req);
        java.util.Random r = new java.util.Random(8);
        for (int batch : new int[] {3, 5, 1, 5, 3}) {
            assertSameAtBatch(jit, ref, r, batch);
        }
        NDArray[] bad = inputs(new java.util.Random(1), req, Shape.of(3, 11));
        Throwable jitError = catchThrowable(() -> jit.run(bad));
        Throwable refError = catchThrowable(() -> ref.run(bad));
        assertThat(jitError).isInstanceOf(NodeExecutionException.class).hasMessage(refError.getMessage());
    }

    @Test
    void manyBatchSizesKeepAtMostCacheSizeSpecialisationsAndAnEvictedShapeStillRunsCorrectly() {
        CompileRequest req = request(ExecFixtures.mlp(), Map.of("data", Shape.of(1, 10)), false, true, false, false);
        CompiledGraph jit = jit(req);
        CompiledGraph ref = reference(req);
        java.util.Random r = new java.util.Random(9);
        int shapes = 3 * GeneratedGraph.CACHE_SIZE;
        for (int batch = 1; batch <= shapes + 1; batch++) {
            int b = batch <= shapes ? batch : 1; // the last call goes back to the first, long evicted, shape
            assertSameAtBatch(jit, ref, r, b);
            assertThat(((GeneratedGraph) jit).cachedSpecialisations()).as("specialisations after batch %d", b)
                    .isEqualTo(Math.min(batch, GeneratedGraph.CACHE_SIZE));
        }
    }

    /** The MLP graph {@code jit} at data (batch, 10) gives {@code ref}'s outputs and gradients bit for bit. */
    private static void assertSameAtBatch(CompiledGraph jit, CompiledGraph ref, java.util.Random r, int batch) {
        NDArray[] in = inputs(r, jit.request(), Shape.of(batch, 10));
        CompiledGraph.Execution a = jit.run(in);
        CompiledGraph.Execution e = ref.run(in);
        assertSameBits(a.outputs(), e.outputs(), "batch " + batch);
        NDArray[] h = heads(r, e.outputs());
        assertSameBits(a.backward(h), e.backward(h), "batch " + batch + " gradients");
    }

    @Test
    void aGraphWithoutOpsPassesItsInputsThrough() {
        Graph g = Symbol.group(List.of(Symbol.var("a"), Symbol.var("b"))).graph();
        CompileRequest req = request(g, Map.of("a", Shape.of(2), "b", Shape.of(3)), false, false, true, true);
        NDArray a = NDArray.of(Shape.of(2), 1, 2);
        NDArray b = NDArray.of(Shape.of(3), 3, 4, 5);
        NDArray[] out = jit(req).infer(new NDArray[] {a, b});
        assertThat(out[0]).isSameAs(a);
        assertThat(out[1]).isSameAs(b);
    }
}
