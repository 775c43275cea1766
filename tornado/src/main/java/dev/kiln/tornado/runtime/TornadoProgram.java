package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;
import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.kernel.KernelArg;
import dev.kiln.tornado.kernel.KernelLaunch;
import dev.kiln.tornado.plan.Binding;
import dev.kiln.tornado.plan.BufferSpec;
import dev.kiln.tornado.plan.Step;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * One device segment as a TornadoVM task graph: a host-side array per buffer (what TornadoVM maps to device memory),
 * parameters sent on the first execution, other inputs on every execution, outputs left on the device (transferred
 * {@code UNDER_DEMAND}) and copied back by a {@link Readback} when read, updated auxiliary states copied back on every
 * execution, intermediates and scratch sent once (TornadoVM allocates only what a transfer names) and never copied
 * back. When a parameter changed after the
 * first execution, the plan is rebuilt so that it is sent again; a segment whose parameters keep changing (training)
 * then sends them on every execution.
 */
final class TornadoProgram implements DeviceProgram {
    private final TornadoApi api;
    private final Object device;
    private final String name;
    private final Step.Segment segment;
    private final MethodHandle[] kernels;
    private final ArrayFlavor flavor;
    private final Object[] host;
    private Object plan;
    private boolean executed;
    private int rebuilds;
    private boolean parametersEveryExecution;
    /** Outputs of the last execution not read yet, copied aside before the next one. */
    private final Readbacks readbacks = new Readbacks();

    TornadoProgram(TornadoApi api, Object device, String name, Step.Segment segment, MethodHandle[] kernels,
                   ArrayFlavor flavor) {
        this.api = api;
        this.device = device;
        this.name = name;
        this.segment = segment;
        this.kernels = kernels;
        this.flavor = flavor;
        this.host = new Object[segment.buffers().size()];
        for (BufferSpec b : segment.buffers()) {
            host[b.index()] = allocate(b);
        }
        this.plan = build(api.firstExecution);
    }

    private Object allocate(BufferSpec b) {
        if (flavor == ArrayFlavor.HEAP) {
            return switch (b.dtype()) {
                case FLOAT32 -> new float[b.elements()];
                case INT32 -> new int[b.elements()];
                default -> throw new KilnException("device buffer '" + b.name() + "' of dtype " + b.dtype()
                        .mxnetName() + ": the device holds float32 and int32 only");
            };
        }
        String type = switch (b.dtype()) {
            case FLOAT32 -> "FloatArray";
            case INT32 -> "IntArray";
            default -> throw new KilnException("device buffer '" + b.name() + "' of dtype " + b.dtype().mxnetName()
                    + ": the device holds float32 and int32 only");
        };
        try {
            Class<?> c = Class.forName(TornadoApi.API + "types.arrays." + type, true,
                    ClassLoader.getSystemClassLoader());
            return c.getConstructor(int.class).newInstance(Math.max(1, b.elements()));
        } catch (ReflectiveOperationException e) {
            throw new KilnException("cannot allocate TornadoVM's " + type + ": " + e, e);
        }
    }

    /** The task graph and its execution plan, parameters sent with {@code parameterMode}. */
    private Object build(int parameterMode) {
        Object graph = api.newTaskGraph(name + (rebuilds == 0 ? "" : "_r" + rebuilds));
        List<Object> parameters = new ArrayList<>();
        List<Object> inputs = new ArrayList<>();
        for (Binding b : segment.inputs()) {
            BufferSpec spec = segment.buffers().get(b.buffer());
            (spec.role() == BufferSpec.Role.PARAMETER ? parameters : inputs).add(host[b.buffer()]);
        }
        // intermediates and scratch never hold host data: declared sent once so that TornadoVM allocates them
        // (it requires every heap-array argument in a transfer), then they live on the device
        List<Object> deviceOnly = new ArrayList<>();
        for (BufferSpec b : segment.buffers()) {
            if (b.role() == BufferSpec.Role.INTERMEDIATE || b.role() == BufferSpec.Role.SCRATCH) {
                deviceOnly.add(host[b.index()]);
            }
        }
        api.transferToDevice(graph, parameterMode, parameters);
        api.transferToDevice(graph, api.everyExecution, inputs);
        api.transferToDevice(graph, api.firstExecution, deviceOnly);
        for (int l = 0; l < kernels.length; l++) {
            KernelLaunch launch = segment.launches().get(l);
            Object[] args = new Object[launch.args().size()];
            for (int i = 0; i < args.length; i++) {
                args[i] = switch (launch.args().get(i)) {
                    case KernelArg.Buffer buf -> host[buf.buffer()];
                    case KernelArg.IntValue v -> v.value();
                    case KernelArg.FloatValue v -> v.value();
                };
            }
            api.task(graph, "t" + l, kernels[l], args);
        }
        List<Object> outputs = new ArrayList<>();
        for (Binding b : segment.outputs()) {
            outputs.add(host[b.buffer()]);
        }
        api.transferToHost(graph, api.underDemand, outputs);
        List<Object> back = new ArrayList<>();
        for (Binding b : segment.inputs()) {
            if (b.writeBack()) {
                back.add(host[b.buffer()]);
            }
        }
        api.transferToHost(graph, api.everyExecution, back);
        return api.plan(graph, device);
    }

    @Override
    public synchronized Object[] run(Object[] inputs) {
        readbacks.completeAll();
        List<Binding> in = segment.inputs();
        boolean parameterChanged = false;
        for (int k = 0; k < inputs.length; k++) {
            if (inputs[k] != null) {
                put(inputs[k], host[in.get(k).buffer()]);
                parameterChanged |= segment.buffers().get(in.get(k).buffer()).role() == BufferSpec.Role.PARAMETER;
            }
        }
        if (executed && parameterChanged && !parametersEveryExecution) {
            // a FIRST_EXECUTION transfer never repeats: a new plan sends the new values; the second time the
            // parameters change, they are taken to change often (training) and sent on every execution instead
            api.close(plan);
            rebuilds++;
            parametersEveryExecution = rebuilds > 1;
            plan = build(parametersEveryExecution ? api.everyExecution : api.firstExecution);
        }
        Object result = api.execute(plan);
        executed = true;
        List<Object> out = new ArrayList<>();
        for (Binding b : segment.outputs()) {
            Object buffer = host[b.buffer()];
            out.add(readbacks.add(segment.buffers().get(b.buffer()), to -> {
                api.transferToHost(result, buffer);
                copyOut(buffer, to);
            }));
        }
        for (Binding b : in) {
            if (b.writeBack()) {
                out.add(get(host[b.buffer()], segment.buffers().get(b.buffer())));
            }
        }
        return out.toArray();
    }

    /** Copies a host array into the buffer TornadoVM reads. */
    private void put(Object from, Object buffer) {
        if (flavor == ArrayFlavor.HEAP) {
            HostArrays.copy(from, buffer, name);
            return;
        }
        MemorySegment seg = segmentOf(buffer);
        switch (from) {
            case float[] f -> MemorySegment.copy(f, 0, seg, ValueLayout.JAVA_FLOAT, 0, f.length);
            case int[] i -> MemorySegment.copy(i, 0, seg, ValueLayout.JAVA_INT, 0, i.length);
            default -> throw new KilnException("not a device array: " + from.getClass());
        }
    }

    /** A new host array with the buffer's contents. */
    private Object get(Object buffer, BufferSpec spec) {
        Object to = HostArrays.allocate(spec);
        copyOut(buffer, to);
        return to;
    }

    /** Copies the buffer TornadoVM wrote into a host array of its type and length. */
    private void copyOut(Object buffer, Object to) {
        if (flavor == ArrayFlavor.HEAP) {
            HostArrays.copy(buffer, to, name);
            return;
        }
        MemorySegment seg = segmentOf(buffer);
        switch (to) {
            case float[] f -> MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT, 0, f, 0, f.length);
            case int[] i -> MemorySegment.copy(seg, ValueLayout.JAVA_INT, 0, i, 0, i.length);
            default -> throw new KilnException("not a host array: " + to.getClass());
        }
    }

    private static MemorySegment segmentOf(Object nativeArray) {
        try {
            return (MemorySegment) nativeArray.getClass().getMethod("getSegment").invoke(nativeArray);
        } catch (ReflectiveOperationException e) {
            throw new KilnException("cannot reach the memory of TornadoVM's " + nativeArray.getClass().getName(), e);
        }
    }
}
