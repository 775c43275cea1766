package dev.kiln.compiler.memory;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Buffers allocated from a plan, and a minimal executor that runs a graph in them call after call. */
class ArenaTest {

    /** Runs every op with its kernel and stores each output in its planned buffer; returns the graph outputs. */
    private static List<NDArray> runIn(Arena arena, Graph graph, Map<String, NDArray> variables) {
        arena.nextRun();
        for (int i = 0; i < graph.size(); i++) {
            if (!(graph.node(i) instanceof OpNode op)) {
                continue;
            }
            List<NDArray> in = new ArrayList<>();
            for (Entry e : op.inputs()) {
                NDArray v = variables.get(graph.node(e.node()).name());
                in.add(v != null ? v : arena.value(e));
            }
            List<NDArray> out = Ops.invokeAll(op.op(), op.params(), in);
            for (int k = 0; k < out.size(); k++) {
                out.get(k).copyTo(arena.value(new Entry(i, k)));
            }
        }
        List<NDArray> results = new ArrayList<>();
        for (Entry e : graph.outputs()) {
            results.add(arena.value(e));
        }
        return results;
    }

    private static Map<String, NDArray> randomVariables(InferenceResult<Shape> shapes, long seed) {
        Random rnd = new Random(seed);
        Map<String, NDArray> vars = new HashMap<>();
        shapes.variables().forEach((name, shape) -> {
            float[] data = new float[shape.size()];
            for (int k = 0; k < data.length; k++) {
                data[k] = name.endsWith("_var") ? 0.5f + rnd.nextFloat() : rnd.nextFloat() * 2 - 1;
            }
            vars.put(name, NDArray.wrap(shape, data));
        });
        return vars;
    }

    @Test
    void plannedRunsMatchTheInterpreterCallAfterCallAndEarlierOutputsStayIntact() {
        Graph graph = Networks.cnn();
        Map<String, Shape> given = Map.of("data", Shape.of(2, 3, 8, 8));
        InferenceResult<Shape> shapes = ShapeInference.infer(graph, given);
        BufferPlan plan = GraphFixture.plan(graph, given, PlanOptions.defaults().exactSizes());
        assertThat(plan.inPlaceCount()).isPositive();
        Arena arena = plan.allocate();

        Map<String, NDArray> first = randomVariables(shapes, 1);
        NDArray firstOut = runIn(arena, graph, first).get(0);
        NDArray firstCopy = firstOut.copy();
        Map<String, NDArray> second = randomVariables(shapes, 2);
        NDArray secondOut = runIn(arena, graph, second).get(0);

        assertThat(firstOut).isEqualTo(Interpreter.eval(graph, first).get(0));
        assertThat(secondOut).isEqualTo(Interpreter.eval(graph, second).get(0));
        assertThat(firstOut).isEqualTo(firstCopy);
        assertThat(secondOut).isNotSameAs(firstOut);
    }

    @Test
    void arenaBuffersAreAllocatedOnceAndOutputBuffersPerRun() {
        GraphFixture f = new GraphFixture();
        Entry[] v = f.expChain(2);
        Entry a = v[1], b = v[2];
        Arena arena = f.plan(PlanOptions.defaults(), b).allocate();
        BufferPlan plan = arena.plan();

        Object scratch = arena.storage(a);
        NDArray out = arena.value(b);
        arena.nextRun();
        assertThat(arena.storage(a)).isSameAs(scratch);
        assertThat(arena.value(a).data()).isSameAs(scratch);
        assertThat(arena.value(b)).isNotSameAs(out);
        assertThat(arena.value(b).shape()).isEqualTo(Shape.of(2, 3));
        assertThat(arena.storage(plan.bufferOf(b))).isSameAs(arena.value(b).data());
    }

    @Test
    void valuesSmallerThanTheirBufferHaveNoArrayOfTheirOwnAndVariablesNoBuffer() {
        GraphFixture f = new GraphFixture();
        Entry x = f.var("x", 1, 2);
        Entry a = f.op("a", "FullyConnected", Map.of("num_hidden", 8, "no_bias", true), x, f.var("w0"));
        Entry b = f.op("b", "FullyConnected", Map.of("num_hidden", 8, "no_bias", true), a, f.var("w1"));
        Entry c = f.op("c", "FullyConnected", Map.of("num_hidden", 2, "no_bias", true), b, f.var("w2"));
        Entry d = f.op("d", "exp", c);
        Arena arena = f.plan(PlanOptions.defaults(), d).allocate();

        assertThat(arena.plan().bufferOf(c)).isEqualTo(arena.plan().bufferOf(a));
        assertThat(arena.value(a).size()).isEqualTo(8);
        assertThatThrownBy(() -> arena.value(c))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("value %6 of node 'c' has 2 elements but its buffer 0 holds 8");
        assertThatThrownBy(() -> arena.storage(x))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("value %0 of node 'x' has no planned buffer (a variable, the caller's)");
    }

    @Test
    void renewGivesAGraphOutputBufferANewArrayAndRefusesOtherBuffers() {
        Graph graph = Networks.cnn();
        BufferPlan plan = GraphFixture.plan(graph, Map.of("data", Shape.of(2, 3, 8, 8)),
                PlanOptions.defaults().exactSizes());
        Arena arena = plan.allocate();
        Buffer output = plan.buffers().stream().filter(b -> b.role() == Buffer.Role.OUTPUT).findFirst().orElseThrow();
        Buffer inner = plan.buffers().stream().filter(b -> b.role() != Buffer.Role.OUTPUT).findFirst().orElseThrow();
        Object before = arena.storage(output.id());
        Object innerBefore = arena.storage(inner.id());
        arena.renew(output.id());
        assertThat(arena.storage(output.id())).isNotSameAs(before);
        assertThat(arena.storage(inner.id())).isSameAs(innerBefore);
        assertThatThrownBy(() -> arena.renew(inner.id())).isInstanceOf(KilnException.class)
                .hasMessageContaining("not a graph-output buffer");
    }
}
