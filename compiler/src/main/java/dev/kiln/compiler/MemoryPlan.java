package dev.kiln.compiler;

import dev.kiln.compiler.memory.BufferPlan;
import dev.kiln.compiler.memory.MemoryPlanner;
import dev.kiln.compiler.memory.PlanOptions;
import dev.kiln.graph.Graph;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.Locale;

/**
 * The memory a compiled graph needs for one signature: what eager execution would allocate (every op output its own
 * array), what the backend's plan allocates, and the most bytes alive at once if each value is freed after its last
 * reader. Counts op outputs only (inputs and parameters belong to the caller).
 *
 * @param unplannedBytes every op output in its own buffer, as eager execution allocates
 * @param plannedBytes   what the compiled graph allocates per run
 * @param peakLiveBytes  the largest sum of values alive at one time, graph outputs held to the end
 * @param values         how many op outputs the graph computes
 * @param buffers        how many buffers hold them
 * @param inPlace        how many outputs took an input's buffer
 */
public record MemoryPlan(long unplannedBytes, long plannedBytes, long peakLiveBytes, int values, int buffers,
                         int inPlace) {

    /** A plan in which every value has a buffer of its own. */
    public MemoryPlan(long unplannedBytes, long plannedBytes, long peakLiveBytes, int values) {
        this(unplannedBytes, plannedBytes, peakLiveBytes, values, values, 0);
    }

    /** The share of eager allocation the plan saves ({@code 1 - planned / unplanned}; 0 for an empty graph). */
    public double reuseRatio() {
        return unplannedBytes == 0 ? 0 : 1 - (double) plannedBytes / unplannedBytes;
    }

    /** The numbers of a planner's buffer plan, as a backend that allocates by it reports them. */
    public static MemoryPlan planned(BufferPlan plan) {
        return new MemoryPlan(plan.unplannedBytes(), plan.plannedBytes(), plan.peakLiveBytes(), plan.values(),
                plan.buffers().size(), plan.inPlaceCount());
    }

    /**
     * The plan of a graph that allocates every op output separately (the reference interpreter): planned equals
     * unplanned, and the peak is measured by liveness over the node order.
     */
    public static MemoryPlan withoutReuse(Graph graph, InferenceResult<Shape> shapes, InferenceResult<DType> types) {
        return planned(MemoryPlanner.plan(graph, shapes, types, PlanOptions.noReuse()));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d values in %d buffers (%d in place); eager %s, planned %s (reuse %.0f%%),"
                        + " peak live %s", values, buffers, inPlace, BufferPlan.humanBytes(unplannedBytes),
                BufferPlan.humanBytes(plannedBytes), 100 * reuseRatio(), BufferPlan.humanBytes(peakLiveBytes));
    }
}
