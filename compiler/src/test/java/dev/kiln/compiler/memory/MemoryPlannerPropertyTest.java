package dev.kiln.compiler.memory;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.gradient.GradientGraph;
import dev.kiln.graph.gradient.GraphGradient;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random graphs and random options: the symbolic run of every plan finds each value where it should be, in-place
 * sharing only where legal, and the byte counts agree with ones computed here from the shapes.
 */
class MemoryPlannerPropertyTest {
    private static final int GRAPHS = 300;

    @Test
    void randomGraphsArePlannedWithoutClobberingAnyLiveValue() {
        for (long seed = 0; seed < GRAPHS; seed++) {
            RandomGraphs r = new RandomGraphs(seed);
            Entry[] outputs = r.build(3 + (int) (seed % 25));
            PlanOptions options = r.options();
            Graph graph = r.fixture.graph(outputs);
            BufferPlan plan = GraphFixture.plan(graph, r.fixture.shapes(), options);
            try {
                PlanSimulation.check(plan);
                checkNumbers(plan, ShapeInference.infer(graph, r.fixture.shapes()));
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", " + options + "\n" + graph + plan.describe(), e);
            }
        }
    }

    @Test
    void forwardAndBackwardGraphsKeepWhatTheBackwardRereads() {
        int checked = 0;
        for (long seed = 0; seed < GRAPHS / 3; seed++) {
            RandomGraphs r = new RandomGraphs(1000 + seed);
            Entry[] outputs = r.build(3 + (int) (seed % 15));
            Graph forward = r.fixture.graph(outputs);
            GradientGraph gg = GraphGradient.of(forward).onesHeadGradients().training(true)
                    .wrt(r.variables.toArray(new String[0])).build();
            PlanOptions options = r.options().withBackwardFrom(gg.numForwardNodes());
            BufferPlan plan = GraphFixture.plan(gg.graph(), r.fixture.shapes(), options);
            try {
                PlanSimulation.check(plan);
                checkNumbers(plan, ShapeInference.infer(gg.graph(), r.fixture.shapes()));
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", " + options + "\n" + gg.graph() + plan.describe(), e);
            }
            checked += plan.values();
        }
        assertThat(checked).isGreaterThan(GRAPHS);
    }

    /** Eager bytes, planned bounds and (without sharing) the peak, from the shapes and the graph alone. */
    private static void checkNumbers(BufferPlan plan, InferenceResult<Shape> shapes) {
        Graph g = plan.graph();
        int n = g.size();
        long eager = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; g.node(i) instanceof OpNode && k < g.node(i).numOutputs(); k++) {
                eager += 4 * shapes.entry(i, k).sizeLong();
            }
        }
        assertThat(plan.unplannedBytes()).isEqualTo(eager);
        assertThat(plan.plannedBytes()).isLessThanOrEqualTo(eager);
        assertThat(plan.peakLiveBytes()).isLessThanOrEqualTo(plan.plannedBytes());
        if (plan.options().inPlace() || plan.options().backwardFrom() > 0) {
            return;
        }
        // without sharing, each value counts from its node to its last reader (graph outputs to the end)
        long peak = 0;
        for (int t = 0; t < n; t++) {
            long live = 0;
            for (int i = 0; i <= t; i++) {
                if (!(g.node(i) instanceof OpNode op)) {
                    continue;
                }
                for (int k = 0; k < op.numOutputs(); k++) {
                    Entry e = new Entry(i, k);
                    int end = g.outputs().contains(e) ? n - 1 : lastReader(g, e);
                    if (t <= end) {
                        live += 4 * shapes.entry(e).sizeLong();
                    }
                }
            }
            peak = Math.max(peak, live);
        }
        assertThat(plan.peakLiveBytes()).isEqualTo(peak);
    }

    private static int lastReader(Graph g, Entry e) {
        int last = e.node();
        for (int j = e.node() + 1; j < g.size(); j++) {
            if (g.node(j).inputs().contains(e)) {
                last = j;
            }
        }
        return last;
    }
}
