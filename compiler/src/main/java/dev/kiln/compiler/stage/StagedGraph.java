package dev.kiln.compiler.stage;

import dev.kiln.KilnException;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.MemoryPlan;
import dev.kiln.compiler.memory.BufferPlan;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An inference graph behind its parameter stage ({@link ParameterStage}): a call hands the stage's values, computed
 * with the reference interpreter, to the compiled rest as extra inputs. The values are kept with the parameter
 * arrays they came from and each array's {@link NDArray#mutationCount()}; the stage runs again when a call brings
 * another array or one that was written since (through {@code copyTo}, {@code fill}, {@code setDouble}, the in-place
 * methods, or {@code Parameter.setData}). Writes through {@link NDArray#data()} are not seen. Calls from several
 * threads are safe: the values are immutable once published, and one thread at a time recomputes them.
 */
final class StagedGraph implements CompiledGraph {
    private final CompileRequest request;
    private final Graph stage;
    private final int[] stageInputs;
    private final List<String> stageNames;
    private final int[] restInputs;
    private final CompiledGraph rest;
    private volatile Values values;
    private volatile Graph joined;
    private int runs;

    StagedGraph(CompileRequest request, Graph stage, int[] stageInputs, int[] restInputs, CompiledGraph rest) {
        this.request = request;
        this.stage = stage;
        this.stageInputs = stageInputs;
        this.restInputs = restInputs;
        this.rest = rest;
        List<String> names = new ArrayList<>();
        for (int i : stage.variableNodes()) {
            names.add(stage.node(i).name());
        }
        this.stageNames = List.copyOf(names);
    }

    /**
     * The stage's values for one set of parameter arrays.
     *
     * @param arrays    the parameter arrays they were computed from
     * @param mutations each array's mutation count before the computation started
     * @param outputs   the stage's outputs
     */
    private record Values(NDArray[] arrays, long[] mutations, NDArray[] outputs) {
        boolean matches(NDArray[] inputs, int[] slots) {
            for (int k = 0; k < slots.length; k++) {
                NDArray a = inputs[slots[k]];
                if (a != arrays[k] || a.mutationCount() != mutations[k]) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public CompileRequest request() {
        return request;
    }

    @Override
    public Execution run(NDArray[] inputs) {
        return rest.run(restArguments(inputs));
    }

    @Override
    public NDArray[] infer(NDArray[] inputs) {
        return rest.infer(restArguments(inputs));
    }

    /** How many times the stage has run (for tests and {@code explain()}). */
    int stageRuns() {
        synchronized (this) {
            return runs;
        }
    }

    private NDArray[] restArguments(NDArray[] inputs) {
        if (inputs.length != request.inputs().size()) {
            throw new KilnException("compiled graph: expected " + request.inputs().size() + " inputs "
                    + request.inputs() + ", got " + inputs.length);
        }
        NDArray[] staged = stageValues(inputs);
        NDArray[] args = new NDArray[restInputs.length + staged.length];
        for (int k = 0; k < restInputs.length; k++) {
            args[k] = inputs[restInputs[k]];
        }
        System.arraycopy(staged, 0, args, restInputs.length, staged.length);
        return args;
    }

    private NDArray[] stageValues(NDArray[] inputs) {
        Values v = values;
        if (v != null && v.matches(inputs, stageInputs)) {
            return v.outputs();
        }
        synchronized (this) {
            v = values;
            if (v != null && v.matches(inputs, stageInputs)) {
                return v.outputs();
            }
            NDArray[] arrays = new NDArray[stageInputs.length];
            long[] mutations = new long[stageInputs.length];
            Map<String, NDArray> variables = new HashMap<>();
            for (int k = 0; k < arrays.length; k++) {
                arrays[k] = inputs[stageInputs[k]];
                mutations[k] = arrays[k].mutationCount();
                variables.put(stageNames.get(k), arrays[k]);
            }
            boolean wasRecording = OpContext.setRecording(false);
            List<NDArray> out;
            try {
                out = Interpreter.eval(stage, variables, false);
            } finally {
                OpContext.setRecording(wasRecording);
            }
            v = new Values(arrays, mutations, out.toArray(new NDArray[0]));
            values = v;
            runs++;
            return v.outputs();
        }
    }

    /**
     * The graph as it runs: the stage's nodes, then the rest as the backend compiled it, reading the stage's outputs
     * where the rest has their variables.
     */
    @Override
    public Graph compiledGraph() {
        Graph g = joined;
        if (g == null) {
            g = join(stage, rest.compiledGraph(), rest.request().inputs().subList(restInputs.length,
                    rest.request().inputs().size()));
            joined = g;
        }
        return g;
    }

    private static Graph join(Graph stage, Graph rest, List<String> stageValueNames) {
        List<Node> nodes = new ArrayList<>(stage.nodes());
        Map<String, Entry> byName = new HashMap<>();
        for (int i : stage.variableNodes()) {
            byName.put(stage.node(i).name(), new Entry(i, 0));
        }
        for (int k = 0; k < stageValueNames.size(); k++) {
            byName.put(stageValueNames.get(k), stage.outputs().get(k));
        }
        Entry[][] map = new Entry[rest.size()][];
        for (int i = 0; i < rest.size(); i++) {
            Node n = rest.node(i);
            Entry known = n instanceof OpNode ? null : byName.get(n.name());
            map[i] = new Entry[n.numOutputs()];
            if (known != null) {
                map[i][0] = known;
                continue;
            }
            for (int k = 0; k < n.numOutputs(); k++) {
                map[i][k] = new Entry(nodes.size(), k);
            }
            if (n instanceof OpNode op) {
                List<Entry> in = new ArrayList<>(op.inputs().size());
                for (Entry e : op.inputs()) {
                    in.add(map[e.node()][e.output()]);
                }
                nodes.add(op.withInputs(in));
            } else {
                nodes.add(n);
            }
        }
        List<Entry> outs = new ArrayList<>();
        for (Entry e : rest.outputs()) {
            outs.add(map[e.node()][e.output()]);
        }
        return new Graph(nodes, outs);
    }

    /** The rest's plan: the stage's values are inputs to it, held once for all calls. */
    @Override
    public MemoryPlan memoryPlan() {
        return rest.memoryPlan();
    }

    /** The rest's plan, as {@link #memoryPlan()}. */
    @Override
    public Optional<BufferPlan> bufferPlan() {
        return rest.bufferPlan();
    }

    /** What runs the rest; the stage runs on the reference interpreter. */
    @Override
    public Optional<String> executedBy() {
        return rest.executedBy();
    }

    /** The rest's placement, after a line for the stage, which runs on the host once per parameter change. */
    @Override
    public String placement() {
        String p = rest.placement();
        if (p.isEmpty()) {
            return p;
        }
        long ops = stage.nodes().stream().filter(n -> n instanceof OpNode).count();
        return "parameter stage: " + ops + " nodes on the host, run again only when a parameter changes\n" + p;
    }

    /** The rest's classes: the stage runs on the reference interpreter. */
    @Override
    public Map<String, String> generatedClasses() {
        return rest.generatedClasses();
    }
}
