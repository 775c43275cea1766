package dev.kiln.compiler.memory;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where each value of a graph lives, as {@link MemoryPlanner} decided for one signature: a buffer per op output
 * ({@link #bufferOf}), the buffers with their sizes and roles, which outputs took an input's buffer, and the numbers
 * that compare the plan with eager execution (every op output its own array).
 *
 * <p>An executor running the plan must respect it: a value's buffer holds stale data from earlier values, so a kernel
 * that accumulates into its output must clear it first (eager kernels get zero-filled outputs); a buffer may be larger
 * than the value in it, which then occupies its first elements; graph outputs live in {@link Buffer.Role#OUTPUT}
 * buffers allocated afresh per run, unless planned with {@link PlanOptions#outputsInArena}, in which case they must be
 * copied out before the next run overwrites them; and the values a backward reads stay valid only until the next
 * forward run of the same {@link Arena}.
 */
public final class BufferPlan {
    /** {@link #bufferOf} for variables: the caller's arrays, never planned. */
    public static final int EXTERNAL = -1;
    /** {@link #bufferOf} for values of unknown shape or dtype, which the executor allocates when it runs. */
    public static final int DYNAMIC = -2;

    private final Graph graph;
    private final PlanOptions options;
    private final int[] rowPtr;
    private final Shape[] shapes;
    private final DType[] types;
    private final int[] storage;
    private final int[] inPlaceInput;
    private final boolean[] identity;
    private final List<Buffer> buffers;
    private final long unplannedBytes;
    private final long peakLiveBytes;
    private final int values;
    private final int dynamicValues;

    BufferPlan(Graph graph, PlanOptions options, Liveness live, Shape[] shapes, DType[] types, int[] storage,
               int[] inPlaceInput, boolean[] identity, List<Buffer> buffers) {
        this.graph = graph;
        this.options = options;
        this.rowPtr = live.rowPtr;
        this.shapes = shapes;
        this.types = types;
        this.storage = storage;
        this.inPlaceInput = inPlaceInput;
        this.identity = identity;
        this.buffers = List.copyOf(buffers);
        long unplanned = 0;
        int count = 0;
        int dynamic = 0;
        for (int e = 0; e < storage.length; e++) {
            if (storage[e] == EXTERNAL) {
                continue;
            }
            count++;
            if (storage[e] == DYNAMIC) {
                dynamic++;
            } else {
                unplanned += valueBytes(e);
            }
        }
        this.unplannedBytes = unplanned;
        this.values = count;
        this.dynamicValues = dynamic;
        this.peakLiveBytes = peak(live);
    }

    /** The largest sum, over the nodes, of the bytes alive in each buffer (a buffer counts its largest live value). */
    private long peak(Liveness live) {
        int n = graph.size();
        long[] liveBytes = new long[n];
        long[] inBuffer = new long[n];
        for (Buffer b : buffers) {
            int first = n;
            int last = -1;
            for (Entry v : b.values()) {
                int e = id(v);
                first = Math.min(first, live.nodeOf[e]);
                last = Math.max(last, live.lastStep[e]);
                for (int t = live.nodeOf[e]; t <= live.lastStep[e]; t++) {
                    inBuffer[t] = Math.max(inBuffer[t], valueBytes(e));
                }
            }
            for (int t = first; t <= last; t++) {
                liveBytes[t] += inBuffer[t];
                inBuffer[t] = 0;
            }
        }
        return Arrays.stream(liveBytes).max().orElse(0);
    }

    private long valueBytes(int e) {
        return shapes[e].sizeLong() * types[e].byteSize();
    }

    private int id(Entry e) {
        return rowPtr[e.node()] + e.output();
    }

    public Graph graph() {
        return graph;
    }

    public PlanOptions options() {
        return options;
    }

    /** The buffer holding {@code e}: its index in {@link #buffers()}, {@link #EXTERNAL} or {@link #DYNAMIC}. */
    public int bufferOf(Entry e) {
        return storage[id(e)];
    }

    /** The buffer holding output {@code output} of node {@code node}. */
    public int bufferOf(int node, int output) {
        return bufferOf(new Entry(node, output));
    }

    /** The input whose buffer output {@code e} took (in place or as an identity), -1 if it has a buffer of its own. */
    public int inPlaceInput(Entry e) {
        return inPlaceInput[id(e)];
    }

    /** True if {@code e} shares its input's buffer because it equals it (reshape), not because it overwrites it. */
    public boolean isIdentity(Entry e) {
        return identity[id(e)];
    }

    /** The inferred shape of {@code e}. */
    public Shape shape(Entry e) {
        return shapes[id(e)];
    }

    /** The inferred dtype of {@code e}. */
    public DType dtype(Entry e) {
        return types[id(e)];
    }

    /** Every buffer, by id. */
    public List<Buffer> buffers() {
        return buffers;
    }

    /** Bytes eager execution allocates: every op output with a known shape in an array of its own. */
    public long unplannedBytes() {
        return unplannedBytes;
    }

    /** Bytes the plan allocates: every buffer at its capacity. */
    public long plannedBytes() {
        return arenaBytes() + outputBytes();
    }

    /** Bytes of the buffers allocated once ({@link Buffer.Role#ARENA}). */
    public long arenaBytes() {
        return bytesOf(Buffer.Role.ARENA);
    }

    /** Bytes of the graph-output buffers allocated per run ({@link Buffer.Role#OUTPUT}). */
    public long outputBytes() {
        return bytesOf(Buffer.Role.OUTPUT);
    }

    private long bytesOf(Buffer.Role role) {
        long sum = 0;
        for (Buffer b : buffers) {
            if (b.role() == role) {
                sum += b.bytes();
            }
        }
        return sum;
    }

    /** The most bytes alive at once during a run (graph outputs held to the end); at most {@link #plannedBytes}. */
    public long peakLiveBytes() {
        return peakLiveBytes;
    }

    /** How many op outputs the graph computes, hidden ones included. */
    public int values() {
        return values;
    }

    /** How many of them have no buffer because their shape or dtype is unknown. */
    public int dynamicValues() {
        return dynamicValues;
    }

    /** How many outputs took an input's buffer, by overwriting it or as an identity. */
    public int inPlaceCount() {
        int count = 0;
        for (int k : inPlaceInput) {
            if (k >= 0) {
                count++;
            }
        }
        return count;
    }

    /** How many of the {@link #inPlaceCount} outputs share as identities. */
    public int identityCount() {
        int count = 0;
        for (boolean b : identity) {
            if (b) {
                count++;
            }
        }
        return count;
    }

    /** The share of eager allocation the plan saves ({@code 1 - planned / unplanned}; 0 for no values). */
    public double reuseRatio() {
        return unplannedBytes == 0 ? 0 : 1 - (double) plannedBytes() / unplannedBytes;
    }

    /** Allocates the buffers for one executor; see {@link Arena}. */
    public Arena allocate() {
        return new Arena(this);
    }

    /** Every buffer on a line: id, role, dtype and size, and the values it holds in order. */
    public String describe() {
        StringBuilder sb = new StringBuilder(toString()).append('\n');
        for (Buffer b : buffers) {
            sb.append(String.format(Locale.ROOT, "  b%d %s %s[%d] %s:", b.id(), b.role().name().toLowerCase(Locale.ROOT),
                    b.dtype().mxnetName(), b.elements(), humanBytes(b.bytes())));
            for (Entry v : b.values()) {
                sb.append(' ').append(graph.node(v.node()).name());
                if (graph.node(v.node()).numOutputs() > 1) {
                    sb.append('.').append(v.output());
                }
                if (inPlaceInput(v) >= 0) {
                    sb.append(isIdentity(v) ? "(=in" : "(over in").append(inPlaceInput(v)).append(')');
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d values in %d buffers (%d in place, %d of them identities%s); eager %s, planned %s"
                        + " (reuse %.0f%%; arena %s, outputs %s), peak live %s", values, buffers.size(),
                inPlaceCount(), identityCount(), dynamicValues == 0 ? "" : ", " + dynamicValues + " dynamic",
                humanBytes(unplannedBytes), humanBytes(plannedBytes()), 100 * reuseRatio(), humanBytes(arenaBytes()),
                humanBytes(outputBytes()), humanBytes(peakLiveBytes));
    }

    /** Bytes in B, KiB, MiB or GiB with one decimal. */
    public static String humanBytes(long bytes) {
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
