package dev.kiln.compiler.memory;

import dev.kiln.graph.Graph;
import dev.kiln.graph.gradient.GradientGraph;
import dev.kiln.graph.gradient.GraphGradient;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Plans of traced networks, forward alone and forward with backward. */
class NetworkMemoryPlanTest {

    private static BufferPlan checked(Graph graph, Map<String, Shape> shapes, PlanOptions options) {
        BufferPlan plan = GraphFixture.plan(graph, shapes, options);
        PlanSimulation.check(plan);
        assertThat(plan.plannedBytes()).isLessThanOrEqualTo(plan.unplannedBytes());
        assertThat(plan.peakLiveBytes()).isLessThanOrEqualTo(plan.plannedBytes());
        assertThat(plan.reuseRatio()).isPositive();
        return plan;
    }

    private static BufferPlan withBackward(Graph forward, Map<String, Shape> shapes) {
        List<String> params = new ArrayList<>();
        for (int i : forward.argumentNodes()) {
            params.add(forward.node(i).name());
        }
        GradientGraph gg = GraphGradient.of(forward).onesHeadGradients().training(true)
                .wrt(params.toArray(new String[0])).build();
        return checked(gg.graph(), shapes, PlanOptions.defaults().withBackwardFrom(gg.numForwardNodes()));
    }

    @Test
    void mlpPlanReusesTheFirstLayersBufferAndRunsActivationsInPlace() {
        BufferPlan plan = checked(Networks.mlp(), Map.of("data", Shape.of(8, 32)), PlanOptions.defaults());

        // values: fc0 512, relu 512, BatchNorm 512 + mean 64 + var 64, relu 512, fc1 80 elements
        assertThat(plan.values()).isEqualTo(7);
        assertThat(plan.unplannedBytes()).isEqualTo((4 * 512 + 2 * 64 + 80) * 4);
        // relus overwrite their inputs; BatchNorm needs a second 512 buffer while fc0's is still read
        assertThat(plan.inPlaceCount()).isEqualTo(2);
        assertThat(plan.plannedBytes()).isEqualTo((2 * 512 + 2 * 64 + 80) * 4);
        assertThat(plan.outputBytes()).isEqualTo(80 * 4);
        assertThat(plan.peakLiveBytes()).isEqualTo((2 * 512 + 2 * 64) * 4);
    }

    @Test
    void cnnPlanSharesBuffersAcrossBlocksAndFlattensWithoutCopying() {
        BufferPlan plan = checked(Networks.cnn(), Map.of("data", Shape.of(4, 3, 16, 16)), PlanOptions.defaults());
        assertThat(plan.identityCount()).isEqualTo(1);
        assertThat(plan.reuseRatio()).isGreaterThan(0.5);
    }

    @Test
    void mlpForwardAndBackwardPlanReuses() {
        BufferPlan plan = withBackward(Networks.mlp(), Map.of("data", Shape.of(8, 32)));
        assertThat(plan.buffers().size()).isLessThan(plan.values());
    }

    @Test
    void cnnForwardAndBackwardPlanReuses() {
        BufferPlan plan = withBackward(Networks.cnn(), Map.of("data", Shape.of(2, 3, 8, 8)));
        assertThat(plan.buffers().size()).isLessThan(plan.values());
    }

    @Test
    void searchingMatchRangesKeepsTheSmallestPlan() {
        Graph forward = Networks.cnn();
        Map<String, Shape> shapes = Map.of("data", Shape.of(2, 3, 8, 8));
        long smallest = Long.MAX_VALUE;
        int best = 0;
        for (int range : new int[] {1, 2, 4, 8, 16}) {
            long bytes = GraphFixture.plan(forward, shapes, PlanOptions.defaults().withMatchRange(range)).plannedBytes();
            if (bytes < smallest) {
                smallest = bytes;
                best = range;
            }
        }
        BufferPlan searched = checked(forward, shapes, PlanOptions.defaults().searchingRanges());
        assertThat(searched.plannedBytes()).isEqualTo(smallest);
        assertThat(searched.options().matchRange()).isEqualTo(best);
        assertThat(searched.options().searchRange()).isFalse();
    }
}
