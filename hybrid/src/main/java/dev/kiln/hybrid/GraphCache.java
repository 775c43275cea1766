package dev.kiln.hybrid;

import dev.kiln.compiler.CompiledGraph;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A hybridized block's compiled graphs, one per {@link InputSignature}, least recently used first out. A miss is
 * logged (level DEBUG) with the difference from the nearest cached signature; an eviction is a WARNING, since it
 * means the inputs keep changing in a way that recompiles every time. Thread-safe; a graph is compiled outside the
 * lock, and two threads missing on one signature at once keep the first result. A lookup of the most recently used
 * signature, the steady state of a block called again and again, takes no lock.
 */
public final class GraphCache {
    private static final System.Logger LOG = System.getLogger(GraphCache.class.getName());

    private final String owner;
    private final int capacity;
    private final LinkedHashMap<InputSignature, CompiledGraph> graphs = new LinkedHashMap<>(16, 0.75f, true);
    private final LongAdder hits = new LongAdder();
    /**
     * The most recently used entry (the last in LRU order), or {@code null}; written under the lock whenever the
     * order changes, read without it. A hit on it changes no order, so {@link #getIfPresent} can take it lock-free.
     */
    private volatile Recent recent;
    private long misses;
    private long evictions;
    private String lastMiss = "";

    /** An empty cache for the block at {@code owner} keeping at most {@code capacity} graphs. */
    public GraphCache(String owner, int capacity) {
        this.owner = owner;
        this.capacity = capacity;
    }

    /** The graph for {@code sig}, compiled by {@code compile} on a miss. */
    public CompiledGraph get(InputSignature sig, Supplier<CompiledGraph> compile) {
        String reason;
        synchronized (this) {
            CompiledGraph g = cached(sig);
            if (g != null) {
                return g;
            }
            misses++;
            reason = missReason(sig);
            lastMiss = reason;
        }
        LOG.log(Level.DEBUG, () -> "hybridized block '" + owner + "': compiling for " + sig + " (" + reason + ")");
        CompiledGraph compiled = compile.get();
        synchronized (this) {
            CompiledGraph raced = graphs.get(sig);
            if (raced != null) {
                recent = new Recent(sig, raced);
                return raced;
            }
            graphs.put(sig, compiled);
            recent = new Recent(sig, compiled);
            if (graphs.size() > capacity) {
                InputSignature eldest = graphs.keySet().iterator().next();
                graphs.remove(eldest);
                evictions++;
                LOG.log(Level.WARNING, "hybridized block '" + owner + "': its compiled-graph cache is full ("
                        + capacity + " graphs), so the graph for " + eldest + " was evicted. Inputs whose shapes "
                        + "vary call after call recompile each time: leave staticShape off (graphs then serve every "
                        + "shape of a rank) or raise HybridizeOptions.cacheSize.");
            }
            return compiled;
        }
    }

    /**
     * The graph cached for {@code sig}, counted as a hit, or {@code null} (nothing counted) when it is not cached:
     * the caller then goes through {@link #get}, which counts the miss.
     */
    public CompiledGraph getIfPresent(InputSignature sig) {
        Recent r = recent;
        if (r != null && r.sig() == sig) {
            hits.increment();
            return r.graph();
        }
        synchronized (this) {
            return cached(sig);
        }
    }

    /** With the lock held: the graph cached for {@code sig}, counted as a hit and made the most recent, or null. */
    private CompiledGraph cached(InputSignature sig) {
        CompiledGraph g = graphs.get(sig);
        if (g != null) {
            hits.increment();
            recent = new Recent(sig, g);
        }
        return g;
    }

    private String missReason(InputSignature sig) {
        if (graphs.isEmpty()) {
            return "first call";
        }
        InputSignature nearest = null;
        int best = Integer.MAX_VALUE;
        for (InputSignature s : graphs.keySet()) {
            int d = sig.distance(s);
            if (d < best) {
                best = d;
                nearest = s;
            }
        }
        return "new signature: " + sig.differenceFrom(nearest);
    }

    /** One snapshot of the cached signatures and their graphs, least recently used first. */
    public synchronized List<Map.Entry<InputSignature, CompiledGraph>> entries() {
        List<Map.Entry<InputSignature, CompiledGraph>> out = new ArrayList<>(graphs.size());
        graphs.forEach((k, v) -> out.add(Map.entry(k, v)));
        return out;
    }

    /** Counts so far and the reason of the last miss. */
    public synchronized Stats stats() {
        return new Stats(graphs.size(), capacity, hits.sum(), misses, evictions, lastMiss);
    }

    /** Drops every compiled graph (counts are kept). */
    public synchronized void clear() {
        graphs.clear();
        recent = null;
    }

    private record Recent(InputSignature sig, CompiledGraph graph) {
    }

    /**
     * The cache's counters.
     *
     * @param size      graphs cached now
     * @param capacity  the most it keeps
     * @param hits      calls that found their graph
     * @param misses    calls that compiled one
     * @param evictions graphs dropped to stay within capacity
     * @param lastMiss  why the last miss missed
     */
    public record Stats(int size, int capacity, long hits, long misses, long evictions, String lastMiss) {
    }
}
