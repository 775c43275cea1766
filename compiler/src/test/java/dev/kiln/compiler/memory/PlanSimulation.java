package dev.kiln.compiler.memory;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.InPlaceOption;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Checks a plan independently of the planner by running it symbolically: every buffer holds a token naming the value
 * last written to it (an identity output carries its input's token, being the same elements), every read must find
 * its value's token, graph outputs must still be in place at the end, and a re-runnable backward runs twice. Each
 * output sharing a buffer with one of its node's inputs must do so through a declared option, overwriting only an
 * input nothing reads afterwards.
 */
final class PlanSimulation {
    private final BufferPlan plan;
    private final Graph graph;
    private final Map<Entry, Entry> token = new HashMap<>();
    private final Map<Integer, Entry> content = new HashMap<>();

    private PlanSimulation(BufferPlan plan) {
        this.plan = plan;
        this.graph = plan.graph();
    }

    static void check(BufferPlan plan) {
        PlanSimulation sim = new PlanSimulation(plan);
        sim.checkBuffers();
        int n = sim.graph.size();
        sim.run(0, n);
        int from = plan.options().backwardFrom();
        if (from > 0) {
            sim.run(from, n);
        }
        for (Entry out : sim.graph.outputs()) {
            sim.expectHolds(out, "graph output at the end");
        }
    }

    /** Every planned value fits its buffer and has its storage type; variables are never planned. */
    private void checkBuffers() {
        Set<Entry> listed = new HashSet<>();
        for (Buffer b : plan.buffers()) {
            for (Entry v : b.values()) {
                assertThat(plan.bufferOf(v)).as("buffer of %s", v).isEqualTo(b.id());
                assertThat(plan.shape(v).sizeLong()).as("%s fits buffer %d", v, b.id()).isLessThanOrEqualTo(b.elements());
                assertThat(Storage.allocate(plan.dtype(v), 0).getClass()).isEqualTo(Storage.allocate(b.dtype(), 0).getClass());
                assertThat(listed.add(v)).as("%s listed once", v).isTrue();
                boolean output = graph.outputs().contains(v);
                if (output && !plan.options().outputsInArena()) {
                    assertThat(b.role()).as("graph output %s has a buffer of its own", v).isEqualTo(Buffer.Role.OUTPUT);
                }
            }
        }
        for (int i = 0; i < graph.size(); i++) {
            Node node = graph.node(i);
            for (int k = 0; k < node.numOutputs(); k++) {
                Entry e = new Entry(i, k);
                int b = plan.bufferOf(e);
                if (!(node instanceof OpNode)) {
                    assertThat(b).as("variable %s", node.name()).isEqualTo(BufferPlan.EXTERNAL);
                } else if (b >= 0) {
                    assertThat(listed).as("%s in its buffer's list", e).contains(e);
                } else {
                    assertThat(b).isEqualTo(BufferPlan.DYNAMIC);
                }
            }
        }
    }

    private void run(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!(graph.node(i) instanceof OpNode op)) {
                continue;
            }
            for (Entry in : op.inputs()) {
                expectHolds(in, "input of node " + i + " '" + op.name() + "'");
            }
            for (int k = 0; k < op.numOutputs(); k++) {
                Entry out = new Entry(i, k);
                checkSharing(i, op, out);
                int s = plan.inPlaceInput(out);
                token.put(out, s >= 0 && plan.isIdentity(out) ? tokenOf(op.inputs().get(s)) : out);
                if (plan.bufferOf(out) >= 0) {
                    content.put(plan.bufferOf(out), tokenOf(out));
                }
            }
        }
    }

    private Entry tokenOf(Entry e) {
        return token.getOrDefault(e, e);
    }

    private void expectHolds(Entry e, String what) {
        int b = plan.bufferOf(e);
        if (b < 0) {
            return;
        }
        if (!tokenOf(e).equals(content.get(b))) {
            fail("%s %s (node '%s') should be in buffer %d, which holds %s instead%n%s", what, e,
                    graph.node(e.node()).name(), b, content.get(b), plan.describe());
        }
    }

    /** An output in the buffer of one of its node's inputs must be declared and legal. */
    private void checkSharing(int node, OpNode op, Entry out) {
        int b = plan.bufferOf(out);
        List<Integer> sameBuffer = new ArrayList<>();
        for (int k = 0; k < op.inputs().size(); k++) {
            if (b >= 0 && plan.bufferOf(op.inputs().get(k)) == b) {
                sameBuffer.add(k);
            }
        }
        int s = plan.inPlaceInput(out);
        if (s < 0) {
            assertThat(sameBuffer).as("%s of '%s' shares a buffer with its inputs undeclared", out, op.name()).isEmpty();
            return;
        }
        Entry in = op.inputs().get(s);
        assertThat(op.op().inPlaceOptions(op.params()))
                .contains(new InPlaceOption(s, out.output(), plan.isIdentity(out)));
        assertThat(plan.bufferOf(in)).isEqualTo(b);
        assertThat(plan.shape(in).sizeLong()).isEqualTo(plan.shape(out).sizeLong());
        if (!plan.isIdentity(out)) {
            for (int k : sameBuffer) {
                assertThat(op.inputs().get(k)).as("inputs in the overwritten buffer of '%s'", op.name()).isEqualTo(in);
            }
            assertThat(graph.outputs()).as("overwritten input of '%s'", op.name()).doesNotContain(in);
            for (int j = node + 1; j < graph.size(); j++) {
                assertThat(graph.node(j).inputs()).as("'%s' overwrote %s, which node %d reads", op.name(), in, j)
                        .doesNotContain(in);
            }
        }
    }
}
