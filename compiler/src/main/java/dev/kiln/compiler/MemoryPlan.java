package dev.kiln.compiler;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.Arrays;
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
 */
public record MemoryPlan(long unplannedBytes, long plannedBytes, long peakLiveBytes, int values) {

    /** The share of eager allocation the plan saves ({@code 1 - planned / unplanned}; 0 for an empty graph). */
    public double reuseRatio() {
        return unplannedBytes == 0 ? 0 : 1 - (double) plannedBytes / unplannedBytes;
    }

    /**
     * The plan of a graph that allocates every op output separately (the reference interpreter): planned equals
     * unplanned, and the peak is measured by liveness over the node order.
     */
    public static MemoryPlan withoutReuse(Graph graph, InferenceResult<Shape> shapes, InferenceResult<DType> types) {
        int n = graph.size();
        int[] lastUse = new int[n];
        Arrays.fill(lastUse, -1);
        for (int i = 0; i < n; i++) {
            for (Entry e : graph.node(i).inputs()) {
                lastUse[e.node()] = Math.max(lastUse[e.node()], i);
            }
        }
        for (Entry e : graph.outputs()) {
            lastUse[e.node()] = Integer.MAX_VALUE;
        }
        long[] nodeBytes = new long[n];
        long total = 0;
        int values = 0;
        for (int i = 0; i < n; i++) {
            Node node = graph.node(i);
            if (node instanceof OpNode op) {
                int outs = op.op().numOutputs(op.params());
                for (int k = 0; k < outs; k++) {
                    nodeBytes[i] += bytes(shapes.entry(i, k), types.entry(i, k));
                    values++;
                }
                total += nodeBytes[i];
            }
        }
        long live = 0;
        long peak = 0;
        for (int i = 0; i < n; i++) {
            live += nodeBytes[i];
            peak = Math.max(peak, live);
            for (Entry e : graph.node(i).inputs()) {
                if (lastUse[e.node()] == i) {
                    live -= nodeBytes[e.node()];
                    nodeBytes[e.node()] = 0;
                }
            }
        }
        return new MemoryPlan(total, total, peak, values);
    }

    private static long bytes(Shape s, DType t) {
        if (s == null || !s.isKnown()) {
            return 0;
        }
        return s.sizeLong() * (t == null ? 4 : t.byteSize());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d values; eager %s, planned %s (reuse %.0f%%), peak live %s", values,
                human(unplannedBytes), human(plannedBytes), 100 * reuseRatio(), human(peakLiveBytes));
    }

    /** Bytes in B, KiB, MiB or GiB with one decimal. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
