package dev.kiln.tornado.runtime;

import dev.kiln.tornado.kernel.KernelArg;
import dev.kiln.tornado.kernel.KernelLaunch;
import dev.kiln.tornado.plan.Binding;
import dev.kiln.tornado.plan.BufferSpec;
import dev.kiln.tornado.plan.Step;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One device segment (a graph segment, or an optimizer update) as a task graph of the device's
 * {@link TornadoSession}: one task per kernel launch, on a host-side array per buffer (what TornadoVM maps to device
 * memory). Inputs bound to device-resident arrays ({@link DeviceMemory.OnDevice}: parameters, states, values an
 * earlier segment kept) are the session's shared buffers and never move; other inputs and the launch values
 * ({@link KernelArg.FloatValues}, the learning rate) are sent on every run; outputs a later segment reads on the
 * device stay there as resident arrays; the other outputs stay on the device too (transferred {@code UNDER_DEMAND})
 * and are copied back by a {@link Readback} when the host first reads them; intermediates and scratch stay on the
 * device. Which arrays the inputs bind is learnt on the first run; a run binding others rebuilds the
 * session's plan.
 */
final class TornadoProgram implements DeviceProgram, TornadoSession.Member {
    private final TornadoSession session;
    private final String name;
    private final Step.Segment segment;
    private final MethodHandle[] kernels;
    private final Object[] own;
    /** Per launch argument that is a {@link KernelArg.FloatValues}, the device array it is sent in. */
    private final Map<KernelArg.FloatValues, Object> values = new IdentityHashMap<>();
    /** Per input binding, the resident array it binds, or null for the program's own buffer. */
    private Object[] bound;
    /** Per output binding, whether it stays on the device. */
    private boolean[] kept;
    /** Outputs of the last run the host has not read yet, copied aside before the buffers change. */
    private final Readbacks readbacks = new Readbacks();

    TornadoProgram(TornadoSession session, String name, Step.Segment segment, MethodHandle[] kernels,
                   boolean nativeArrays) {
        this.session = session;
        this.name = name;
        this.segment = segment;
        this.kernels = kernels;
        this.own = new Object[segment.buffers().size()];
        for (BufferSpec b : segment.buffers()) {
            own[b.index()] = TornadoArrays.allocate(nativeArrays, b.dtype(), b.elements(), b.name());
        }
        for (KernelLaunch l : segment.launches()) {
            for (KernelArg a : l.args()) {
                if (a instanceof KernelArg.FloatValues v) {
                    values.put(v, nativeArrays ? TornadoArrays.allocate(true, dev.kiln.ndarray.DType.FLOAT32,
                            v.values().length, "launch values") : new float[v.values().length]);
                }
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Step.Segment segment() {
        return segment;
    }

    @Override
    public synchronized Object[] run(Object[] inputs, boolean[] onDevice) {
        readbacks.completeAll();
        List<Binding> in = segment.inputs();
        Object[] binds = new Object[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            if (inputs[k] instanceof DeviceMemory.OnDevice d) {
                binds[k] = d.array();
            } else if (inputs[k] != null) {
                TornadoArrays.put(inputs[k], own[in.get(k).buffer()], in.get(k).entry().toString());
            }
        }
        if (bound == null || !sameArrays(binds, bound) || !java.util.Arrays.equals(onDevice, kept)) {
            bound = binds;
            kept = onDevice.clone();
            session.changed(this);
        }
        for (int k = 0; k < kept.length; k++) {
            if (kept[k]) { // this run overwrites the value the last run kept
                session.memory().retire(own[segment.outputs().get(k).buffer()]);
            }
        }
        values.forEach((v, device) -> TornadoArrays.put(v.values(), device, "launch values"));
        try {
            session.run(this);
        } catch (RuntimeException e) {
            session.remove(this);
            throw e;
        }
        List<Object> out = new ArrayList<>();
        List<Binding> outputs = segment.outputs();
        for (int k = 0; k < outputs.size(); k++) {
            Object buffer = own[outputs.get(k).buffer()];
            out.add(kept[k] ? new DeviceMemory.OnDevice(buffer) : output(k, buffer));
        }
        for (int k = 0; k < in.size(); k++) {
            if (in.get(k).writeBack()) {
                BufferSpec spec = segment.buffers().get(in.get(k).buffer());
                if (bound[k] != null) {
                    session.fetch(bound[k]);
                }
                out.add(TornadoArrays.copyOf(bound[k] != null ? bound[k] : own[spec.index()], spec.dtype(),
                        spec.elements()));
            }
        }
        return out.toArray();
    }

    /**
     * The host's value of output {@code k} after a run: a {@link Readback} that copies it from the device when read
     * (the output is transferred on demand, see {@link #define}); completed before the next run and before the plan
     * holding this graph is freed ({@link #beforeRebuild}).
     */
    private Object output(int k, Object buffer) {
        BufferSpec spec = segment.buffers().get(segment.outputs().get(k).buffer());
        return readbacks.add(spec, to -> {
            session.fetch(this, buffer);
            TornadoArrays.get(buffer, to, "output '" + spec.name() + "'");
        });
    }

    @Override
    public void beforeRebuild() {
        readbacks.completeAll();
    }

    private static boolean sameArrays(Object[] a, Object[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Object> resident() {
        List<Object> r = new ArrayList<>();
        for (Object b : bound) {
            if (b != null) {
                r.add(b);
            }
        }
        for (int k = 0; k < kept.length; k++) {
            if (kept[k]) {
                r.add(own[segment.outputs().get(k).buffer()]);
            }
        }
        return r;
    }

    @Override
    public void define(TornadoApi api, Object graph) {
        Object[] object = own.clone();
        List<Binding> in = segment.inputs();
        for (int k = 0; k < in.size(); k++) {
            if (bound[k] != null) {
                object[in.get(k).buffer()] = bound[k];
            }
        }
        Set<Object> resident = Collections.newSetFromMap(new IdentityHashMap<>());
        resident.addAll(resident());
        List<Object> every = new ArrayList<>();
        for (int k = 0; k < in.size(); k++) {
            if (bound[k] == null) {
                every.add(own[in.get(k).buffer()]);
            }
        }
        every.addAll(values.values());
        // intermediates and scratch never hold host data: declared sent once so that TornadoVM allocates them
        // (it requires every heap-array argument in a transfer), then they live on the device
        List<Object> once = new ArrayList<>();
        for (BufferSpec b : segment.buffers()) {
            if ((b.role() == BufferSpec.Role.INTERMEDIATE || b.role() == BufferSpec.Role.SCRATCH)
                    && !resident.contains(own[b.index()])) {
                once.add(own[b.index()]);
            }
        }
        api.transferToDevice(graph, api.everyExecution, every);
        api.transferToDevice(graph, api.firstExecution, once);
        for (int l = 0; l < kernels.length; l++) {
            KernelLaunch launch = segment.launches().get(l);
            Object[] args = new Object[launch.args().size()];
            for (int i = 0; i < args.length; i++) {
                args[i] = switch (launch.args().get(i)) {
                    case KernelArg.Buffer buf -> object[buf.buffer()];
                    case KernelArg.IntValue v -> v.value();
                    case KernelArg.FloatValue v -> v.value();
                    case KernelArg.FloatValues v -> values.get(v);
                };
            }
            api.task(graph, "t" + l, kernels[l], args);
        }
        List<Object> onDemand = new ArrayList<>();
        for (int k = 0; k < segment.outputs().size(); k++) {
            if (!kept[k]) {
                onDemand.add(own[segment.outputs().get(k).buffer()]);
            }
        }
        api.transferToHost(graph, api.underDemand, onDemand);
        List<Object> back = new ArrayList<>();
        for (int k = 0; k < in.size(); k++) {
            if (in.get(k).writeBack() && bound[k] == null) {
                back.add(own[in.get(k).buffer()]);
            }
        }
        api.transferToHost(graph, api.everyExecution, back);
    }
}
