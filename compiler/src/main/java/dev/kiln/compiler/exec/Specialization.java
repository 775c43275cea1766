package dev.kiln.compiler.exec;

import dev.kiln.KilnException;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.GraphLayout;
import dev.kiln.compiler.memory.BufferPlan;
import dev.kiln.compiler.memory.MemoryPlanner;
import dev.kiln.compiler.memory.PlanOptions;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A compiled graph specialised for one tuple of input shapes and dtypes: shapes and dtypes inferred once, the memory
 * planned ({@link MemoryPlanner}, exact sizes, values backward reads kept to the end), every op node resolved into a
 * {@link NodeStep}, and the generated {@link GraphProgram} calling them. Inference runs take an arena from a pool when
 * the request allows static allocation (so concurrent callers never share one) or a new one otherwise; each training
 * run gets an arena of its own, which its {@link CompiledGraph.Execution} keeps for backward and, with static
 * allocation, gives back to the pool once released (autograd freed its step), so a training loop reuses one arena
 * instead of allocating and zeroing every planned buffer per step. The pool grows to the number of runs in flight at
 * once (threads calling together each take their own arena) and keeps at most {@link #MAX_IDLE_ARENAS} idle.
 */
final class Specialization {
    /** The most arenas a pool keeps idle; an arena given back beyond it is left to the garbage collector. */
    static final int MAX_IDLE_ARENAS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final CompileRequest request;
    private final List<Shape> shapes;
    private final List<DType> types;
    private final ArenaLayout arenaLayout;
    private final ProgramGenerator.Generated generated;
    private final GraphProgram program;
    private final int slots;
    private final int[] inputSlots;
    private final int[] outputSlots;
    private final int[] headSlots;
    private final int[] gradientSlots;
    /** Per gradient, true if a caller's array may take its planned one's place ({@link Run#redirect}). */
    private final boolean[] redirectable;
    private final List<Entry> graphOutputs;
    private final ConcurrentLinkedQueue<ExecArena> pool = new ConcurrentLinkedQueue<>();
    /** How many arenas {@link #pool} holds (its own size() walks the queue). */
    private final AtomicInteger idle = new AtomicInteger();

    /**
     * Specialises {@code layout}'s graph for these input shapes and dtypes; a {@link KilnException} when they do not
     * infer completely (the caller then runs the interpreter, whose error names the failing node).
     */
    Specialization(CompileRequest request, GraphLayout layout, List<Shape> shapes, List<DType> types) {
        this.request = request;
        this.shapes = List.copyOf(shapes);
        this.types = List.copyOf(types);
        Graph graph = layout.graph();
        int[] rowPtr = graph.entryOffsets();
        slots = rowPtr[graph.size()];
        InferenceResult<Shape> inferred = infer(layout, graph, this.shapes, ShapeInference::infer);
        InferenceResult<DType> inferredTypes = infer(layout, graph, this.types, TypeInference::infer);
        inputSlots = slotsOf(layout.inputNodes(), rowPtr);
        headSlots = slotsOf(layout.headNodes(), rowPtr);
        outputSlots = entrySlots(layout.outputs(), rowPtr);
        gradientSlots = entrySlots(layout.gradients(), rowPtr);
        graphOutputs = layout.outputs();
        requireFilled(graph, layout);
        PlanOptions options = PlanOptions.defaults().exactSizes();
        if (request.needsGradients()) {
            options = options.withBackwardFrom(layout.numForwardNodes());
        }
        arenaLayout = new ArenaLayout(MemoryPlanner.plan(graph, inferred, inferredTypes, options));
        redirectable = redirectableGradients();
        List<NodeStep> steps = new ArrayList<>();
        int forwardSteps = 0;
        for (int i = 0; i < graph.size(); i++) {
            if (graph.node(i) instanceof OpNode op) {
                steps.add(step(op, i, rowPtr, inferred, inferredTypes, arenaLayout.plan));
                if (i < layout.numForwardNodes()) {
                    forwardSteps++;
                }
            }
        }
        Entry last = graph.outputs().isEmpty() ? null : graph.outputs().get(0);
        generated = ProgramGenerator.generate(last == null ? "empty" : graph.node(last.node()).name(), steps,
                forwardSteps);
        program = ProgramGenerator.define(generated);
    }

    /**
     * {@code inference} (shapes or dtypes) of the whole graph for the inputs' {@code values}, then again with each
     * head-gradient variable given its output's value; every entry must be known.
     */
    private <V> InferenceResult<V> infer(GraphLayout layout, Graph graph, List<V> values,
                                         BiFunction<Graph, Map<String, V>, InferenceResult<V>> inference) {
        Map<String, V> known = new HashMap<>();
        for (int k = 0; k < values.size(); k++) {
            known.put(request.inputs().get(k), values.get(k));
        }
        InferenceResult<V> result = inference.apply(graph, known);
        if (!layout.headNodes().isEmpty()) {
            for (int k = 0; k < layout.headNodes().size(); k++) {
                int head = layout.headNodes().get(k);
                if (head >= 0) {
                    known.put(graph.node(head).name(), result.entry(layout.outputs().get(k)));
                }
            }
            result = inference.apply(graph, known);
        }
        return result.requireComplete();
    }

    /** Every variable must be an input or a head gradient; another would fail in the interpreter, which says so. */
    private void requireFilled(Graph graph, GraphLayout layout) {
        Set<Integer> filled = new HashSet<>(layout.inputNodes());
        filled.addAll(layout.headNodes());
        for (int i : graph.variableNodes()) {
            if (!filled.contains(i)) {
                throw new KilnException("graph executor: variable '" + graph.node(i).name() + "' is neither an input"
                        + " nor a head gradient");
            }
        }
    }

    /** The node resolved: the op's own inference for the inferred input shapes, which must agree with the graph's. */
    private static NodeStep step(OpNode op, int node, int[] rowPtr, InferenceResult<Shape> shapes,
                                 InferenceResult<DType> types, BufferPlan plan) {
        List<Shape> inShapes = new ArrayList<>();
        List<DType> inTypes = new ArrayList<>();
        int[] inputs = new int[op.inputs().size()];
        for (int k = 0; k < inputs.length; k++) {
            Entry e = op.inputs().get(k);
            inputs[k] = rowPtr[e.node()] + e.output();
            inShapes.add(shapes.entry(e));
            inTypes.add(types.entry(e));
        }
        List<DType> outTypes = op.op().inferTypes(op.params(), inTypes);
        List<Shape> outShapes = op.op().inferShapes(op.params(), inShapes);
        for (int k = 0; k < op.numOutputs(); k++) {
            if (!outShapes.get(k).equals(shapes.entry(node, k)) || outTypes.get(k) != types.entry(node, k)) {
                throw new KilnException("graph executor: node '" + op.name() + "' output " + k + " infers as "
                        + outShapes.get(k) + " " + outTypes.get(k) + " but the graph inferred " + shapes.entry(node, k)
                        + " " + types.entry(node, k));
            }
        }
        Entry out = new Entry(node, 0);
        int shared = op.numOutputs() == 1 && plan.isIdentity(out) ? plan.inPlaceInput(out) : -1;
        return new NodeStep(op.name(), node, op.op(), op.params(), outShapes, outTypes, inputs, rowPtr[node],
                shared);
    }

    private static int[] slotsOf(List<Integer> nodes, int[] rowPtr) {
        int[] out = new int[nodes.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = nodes.get(k) < 0 ? -1 : rowPtr[nodes.get(k)];
        }
        return out;
    }

    private static int[] entrySlots(List<Entry> entries, int[] rowPtr) {
        int[] out = new int[entries.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = rowPtr[entries.get(k).node()] + entries.get(k).output();
        }
        return out;
    }

    /** True if {@code inputs} have exactly the shapes and dtypes this specialisation was made for. */
    boolean matches(NDArray[] inputs) {
        for (int k = 0; k < inputs.length; k++) {
            if (inputs[k].dtype() != types.get(k) || !inputs[k].shape().equals(shapes.get(k))) {
                return false;
            }
        }
        return true;
    }

    /** The plan the arenas follow. */
    BufferPlan plan() {
        return arenaLayout.plan;
    }

    /** How many arenas wait in the pool for the next run (for tests). */
    int pooledArenas() {
        return idle.get();
    }

    /** An idle arena of the pool (static allocation), or a new one. */
    private ExecArena takeArena() {
        ExecArena arena = request.staticAlloc() ? pool.poll() : null;
        if (arena == null) {
            return new ExecArena(arenaLayout);
        }
        idle.decrementAndGet();
        return arena;
    }

    /** Puts {@code arena} back in the pool (static allocation only), unless the pool is full. */
    private void giveBack(ExecArena arena) {
        if (!request.staticAlloc()) {
            return;
        }
        if (idle.incrementAndGet() <= MAX_IDLE_ARENAS) {
            pool.offer(arena);
        } else {
            idle.decrementAndGet();
        }
    }

    /**
     * Per gradient, whether its slot is {@link ArenaLayout#redirectable} and no other gradient or forward output is
     * the same value (a caller's buffer then holds that one gradient only).
     */
    private boolean[] redirectableGradients() {
        boolean[] r = new boolean[gradientSlots.length];
        for (int k = 0; k < r.length; k++) {
            int s = gradientSlots[k];
            r[k] = s >= 0 && arenaLayout.redirectable(s) && count(gradientSlots, s) == 1 && count(outputSlots, s) == 0;
        }
        return r;
    }

    private static int count(int[] slots, int s) {
        int n = 0;
        for (int t : slots) {
            n += t == s ? 1 : 0;
        }
        return n;
    }

    /** The generated class. */
    ProgramGenerator.Generated generated() {
        return generated;
    }

    /** The forward outputs, in an arena of the pool (static allocation) or a new one. */
    NDArray[] infer(NDArray[] inputs) {
        ExecArena arena = takeArena();
        try {
            return forward(inputs, arena).outputs;
        } finally {
            giveBack(arena);
        }
    }

    /** A forward that keeps its values, in an arena of its own (from the pool with static allocation), for backward. */
    CompiledGraph.Execution run(NDArray[] inputs) {
        return forward(inputs, takeArena());
    }

    private Run forward(NDArray[] inputs, ExecArena arena) {
        Frame frame = new Frame(slots, arena);
        for (int k = 0; k < inputs.length; k++) {
            frame.values[inputSlots[k]] = inputs[k];
        }
        arena.nextRun();
        runPart(frame, false);
        return new Run(frame, collect(frame, outputSlots));
    }

    /** A head gradient must be shaped like the output it is for, as the plan sized backward's values by it. */
    private void requireLike(NDArray head, int k) {
        Entry out = graphOutputs.get(k);
        Shape shape = plan().shape(out);
        DType dtype = plan().dtype(out);
        if (head == null || !head.shape().equals(shape) || head.dtype() != dtype) {
            throw new KilnException("compiled graph: the head gradient of output " + k + " must have the output's "
                    + "shape " + shape + " and dtype " + dtype + ", got " + (head == null ? "null"
                    : head.shape() + " " + head.dtype()));
        }
    }

    /** Runs the forward or backward part in the request's training mode with recording off, as the interpreter. */
    private void runPart(Frame frame, boolean backward) {
        boolean wasTraining = OpContext.setTraining(request.training());
        boolean wasRecording = OpContext.setRecording(false);
        try {
            if (backward) {
                program.backward(frame);
            } else {
                program.forward(frame);
            }
        } finally {
            OpContext.setRecording(wasRecording);
            OpContext.setTraining(wasTraining);
        }
    }

    private static NDArray[] collect(Frame frame, int[] slots) {
        NDArray[] out = new NDArray[slots.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = frame.values[slots[k]];
        }
        return out;
    }

    /** The resolved steps, in program order (forward first). */
    List<NodeStep> steps() {
        return generated.steps();
    }

    /** One forward's values and its backward, which may run again (the backward part never writes forward slots). */
    private final class Run implements CompiledGraph.Execution {
        private final Frame frame;
        private final NDArray[] outputs;
        private boolean released;

        Run(Frame frame, NDArray[] outputs) {
            this.frame = frame;
            this.outputs = outputs;
        }

        @Override
        public NDArray[] outputs() {
            return outputs;
        }

        @Override
        public NDArray[] backward(NDArray[] headGradients) {
            return backward(headGradients, null);
        }

        @Override
        public NDArray[] backward(NDArray[] headGradients, NDArray[] into) {
            if (released) {
                throw new KilnException("compiled graph: backward of a run that was released; its buffers may hold a "
                        + "later run's values");
            }
            GraphLayout.checkBackward(gradientSlots.length, headSlots.length, headGradients);
            for (int k = 0; k < headSlots.length; k++) {
                if (headSlots[k] >= 0) {
                    requireLike(headGradients[k], k);
                    frame.values[headSlots[k]] = headGradients[k];
                }
            }
            frame.arena.nextRun();
            redirect(into);
            try {
                runPart(frame, true);
            } finally {
                frame.arena.endRedirects();
            }
            return collect(frame, gradientSlots);
        }

        /**
         * Points the kernels of the redirectable gradients at the caller's arrays that fit them: same shape and
         * dtype, on the CPU, and no input, head gradient or forward output of this run (backward must not write what
         * it reads).
         */
        private void redirect(NDArray[] into) {
            if (into == null) {
                return;
            }
            if (into.length != gradientSlots.length) {
                throw new KilnException("compiled graph: " + gradientSlots.length + " gradients but " + into.length
                        + " arrays to write them into");
            }
            for (int k = 0; k < gradientSlots.length; k++) {
                NDArray a = into[k];
                int s = gradientSlots[k];
                if (a != null && redirectable[k] && a.shape().equals(arenaLayout.shapes[s])
                        && a.dtype() == arenaLayout.types[s] && a.device().equals(Device.cpu()) && !read(a)) {
                    frame.arena.redirect(s, a);
                }
            }
        }

        /** True if {@code a}'s storage is that of an input, head gradient or forward output of this run. */
        private boolean read(NDArray a) {
            for (int[] slots : new int[][] {inputSlots, headSlots, outputSlots}) {
                for (int s : slots) {
                    if (s >= 0 && frame.values[s] != null && frame.values[s].data() == a.data()) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Gives the arena back to the pool (static allocation only; once), dropping this run's values. */
        @Override
        public synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            Arrays.fill(frame.values, null);
            giveBack(frame.arena);
        }
    }
}
