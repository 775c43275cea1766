package dev.kiln.tornado.plan;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.tornado.kernel.BufferTable;
import dev.kiln.tornado.kernel.KernelLaunch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one device segment node by node: gives every value a buffer (an input from the host the first time a node
 * reads it, a fresh buffer for each node output, scratch when a kernel asks), collects the node's kernel launches,
 * and at the end marks the values read after the segment as outputs.
 */
final class SegmentBuilder {
    private final InferenceResult<Shape> shapes;
    private final InferenceResult<DType> types;
    private final Set<Integer> parameterNodes;
    private final NodeLowering kernels;
    private final List<BufferSpec> buffers = new ArrayList<>();
    private final Map<Entry, Integer> bufferOf = new LinkedHashMap<>();
    private final Map<Entry, Binding> inputs = new LinkedHashMap<>();
    private final List<Entry> produced = new ArrayList<>();
    private final List<Integer> nodes = new ArrayList<>();
    private final List<KernelLaunch> launches = new ArrayList<>();

    SegmentBuilder(InferenceResult<Shape> shapes, InferenceResult<DType> types, Set<Integer> parameterNodes,
                   NodeLowering kernels) {
        this.shapes = shapes;
        this.types = types;
        this.parameterNodes = parameterNodes;
        this.kernels = kernels;
    }

    boolean isEmpty() {
        return nodes.isEmpty();
    }

    /**
     * Adds node {@code index}; {@code writeBack} names the inputs the device updates in place (auxiliary states in
     * training), which the run copies back to the host.
     */
    void add(int index, OpNode node, Set<Integer> writeBack) {
        int[] in = new int[node.inputs().size()];
        List<Shape> inShapes = new ArrayList<>();
        List<DType> inTypes = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            Entry e = node.inputs().get(i);
            in[i] = bufferOf.computeIfAbsent(e, this::hostInput);
            if (writeBack.contains(i) && inputs.containsKey(e)) {
                inputs.put(e, new Binding(e, in[i], true));
            }
            inShapes.add(shapes.entry(e));
            inTypes.add(types.entry(e));
        }
        int[] out = new int[node.numOutputs()];
        List<Shape> outShapes = new ArrayList<>();
        List<DType> outTypes = new ArrayList<>();
        for (int k = 0; k < out.length; k++) {
            Entry e = new Entry(index, k);
            out[k] = newBuffer(types.entry(e), shapes.entry(e), BufferSpec.Role.INTERMEDIATE, node.name() + ":" + k);
            bufferOf.put(e, out[k]);
            produced.add(e);
            outShapes.add(shapes.entry(e));
            outTypes.add(types.entry(e));
        }
        BufferTable table = new BufferTable() {
            @Override
            public int input(int i) {
                return in[i];
            }

            @Override
            public int output(int i) {
                return out[i];
            }

            @Override
            public int scratch(DType dtype, long elements) {
                if (elements > Integer.MAX_VALUE) {
                    throw new KilnException("node '" + node.name() + "' (" + node.op().name() + "): scratch of "
                            + elements + " elements is larger than a Java array");
                }
                return add(dtype, (int) elements, BufferSpec.Role.SCRATCH, node.name() + ":scratch");
            }
        };
        launches.addAll(kernels.lower(node, inShapes, inTypes, outShapes, outTypes, table));
        nodes.add(index);
    }

    /** The segment; {@code readLater} tells whether a value is read after it (a later node or a graph output). */
    Step.Segment build(int id, java.util.function.Predicate<Entry> readLater) {
        List<Binding> outputs = new ArrayList<>();
        for (Entry e : produced) {
            if (readLater.test(e)) {
                int b = bufferOf.get(e);
                BufferSpec s = buffers.get(b);
                buffers.set(b, new BufferSpec(b, s.dtype(), s.elements(), BufferSpec.Role.OUTPUT, s.name()));
                outputs.add(new Binding(e, b, false));
            }
        }
        return new Step.Segment(id, nodes, buffers, launches, new ArrayList<>(inputs.values()), outputs);
    }

    private int hostInput(Entry e) {
        BufferSpec.Role role = parameterNodes.contains(e.node()) ? BufferSpec.Role.PARAMETER : BufferSpec.Role.INPUT;
        int b = newBuffer(types.entry(e), shapes.entry(e), role, "in " + e);
        inputs.put(e, new Binding(e, b, false));
        return b;
    }

    private int newBuffer(DType dtype, Shape shape, BufferSpec.Role role, String name) {
        return add(dtype, shape.size(), role, name);
    }

    private int add(DType dtype, int elements, BufferSpec.Role role, String name) {
        int b = buffers.size();
        buffers.add(new BufferSpec(b, dtype, elements, role, name));
        return b;
    }
}
