package dev.kiln.compiler;

import dev.kiln.compiler.memory.BufferPlan;
import dev.kiln.compiler.memory.MemoryPlanner;
import dev.kiln.compiler.memory.PlanOptions;
import dev.kiln.graph.Graph;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

class MemoryPlanTest {
    /** FullyConnected(6), relu, exp on data (2, 4): three values of 12 floats. */
    private static Graph graph() {
        Symbol x = sym.fullyConnected(Symbol.var("data"), Symbol.var("w"), Symbol.var("b"), 6, Map.of("name", "fc"));
        x = sym.call("relu", Map.of("name", "r"), x);
        return sym.call("exp", Map.of("name", "e"), x).graph();
    }

    private static final Map<String, Shape> SHAPES = Map.of("data", Shape.of(2, 4));

    private static InferenceResult<DType> float32(Graph g) {
        return TypeInference.infer(g, Map.of("data", DType.FLOAT32));
    }

    @Test
    void withoutReuseEveryValueHasItsOwnBufferAndThePeakFollowsLiveness() {
        Graph g = graph();
        MemoryPlan plan = MemoryPlan.withoutReuse(g, ShapeInference.infer(g, SHAPES), float32(g));
        assertThat(plan).isEqualTo(new MemoryPlan(3 * 48, 3 * 48, 2 * 48, 3, 3, 0));
        assertThat(plan.reuseRatio()).isZero();
        assertThat(new MemoryPlan(10, 10, 5, 2)).isEqualTo(new MemoryPlan(10, 10, 5, 2, 2, 0));
    }

    @Test
    void plannedCarriesTheBufferPlansNumbers() {
        Graph g = graph();
        BufferPlan buffers = MemoryPlanner.plan(g, ShapeInference.infer(g, SHAPES), float32(g), PlanOptions.defaults());
        MemoryPlan plan = MemoryPlan.planned(buffers);
        // fc and relu share one buffer (relu in place), exp has its own output buffer
        assertThat(plan).isEqualTo(new MemoryPlan(3 * 48, 2 * 48, 2 * 48, 3, 2, 1));
        assertThat(plan.reuseRatio()).isEqualTo(1 - 2.0 / 3);
        assertThat(plan.toString()).isEqualTo("3 values in 2 buffers (1 in place); eager 144 B, planned 96 B "
                + "(reuse 33%), peak live 96 B");
    }

    @Test
    void theInterpreterReportsNoReuseBecauseItAllocatesEveryValue() {
        Graph g = graph();
        InferenceResult<Shape> shapes = ShapeInference.infer(g, SHAPES);
        List<String> inputs = new ArrayList<>(shapes.variables().keySet());
        List<Shape> inputShapes = new ArrayList<>(shapes.variables().values());
        List<DType> types = Collections.nCopies(inputs.size(), DType.FLOAT32);
        for (List<String> gradients : List.of(List.<String>of(), List.of("w", "b"))) {
            CompileRequest request = new CompileRequest(g, inputs, inputShapes, types, true, gradients, true, true, 1);
            MemoryPlan plan = new InterpreterBackend().compile(request).memoryPlan();
            assertThat(plan.plannedBytes()).isEqualTo(plan.unplannedBytes()).isPositive();
            assertThat(plan.buffers()).isEqualTo(plan.values());
            assertThat(plan.inPlace()).isZero();
        }
    }
}
