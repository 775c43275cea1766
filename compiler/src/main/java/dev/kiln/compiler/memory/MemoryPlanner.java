package dev.kiln.compiler.memory;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.InPlaceOption;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Plans the memory of a graph for one signature: every op output (hidden ones included) gets a buffer, walking the
 * nodes in order. At each node, an output first takes an input's buffer where the op allows it
 * ({@link dev.kiln.op.OpDef#inPlaceOptions}): an overwrite only if every remaining read of that buffer is this
 * node's read of that input, an identity whenever sizes agree. The other outputs, largest first, take the best-fitting
 * free buffer ({@link FreeBuffers}) or a new one. Then the buffers whose last reader this was are freed, and so are
 * outputs nobody reads. Variables (arguments, parameters, auxiliary states) belong to the caller and are never planned.
 * The plan depends only on the graph, shapes, dtypes and options, so an executor can allocate its buffers once per
 * signature ({@link BufferPlan#allocate}).
 */
public final class MemoryPlanner {
    private MemoryPlanner() {
    }

    /** The plan with {@link PlanOptions#defaults()}. */
    public static BufferPlan plan(Graph graph, InferenceResult<Shape> shapes, InferenceResult<DType> types) {
        return plan(graph, shapes, types, PlanOptions.defaults());
    }

    /**
     * The plan of {@code graph}, whose shapes and dtypes are those inferred for it; values whose shape or dtype is
     * unknown are left to the executor ({@link BufferPlan#DYNAMIC}).
     */
    public static BufferPlan plan(Graph graph, InferenceResult<Shape> shapes, InferenceResult<DType> types,
                                  PlanOptions options) {
        requireSameGraph(graph, shapes.graph(), "shapes");
        requireSameGraph(graph, types.graph(), "dtypes");
        if (!options.searchRange()) {
            return new Walk(graph, shapes, types, options).run();
        }
        PlanOptions fixed = new PlanOptions(1, options.reuse(), options.inPlace(), options.outputsInArena(),
                options.backwardFrom(), false);
        BufferPlan best = null;
        for (int range = 1; range <= options.matchRange(); range *= 2) {
            BufferPlan p = new Walk(graph, shapes, types, fixed.withMatchRange(range)).run();
            if (best == null || p.plannedBytes() < best.plannedBytes()) {
                best = p;
            }
            if (range > options.matchRange() / 2) {
                break;
            }
        }
        return best;
    }

    private static void requireSameGraph(Graph graph, Graph inferred, String what) {
        if (graph != inferred && !graph.equals(inferred)) {
            throw new KilnException("memory plan: the " + what + " were inferred for another graph (" + inferred.size()
                    + " nodes) than the one planned (" + graph.size() + " nodes)");
        }
    }

    /** One planning pass over the nodes. */
    private static final class Walk {
        private static final int UNASSIGNED = Integer.MIN_VALUE;

        private final Graph graph;
        private final PlanOptions options;
        private final Liveness live;
        private final Shape[] shapes;
        private final DType[] types;
        /** Per entry: element count, -1 where shape or dtype is unknown. */
        private final long[] elements;
        private final int[] storage;
        private final int[] inPlaceInput;
        private final boolean[] identity;
        private final List<BufferDraft> buffers = new ArrayList<>();
        private final FreeBuffers free;

        Walk(Graph graph, InferenceResult<Shape> shapeResult, InferenceResult<DType> typeResult, PlanOptions options) {
            this.graph = graph;
            this.options = options;
            this.live = new Liveness(graph, options.backwardFrom());
            this.free = new FreeBuffers(options.matchRange());
            int entries = live.rowPtr[graph.size()];
            shapes = new Shape[entries];
            types = new DType[entries];
            elements = new long[entries];
            storage = new int[entries];
            inPlaceInput = new int[entries];
            identity = new boolean[entries];
            Arrays.fill(storage, UNASSIGNED);
            Arrays.fill(inPlaceInput, -1);
            for (int i = 0; i < graph.size(); i++) {
                for (int k = 0; k < graph.node(i).numOutputs(); k++) {
                    int e = live.rowPtr[i] + k;
                    shapes[e] = shapeResult.entry(i, k);
                    types[e] = typeResult.entry(i, k);
                    boolean known = shapes[e] != null && shapes[e].isKnown() && types[e] != null;
                    elements[e] = known ? shapes[e].sizeLong() : -1;
                }
            }
        }

        BufferPlan run() {
            for (int i = 0; i < graph.size(); i++) {
                switch (graph.node(i)) {
                    case Variable v -> storage[live.rowPtr[i]] = BufferPlan.EXTERNAL;
                    case OpNode op -> {
                        if (options.inPlace()) {
                            shareInputs(i, op);
                        }
                        allocateOutputs(i, op);
                        for (Entry in : op.inputs()) {
                            int s = storage[live.id(in)];
                            if (s >= 0) {
                                buffers.get(s).refs--;
                                releaseIfFree(s);
                            }
                        }
                        for (int e = live.rowPtr[i]; e < live.rowPtr[i + 1]; e++) {
                            if (live.refs[e] == 0 && storage[e] >= 0) {
                                releaseIfFree(storage[e]);
                            }
                        }
                    }
                }
            }
            List<Buffer> built = new ArrayList<>(buffers.size());
            for (BufferDraft b : buffers) {
                built.add(b.build());
            }
            return new BufferPlan(graph, options, live, shapes, types, storage, inPlaceInput, identity, built);
        }

        /** Gives outputs the buffers of inputs as the op's in-place options and the values' liveness allow. */
        private void shareInputs(int node, OpNode op) {
            boolean[] taken = new boolean[op.inputs().size()];
            for (InPlaceOption opt : op.op().inPlaceOptions(op.params())) {
                if (opt.input() >= taken.length || opt.output() >= op.numOutputs()) {
                    throw op.op().error("node '" + op.name() + "' declares output " + opt.output()
                            + " in place of input " + opt.input() + " but has " + taken.length + " inputs and "
                            + op.numOutputs() + " outputs");
                }
                Entry in = op.inputs().get(opt.input());
                int ei = live.id(in);
                int eo = live.rowPtr[node] + opt.output();
                int s = storage[ei];
                if (taken[opt.input()] || storage[eo] != UNASSIGNED || s < 0 || live.refs[eo] == 0
                        || ownsBuffer(eo) || elements[eo] != elements[ei]
                        || StorageKinds.of(types[eo]) != StorageKinds.of(types[ei])) {
                    continue;
                }
                if (!opt.identity() && buffers.get(s).refs != readsOnlyThrough(op, s, in)) {
                    continue;
                }
                taken[opt.input()] = true;
                storage[eo] = s;
                inPlaceInput[eo] = opt.input();
                identity[eo] = opt.identity();
                buffers.get(s).hold(new Entry(node, opt.output()), elements[eo], live.refs[eo]);
            }
        }

        /** How many inputs of {@code op} read buffer {@code s}, all through entry {@code in}; -1 if another does. */
        private int readsOnlyThrough(OpNode op, int s, Entry in) {
            int reads = 0;
            for (Entry e : op.inputs()) {
                if (storage[live.id(e)] == s) {
                    if (!e.equals(in)) {
                        return -1;
                    }
                    reads++;
                }
            }
            return reads;
        }

        /** True if the entry is a graph output that must have a buffer of its own (allocated per run). */
        private boolean ownsBuffer(int e) {
            return live.graphOutput[e] && !options.outputsInArena();
        }

        /** Buffers for the outputs no input lent one to, the largest first. */
        private void allocateOutputs(int node, OpNode op) {
            List<Integer> pending = new ArrayList<>();
            for (int e = live.rowPtr[node]; e < live.rowPtr[node + 1]; e++) {
                if (storage[e] != UNASSIGNED) {
                    continue;
                }
                if (elements[e] < 0) {
                    storage[e] = BufferPlan.DYNAMIC;
                } else {
                    pending.add(e);
                }
            }
            pending.sort(Comparator.<Integer>comparingLong(e -> -elements[e]).thenComparingInt(e -> e));
            for (int e : pending) {
                BufferDraft b = null;
                if (ownsBuffer(e)) {
                    b = newBuffer(types[e], Buffer.Role.OUTPUT);
                } else if (options.reuse()) {
                    b = free.take(StorageKinds.of(types[e]), elements[e]);
                }
                if (b == null) {
                    b = newBuffer(types[e], Buffer.Role.ARENA);
                }
                storage[e] = b.id;
                b.hold(new Entry(node, e - live.rowPtr[node]), elements[e], live.refs[e]);
            }
        }

        private BufferDraft newBuffer(DType dtype, Buffer.Role role) {
            BufferDraft b = new BufferDraft(buffers.size(), dtype, role);
            buffers.add(b);
            return b;
        }

        private void releaseIfFree(int s) {
            BufferDraft b = buffers.get(s);
            if (b.refs == 0 && b.role == Buffer.Role.ARENA && options.reuse()) {
                free.release(b);
            }
        }
    }
}
