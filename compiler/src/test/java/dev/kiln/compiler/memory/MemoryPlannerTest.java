package dev.kiln.compiler.memory;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.InPlaceOption;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.compiler.memory.Buffer.Role.ARENA;
import static dev.kiln.compiler.memory.Buffer.Role.OUTPUT;
import static dev.kiln.ndarray.DType.FLOAT32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hand-built graphs whose buffer assignments and byte counts are worked out by hand (float32, 4 bytes each). */
class MemoryPlannerTest {
    private static final PlanOptions NO_IN_PLACE = PlanOptions.defaults().withInPlace(false);

    private static Buffer arena(int id, long elements, Entry... values) {
        return new Buffer(id, FLOAT32, elements, ARENA, List.of(values));
    }

    private static Buffer output(int id, long elements, Entry... values) {
        return new Buffer(id, FLOAT32, elements, OUTPUT, List.of(values));
    }

    private static BufferPlan planned(GraphFixture f, PlanOptions options, Entry... outputs) {
        BufferPlan plan = f.plan(options, outputs);
        PlanSimulation.check(plan);
        return plan;
    }

    /** Eager bytes, planned bytes and peak live bytes of {@code plan}. */
    private static void assertBytes(BufferPlan plan, long eager, long planned, long peak) {
        assertThat(plan.unplannedBytes()).as("eager bytes").isEqualTo(eager);
        assertThat(plan.plannedBytes()).as("planned bytes").isEqualTo(planned);
        assertThat(plan.peakLiveBytes()).as("peak live bytes").isEqualTo(peak);
    }

    @Test
    void chainReusesTheBufferFreedTwoNodesEarlierAndGivesTheOutputItsOwn() {
        GraphFixture f = new GraphFixture();
        Entry[] v = f.expChain(4);
        Entry x = v[0], a = v[1], b = v[2], c = v[3], d = v[4];
        BufferPlan plan = planned(f, NO_IN_PLACE, d);

        assertThat(plan.buffers()).containsExactly(arena(0, 6, a, c), arena(1, 6, b), output(2, 6, d));
        assertThat(plan.bufferOf(x)).isEqualTo(BufferPlan.EXTERNAL);
        assertThat(plan.arenaBytes()).isEqualTo(48);
        assertThat(plan.outputBytes()).isEqualTo(24);
        assertBytes(plan, 4 * 24, 3 * 24, 48);
        assertThat(plan.reuseRatio()).isEqualTo(0.25);
        assertThat(plan.values()).isEqualTo(4);
        assertThat(plan.inPlaceCount()).isZero();
    }

    @Test
    void chainOfElementwiseOpsRunsInPlace() {
        GraphFixture f = new GraphFixture();
        Entry[] v = f.expChain(4);
        Entry a = v[1], b = v[2], c = v[3], d = v[4];

        BufferPlan plan = planned(f, PlanOptions.defaults(), d);
        assertThat(plan.buffers()).containsExactly(arena(0, 6, a, b, c), output(1, 6, d));
        assertThat(plan.inPlaceInput(b)).isZero();
        assertThat(plan.inPlaceInput(a)).isEqualTo(-1);
        assertThat(plan.isIdentity(b)).isFalse();
        assertThat(plan.inPlaceCount()).isEqualTo(2);
        assertThat(plan.plannedBytes()).isEqualTo(48);
        assertThat(plan.peakLiveBytes()).isEqualTo(48);
        assertThat(plan.reuseRatio()).isEqualTo(0.5);

        BufferPlan arenaOutputs = planned(f, PlanOptions.defaults().withOutputsInArena(true), d);
        assertThat(arenaOutputs.buffers()).containsExactly(arena(0, 6, a, b, c, d));
        assertThat(arenaOutputs.plannedBytes()).isEqualTo(24);
        assertThat(arenaOutputs.peakLiveBytes()).isEqualTo(24);
        assertThat(arenaOutputs.inPlaceCount()).isEqualTo(3);
    }

    @Test
    void diamondOverwritesTheSharedValueOnlyAtItsLastReader() {
        GraphFixture f = new GraphFixture();
        Entry a = f.expChain(1)[1];
        Entry b = f.op("b", "sin", a);
        Entry c = f.op("c", "cos", a);
        Entry d = f.op("d", "elemwise_add", b, c);
        BufferPlan plan = planned(f, PlanOptions.defaults(), d);

        assertThat(plan.buffers()).containsExactly(arena(0, 6, a, c), arena(1, 6, b), output(2, 6, d));
        assertThat(plan.inPlaceInput(b)).isEqualTo(-1);
        assertThat(plan.inPlaceInput(c)).isZero();
        assertBytes(plan, 96, 72, 72);
    }

    /** x (1, 2) through FullyConnected layers of 4, 8, 2, 16 and 3 units. */
    private static Entry[] fullyConnectedChain(GraphFixture f) {
        Entry x = f.var("x", 1, 2);
        int[] units = {4, 8, 2, 16, 3};
        Entry[] out = new Entry[units.length];
        Entry in = x;
        for (int k = 0; k < units.length; k++) {
            Entry w = f.var("w" + k);
            out[k] = f.op("fc" + k, "FullyConnected", Map.of("num_hidden", units[k], "no_bias", true), in, w);
            in = out[k];
        }
        return out;
    }

    @Test
    void bestFitTakesTheSmallestLargerFreeBufferAndGrowsASmallerOneWithinTheMatchRange() {
        GraphFixture f = new GraphFixture();
        Entry[] v = fullyConnectedChain(f);
        BufferPlan plan = planned(f, PlanOptions.defaults(), v[4]);

        // fc2 (2 units) takes fc0's buffer of 4; fc3 (16) grows fc1's buffer of 8, a free one within 16x
        assertThat(plan.buffers()).containsExactly(arena(0, 4, v[0], v[2]), arena(1, 16, v[1], v[3]),
                output(2, 3, v[4]));
        // fc3 and fc4 alive together: 64 + 12 bytes
        assertBytes(plan, (4 + 8 + 2 + 16 + 3) * 4, (4 + 16 + 3) * 4, 76);
    }

    @Test
    void exactSizesReuseOnlyBuffersOfTheRequestedSize() {
        GraphFixture f = new GraphFixture();
        Entry[] v = fullyConnectedChain(f);
        BufferPlan plan = planned(f, PlanOptions.defaults().exactSizes(), v[4]);

        assertThat(plan.buffers()).containsExactly(arena(0, 4, v[0]), arena(1, 8, v[1]), arena(2, 2, v[2]),
                arena(3, 16, v[3]), output(4, 3, v[4]));
        assertThat(plan.plannedBytes()).isEqualTo(plan.unplannedBytes());
        assertThat(plan.reuseRatio()).isZero();
    }

    @Test
    void multiOutputOpGetsABufferPerOutputAndItsFirstOutputIsOverwrittenByTheSum() {
        GraphFixture f = new GraphFixture();
        Entry x = f.var("x", 2, 4);
        Entry e = f.op("e", "exp", x);
        Entry s0 = f.op("s", "split", Map.of("num_outputs", 2, "axis", 1), e);
        Entry s1 = new Entry(s0.node(), 1);
        Entry y = f.op("y", "elemwise_add", s0, s1);
        Entry z = f.op("z", "exp", y);
        BufferPlan plan = planned(f, PlanOptions.defaults(), z);

        assertThat(plan.buffers()).containsExactly(arena(0, 8, e), arena(1, 4, s0, y), arena(2, 4, s1),
                output(3, 4, z));
        assertThat(plan.inPlaceInput(y)).isZero();
        assertThat(plan.values()).isEqualTo(5);
        assertThat(plan.unplannedBytes()).isEqualTo((8 + 4 + 4 + 4 + 4) * 4);
        assertThat(plan.plannedBytes()).isEqualTo((8 + 4 + 4 + 4) * 4);
    }

    @Test
    void dropoutMaskIsAPlannedValueFreedAtOnceWhenNothingReadsIt() {
        GraphFixture f = new GraphFixture();
        Entry x = f.var("x", 2, 3);
        Entry a = f.op("a", "exp", x);
        Entry d = f.op("d", "Dropout", Map.of("p", 0.5), a);
        Entry mask = new Entry(d.node(), 1);
        Entry y = f.op("y", "exp", d);
        BufferPlan plan = planned(f, PlanOptions.defaults(), y);

        assertThat(plan.buffers()).containsExactly(arena(0, 6, a, d), arena(1, 6, mask), output(2, 6, y));
        assertThat(plan.values()).isEqualTo(4);
        // the mask lives only at its own node: at most two values of 24 bytes at once
        assertBytes(plan, 96, 72, 48);
    }

    @Test
    void graphOutputsSurviveToTheEnd() {
        GraphFixture f = new GraphFixture();
        Entry[] v = f.expChain(3);
        Entry a = v[1], b = v[2], c = v[3];

        BufferPlan own = planned(f, PlanOptions.defaults(), a, c, c);
        assertThat(own.buffers()).containsExactly(output(0, 6, a), arena(1, 6, b), output(2, 6, c));
        assertThat(own.inPlaceInput(b)).isEqualTo(-1);

        BufferPlan inArena = planned(f, PlanOptions.defaults().withOutputsInArena(true), a, c);
        assertThat(inArena.buffers()).containsExactly(arena(0, 6, a), arena(1, 6, b, c));
        assertThat(inArena.peakLiveBytes()).isEqualTo(48);
    }

    @Test
    void valueReadTwiceByOneNodeMayBeOverwrittenThereButNotWhenReadLater() {
        GraphFixture f = new GraphFixture();
        Entry a = f.expChain(1)[1];
        Entry b = f.op("b", "elemwise_mul", a, a);
        Entry c = f.op("c", "exp", b);
        BufferPlan square = planned(f, PlanOptions.defaults(), c);
        assertThat(square.buffers()).containsExactly(arena(0, 6, a, b), output(1, 6, c));
        assertThat(square.inPlaceInput(b)).isZero();

        GraphFixture g = new GraphFixture();
        Entry a2 = g.expChain(1)[1];
        Entry b2 = g.op("b", "elemwise_mul", a2, a2);
        Entry c2 = g.op("c", "elemwise_add", b2, a2);
        BufferPlan later = planned(g, PlanOptions.defaults(), c2);
        assertThat(later.buffers()).containsExactly(arena(0, 6, a2), arena(1, 6, b2), output(2, 6, c2));
    }

    @Test
    void reshapeSharesItsInputsBufferWhileTheInputIsStillRead() {
        GraphFixture f = new GraphFixture();
        Entry x = f.var("x", 6);
        Entry a = f.op("a", "exp", x);
        Entry r = f.op("r", "Reshape", Map.of("shape", "(2, 3)"), a);
        Entry b = f.op("b", "sin", a);
        Entry br = f.op("br", "Reshape", Map.of("shape", "(2, 3)"), b);
        Entry c = f.op("c", "elemwise_add", r, br);
        BufferPlan plan = planned(f, PlanOptions.defaults(), c);

        assertThat(plan.buffers()).containsExactly(arena(0, 6, a, r), arena(1, 6, b, br), output(2, 6, c));
        assertThat(plan.isIdentity(r)).isTrue();
        assertThat(plan.inPlaceInput(r)).isZero();
        assertThat(plan.identityCount()).isEqualTo(2);

        BufferPlan copies = planned(f, NO_IN_PLACE, c);
        assertThat(copies.inPlaceCount()).isZero();
        assertThat(copies.buffers()).hasSize(4);
    }

    @Test
    void variablesAreNeverPlannedNorOverwritten() {
        GraphFixture f = new GraphFixture();
        Entry[] v = f.expChain(2);
        Entry x = v[0], y = v[1], z = v[2];
        BufferPlan plan = planned(f, PlanOptions.defaults().withOutputsInArena(true), z);

        assertThat(plan.bufferOf(x)).isEqualTo(BufferPlan.EXTERNAL);
        assertThat(plan.buffers()).containsExactly(arena(0, 6, y, z));
        assertThat(plan.inPlaceInput(y)).isEqualTo(-1);
        assertThat(plan.values()).isEqualTo(2);
    }

    @Test
    void backwardFromKeepsForwardValuesTheBackwardReadsUntilTheEnd() {
        GraphFixture f = new GraphFixture();
        Entry[] v = f.expChain(2);
        Entry a = v[1], b = v[2];
        int backward = f.size();
        Entry c = f.op("c", "cos", a);
        Entry d = f.op("d", "sin", c);
        Entry e = f.op("e", "sin", d);

        BufferPlan once = planned(f, PlanOptions.defaults(), b, e);
        assertThat(once.buffers()).containsExactly(arena(0, 6, a, c, d), output(1, 6, b), output(2, 6, e));

        BufferPlan rerunnable = planned(f, PlanOptions.defaults().withBackwardFrom(backward), b, e);
        assertThat(rerunnable.buffers()).containsExactly(arena(0, 6, a), output(1, 6, b), arena(2, 6, c, d),
                output(3, 6, e));
    }

    @Test
    void valuesOfUnknownShapeAreLeftToTheExecutor() {
        GraphFixture f = new GraphFixture();
        Entry x = f.var("x");
        Entry a = f.op("a", "exp", x);
        BufferPlan plan = f.plan(PlanOptions.defaults(), a);

        assertThat(plan.bufferOf(a)).isEqualTo(BufferPlan.DYNAMIC);
        assertThat(plan.dynamicValues()).isEqualTo(1);
        assertThat(plan.buffers()).isEmpty();
        assertThat(plan.toString()).contains("1 dynamic");
    }

    @Test
    void planningTwiceGivesTheSamePlan() {
        GraphFixture f = new GraphFixture();
        Entry[] v = fullyConnectedChain(f);
        BufferPlan first = f.plan(PlanOptions.defaults(), v[4], v[1]);
        BufferPlan second = f.plan(PlanOptions.defaults(), v[4], v[1]);
        assertThat(second.buffers()).isEqualTo(first.buffers());
        assertThat(second.toString()).isEqualTo(first.toString());
    }

    @Test
    void summaryAndListingNameTheNumbersAndTheBuffers() {
        GraphFixture f = new GraphFixture();
        Entry[] v = f.expChain(2);
        Entry b = v[2];
        BufferPlan plan = f.plan(PlanOptions.defaults(), b, v[1]);
        assertThat(plan.toString()).isEqualTo("2 values in 2 buffers (0 in place, 0 of them identities); eager 48 B, "
                + "planned 48 B (reuse 0%; arena 0 B, outputs 48 B), peak live 48 B");
        Entry c = f.op("c", "exp", b);
        assertThat(f.plan(PlanOptions.defaults(), c).describe()).isEqualTo(
                "3 values in 2 buffers (1 in place, 0 of them identities); eager 72 B, planned 48 B (reuse 33%; "
                        + "arena 24 B, outputs 24 B), peak live 48 B\n"
                        + "  b0 arena float32[6] 24 B: a b(over in0)\n"
                        + "  b1 output float32[6] 24 B: c\n");
    }

    @Test
    void inferenceOfAnotherGraphIsRefused() {
        GraphFixture f = new GraphFixture();
        Entry a = f.expChain(1)[1];
        Graph small = f.graph(a);
        Entry b = f.op("b", "exp", a);
        Graph big = f.graph(b);
        var shapes = ShapeInference.infer(small, f.shapes());
        var types = TypeInference.infer(big, Map.of("x", DType.FLOAT32));
        assertThatThrownBy(() -> MemoryPlanner.plan(big, shapes, types))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("shapes were inferred for another graph (2 nodes) than the one planned (3 nodes)");
    }

    /** A one-input op that wrongly declares an in-place option on an input it does not have. */
    private static final class BadInPlaceOp extends OpDef {
        BadInPlaceOp() {
            super("bad_in_place", OpFamily.ELEMENTWISE, List.of("data"), List.of());
        }

        @Override
        public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
            return List.of(InPlaceOption.overwrite(1, 0));
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
            return List.of(inputShapes.get(0));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            throw new UnsupportedOperationException("never run");
        }
    }

    @Test
    void inPlaceOptionOutsideTheOpsInputsIsAnErrorNamingOpAndNode() {
        GraphFixture f = new GraphFixture();
        Entry x = f.var("x", 2, 3);
        Entry a = f.op("a", "exp", x);
        OpDef bad = new BadInPlaceOp();
        Entry b = f.node(new OpNode("oops", bad, bad.defaultAttrs(), List.of(a)));
        assertThatThrownBy(() -> f.plan(PlanOptions.defaults(), b))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("op 'bad_in_place': node 'oops' declares output 0 in place of input 1 but has 1 "
                        + "inputs and 1 outputs");
    }
}
