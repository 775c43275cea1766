package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.anomaly.Anomaly;
import dev.kiln.anomaly.AnomalyContext;
import dev.kiln.anomaly.NumericAnomalyException;
import dev.kiln.graph.Graph;
import dev.kiln.hybrid.CachedGraph;
import dev.kiln.hybrid.GraphCache;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpContext;
import dev.kiln.parameter.Parameter;
import dev.kiln.symbol.NodeOrigin;
import dev.kiln.symbol.Symbol;
import dev.kiln.symbol.TracedNodeException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hybridized block's state: its options, one traced graph per pattern of present inputs and mode, and the
 * bounded cache of compiled graphs they share. A call traces on first use of its pattern, fetches the parameters'
 * arrays on the inputs' device, hands everything to the {@link CachedGraph}, then feeds the graph's taps to the
 * forward hooks of children inside the graph and to the block's op hooks.
 */
final class Hybridization {
    private final HybridBlock block;
    private final HybridizeOptions options;
    private final GraphCache cache;
    private final Map<TraceKey, Traced> traces = new ConcurrentHashMap<>();
    private volatile long epoch = ForwardHooks.epoch();

    /**
     * The trace the last call used: a call with the same pattern of present inputs and the same mode (the common
     * case) takes it without building a key or looking it up. Immutable, published through a volatile field.
     */
    private volatile Last last;

    /** Which inputs were present (and how many there were) and the mode a graph was traced in. */
    private record TraceKey(BitSet present, int count, boolean training) {
        /** Whether a call on {@code inputs} in mode {@code training} has this key; allocates nothing. */
        boolean matches(List<NDArray> inputs, boolean training) {
            if (training != this.training || inputs.size() != count) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                if (present.get(i) != (inputs.get(i) != null)) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Last(TraceKey key, Traced traced) {
    }

    /**
     * A traced graph and where each of its arguments comes from: {@code dataIndex[k] >= 0} is input number
     * {@code dataIndex[k]}, otherwise {@code params[k]}; and the taps among its outputs.
     */
    record Traced(CachedGraph graph, int[] dataIndex, Parameter[] params, List<GraphTaps.HookTap> hookTaps,
                  List<GraphTaps.ValueTap> valueTaps, Map<String, NodeOrigin> origins, int[] passThrough,
                  java.util.concurrent.atomic.AtomicBoolean parametersReady) {
    }

    Hybridization(HybridBlock block, HybridizeOptions options) {
        this.block = block;
        this.options = options;
        this.cache = new GraphCache(block.name(), options.cacheSize());
    }

    HybridizeOptions options() {
        return options;
    }

    GraphCache cache() {
        return cache;
    }

    /** The traced graphs so far. */
    List<Traced> traced() {
        return new ArrayList<>(traces.values());
    }

    List<NDArray> forward(List<NDArray> inputs) {
        long e = ForwardHooks.epoch();
        if (e != epoch) { // hooks were added or removed somewhere: trace the taps again
            traces.clear();
            cache.clear();
            last = null;
            epoch = e;
        }
        boolean training = OpContext.isTraining();
        Last l = last;
        Traced t = l != null && l.key().matches(inputs, training) ? l.traced() : traced(inputs, training);
        int[] through = t.passThrough;
        if (through != null) {
            return through.length == 1 ? List.of(inputs.get(through[0])) : passedThrough(inputs, through);
        }
        Device on = Device.cpu();
        for (NDArray x : inputs) {
            if (x != null) {
                on = x.device();
                break;
            }
        }
        NDArray[] args = new NDArray[t.dataIndex.length];
        if (!t.parametersReady.get()) { // once every parameter the graph reads is materialised, calls skip this
            for (Parameter p : t.params) {
                if (p != null && p.isDeferred()) {
                    block.completeDeferred(inputs);
                    break;
                }
            }
            t.parametersReady.set(true);
        }
        for (int k = 0; k < args.length; k++) {
            int d = t.dataIndex[k];
            args[k] = d >= 0 ? inputs.get(d) : t.params[k].data(on);
        }
        List<NDArray> all;
        try (var where = Anomaly.isEnabled()
                ? AnomalyContext.graph(new TracedNodeSites(t.origins, t.graph.graph())) : null) {
            all = t.graph.call(args);
        } catch (NumericAnomalyException anomaly) {
            throw anomaly; // it names the node and where it was traced
        } catch (KilnException failure) {
            throw TracedNodeException.attribute(failure, t.origins);
        }
        if (t.hookTaps.isEmpty() && t.valueTaps.isEmpty()) {
            return all;
        }
        GraphTaps.fire(t.hookTaps, t.valueTaps, all, block.opHooks());
        return all.subList(0, t.graph.numHeads());
    }

    private static List<NDArray> passedThrough(List<NDArray> inputs, int[] through) {
        NDArray[] out = new NDArray[through.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = inputs.get(through[j]);
        }
        return java.util.Arrays.asList(out);
    }

    /** The trace for the pattern of present {@code inputs} and the mode, traced on its first call. */
    private Traced traced(List<NDArray> inputs, boolean training) {
        int n = inputs.size();
        BitSet present = new BitSet(n);
        for (int i = 0; i < n; i++) {
            if (inputs.get(i) != null) {
                present.set(i);
            }
        }
        TraceKey key = new TraceKey(present, n, training);
        Traced t = traces.get(key);
        if (t == null) {
            // threads making their first calls together may each trace; all keep the first trace stored
            Traced mine = trace(key, block.currentPath());
            Traced raced = traces.putIfAbsent(key, mine);
            t = raced != null ? raced : mine;
        }
        last = new Last(key, t);
        return t;
    }

    private Traced trace(TraceKey key, String path) {
        boolean[] present = new boolean[key.count()];
        for (int i = 0; i < present.length; i++) {
            present[i] = key.present().get(i);
        }
        TraceTaps taps = TraceTaps.start();
        Symbol traced;
        try {
            traced = block.trace(present);
        } finally {
            taps.stop();
        }
        GraphTaps.Tapped tapped = GraphTaps.of(traced, taps.calls(), block.opHooks());
        Graph graph = tapped.graph();
        List<String> inputNames = HybridBlock.inputNames(present);
        Map<String, Parameter> params = block.collectParams().asMap();
        List<String> names = new ArrayList<>();
        List<Integer> data = new ArrayList<>();
        List<Parameter> sources = new ArrayList<>();
        for (int i : graph.variableNodes()) {
            String name = graph.node(i).name();
            int d = inputNames.indexOf(name);
            Parameter p = d >= 0 ? null : params.get(name);
            if (d < 0 && p == null) {
                throw new KilnException("hybridized block '" + path + "': the traced graph reads variable '" + name
                        + "', which is neither an input " + inputNames + " nor a parameter of the block");
            }
            names.add(name);
            data.add(d);
            sources.add(p);
        }
        int[] dataIndex = data.stream().mapToInt(Integer::intValue).toArray();
        java.util.Set<String> parameterNames = new java.util.HashSet<>();
        for (int k = 0; k < names.size(); k++) {
            if (sources.get(k) != null) {
                parameterNames.add(names.get(k));
            }
        }
        CachedGraph cg = new CachedGraph(path, graph, names, parameterNames, present, traced.numOutputs(), options,
                cache);
        return new Traced(cg, dataIndex, sources.toArray(new Parameter[0]), tapped.hookTaps(), tapped.valueTaps(),
                block.traceOrigins(), passThrough(graph, dataIndex, tapped),
                new java.util.concurrent.atomic.AtomicBoolean());
    }

    /**
     * For a traced graph without ops or taps whose every output is one of the block's inputs (an identity, a
     * container of identities), which input each output is; such a call returns its inputs, as the eager code does,
     * with nothing to compile or run. {@code null} otherwise.
     */
    private static int[] passThrough(Graph graph, int[] dataIndex, GraphTaps.Tapped tapped) {
        if (!tapped.hookTaps().isEmpty() || !tapped.valueTaps().isEmpty()) {
            return null;
        }
        int[] variableSlot = new int[graph.size()];
        java.util.Arrays.fill(variableSlot, -1);
        int k = 0;
        for (int i : graph.variableNodes()) {
            variableSlot[i] = k++;
        }
        for (int i = 0; i < graph.size(); i++) {
            if (graph.node(i) instanceof dev.kiln.graph.OpNode) {
                return null;
            }
        }
        int[] through = new int[graph.outputs().size()];
        for (int j = 0; j < through.length; j++) {
            int slot = variableSlot[graph.outputs().get(j).node()];
            if (slot < 0 || dataIndex[slot] < 0) {
                return null;
            }
            through[j] = dataIndex[slot];
        }
        return through;
    }
}
