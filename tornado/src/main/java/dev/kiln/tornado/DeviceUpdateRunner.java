package dev.kiln.tornado;

import dev.kiln.graph.Entry;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.optimizer.DeviceUpdates;
import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.kernel.BufferTable;
import dev.kiln.tornado.kernel.DeviceKernels;
import dev.kiln.tornado.kernel.KernelArg;
import dev.kiln.tornado.kernel.KernelLaunch;
import dev.kiln.tornado.plan.Binding;
import dev.kiln.tornado.plan.BufferSpec;
import dev.kiln.tornado.plan.Step;
import dev.kiln.tornado.runtime.DeviceMemory;
import dev.kiln.tornado.runtime.DeviceProgram;
import dev.kiln.tornado.runtime.DeviceRuntime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the optimizers' fused update ops ({@code sgd_mom_update}, {@code adam_update}, ...) as device kernels on the
 * shared device copies of the weights a hybridized graph uses ({@link DeviceMemory}): the weight and the states the
 * op moves in place stay on the device, the gradient and the learning rate are sent, and the new weight is written
 * over the device copy and copied back into the host array after each step (so the host copy is always current and
 * the next forward sends nothing). The states' host copies are refreshed on demand ({@link #toHost}, which
 * {@code Trainer.saveStates} calls). Weights the device does not hold, other dtypes and ops without a device kernel
 * are left to the host.
 *
 * <p>An update is lowered once per op, input shapes and compiled-in attributes (everything but the learning rate,
 * a launch value) and loaded once per weight as a device program (on TornadoVM a task graph of the device's plan);
 * later steps only write the new learning rate into the launch values and run it.
 */
final class DeviceUpdateRunner implements DeviceUpdates.Runner {
    private final DeviceRuntime runtime;
    private final DeviceMemory memory;
    private final DeviceKernels kernels;
    private final Map<List<Object>, Lowered> lowered = new HashMap<>();
    /** The loaded programs of each weight (by its host array, held weakly), per lowered update. */
    private final Map<Object, Map<Lowered, DeviceProgram>> programs = new WeakHashMap<>();
    private final AtomicLong lowerings = new AtomicLong();

    /** An update lowered to a one-launch segment: weight (written in place), gradient, states, one-element inputs. */
    private record Lowered(Step.Segment segment, Set<Integer> inPlace, List<KernelArg.FloatValues> launchValues) {
    }

    DeviceUpdateRunner(DeviceRuntime runtime, DeviceMemory memory, ArrayFlavor flavor) {
        this.runtime = runtime;
        this.memory = memory;
        this.kernels = new DeviceKernels(flavor, true);
    }

    /** How many updates were lowered to kernels so far (a step that reuses the cache lowers none). */
    long lowerings() {
        return lowerings.get();
    }

    @Override
    public boolean run(String op, Map<String, ?> attrs, NDArray weight, NDArray[] inputs) {
        if (!memory.holds(weight) || weight.dtype() != DType.FLOAT32) {
            return false;
        }
        synchronized (memory) {
            Lowered l = lowered(op, attrs, inputs);
            if (l == null) {
                return false;
            }
            DeviceProgram program = programs.computeIfAbsent(weight.data(), w -> new HashMap<>())
                    .computeIfAbsent(l, k -> runtime.load(k.segment()));
            if (attrs.get("lr") instanceof Number lr) {
                // the lowering packs the learning rate as the launch's only value (LAMB's phase 1 has no lr)
                l.launchValues().forEach(v -> v.values()[0] = lr.floatValue());
            }
            Object[] send = new Object[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                if (i == 0 || l.inPlace().contains(i)) {
                    send[i] = memory.current(inputs[i], () -> { });
                } else {
                    send[i] = inputs[i].data();
                    memory.sentOnce();
                }
            }
            program.run(send);
            memory.deviceWrote(weight);
            for (int i : l.inPlace()) {
                memory.deviceWrote(inputs[i]);
            }
            memory.updated();
            memory.toHost(weight);
        }
        return true;
    }

    /** The update lowered for these inputs and attributes, from the cache when lowered before; null if unsupported. */
    private Lowered lowered(String op, Map<String, ?> attrs, NDArray[] inputs) {
        List<Shape> inShapes = new ArrayList<>();
        List<DType> inTypes = new ArrayList<>();
        for (NDArray a : inputs) {
            inShapes.add(a.shape());
            inTypes.add(a.dtype());
        }
        Map<String, String> compiledIn = new TreeMap<>();
        attrs.forEach((k, v) -> {
            if (!k.equals("lr")) {
                compiledIn.put(k, String.valueOf(v));
            }
        });
        List<Object> key = List.of(op, inShapes, inTypes, compiledIn);
        if (lowered.containsKey(key)) {
            return lowered.get(key);
        }
        Lowered l = lower(op, attrs, inShapes, inTypes);
        lowered.put(key, l);
        return l;
    }

    private Lowered lower(String op, Map<String, ?> attrs, List<Shape> inShapes, List<DType> inTypes) {
        OpDef def = OpRegistry.global().get(op);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < inShapes.size(); i++) {
            entries.add(new Entry(i, 0));
        }
        OpNode node = new OpNode(op, def, def.attrs(attrs), entries);
        if (kernels.unsupported(node, inShapes, inTypes).isPresent() || def.numOutputs(node.params()) != 1) {
            return null;
        }
        lowerings.incrementAndGet();
        Set<Integer> inPlace = new HashSet<>(kernels.mutatedInputs(node));
        List<BufferSpec> buffers = new ArrayList<>();
        List<Binding> bindings = new ArrayList<>();
        for (int i = 0; i < inShapes.size(); i++) {
            boolean resident = i == 0 || inPlace.contains(i);
            buffers.add(new BufferSpec(i, inTypes.get(i), Math.toIntExact(inShapes.get(i).size()),
                    resident ? BufferSpec.Role.PARAMETER : BufferSpec.Role.INPUT, op + " input " + i));
            bindings.add(new Binding(new Entry(i, 0), i, false));
        }
        List<KernelLaunch> launches = kernels.lower(node, inShapes, inTypes, List.of(inShapes.get(0)),
                List.of(DType.FLOAT32), new BufferTable() {
                    @Override
                    public int input(int i) {
                        return i;
                    }

                    @Override
                    public int output(int i) {
                        return 0; // the new weight over the old, element by element: each work item reads first
                    }

                    @Override
                    public int scratch(DType dtype, long elements) {
                        buffers.add(new BufferSpec(buffers.size(), dtype, Math.toIntExact(elements),
                                BufferSpec.Role.SCRATCH, "scratch"));
                        return buffers.size() - 1;
                    }
                });
        List<KernelArg.FloatValues> values = new ArrayList<>();
        for (KernelLaunch launch : launches) {
            for (KernelArg a : launch.args()) {
                if (a instanceof KernelArg.FloatValues v) {
                    values.add(v);
                }
            }
        }
        Step.Segment segment = new Step.Segment(-1, List.of(), buffers, launches, bindings, List.of());
        return new Lowered(segment, inPlace, values);
    }

    @Override
    public void toHost(NDArray array) {
        memory.toHost(array);
    }
}
