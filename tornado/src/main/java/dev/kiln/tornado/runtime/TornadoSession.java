package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;
import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.kernel.KernelClass;
import dev.kiln.tornado.kernel.ResidentKernels;

import java.lang.invoke.MethodHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Every TornadoVM task graph of one device in ONE execution plan, so that they share device memory: parameters,
 * auxiliary and optimizer states and the values forward segments keep for the backward ("resident" arrays) live in
 * one device buffer each, which every task graph of the plan reads and writes. TornadoVM hands a persisted buffer
 * from the task graph that ran last to the next one that consumes it, so every graph consumes and persists ALL
 * resident arrays (one that does not use an array just passes it on), and a first graph, {@code kiln_up}, puts them
 * on the device ({@link ResidentKernels#touch}: TornadoVM allocates only arrays a task takes).
 *
 * <p>Programs join lazily (a segment on its first run, an update on the first step). A plan is immutable, so a new
 * member, or a member binding other resident arrays, rebuilds it: the resident arrays are first copied back from
 * the old plan, which is then freed, and the new plan sends them once. After warm-up the members are stable and
 * nothing is rebuilt. A host array written on the host after it was sent ({@link #put}) is sent again before the
 * next run, after the others were brought back (the upload graph sends every resident array).
 */
final class TornadoSession implements DeviceMemory.Store {
    /** A task graph of the session: a segment's or an update's program. */
    interface Member {
        /** The task graph's name, unique in the session. */
        String name();

        /** The resident arrays its tasks use (device buffers shared with the other members). */
        List<Object> resident();

        /** Adds the member's own transfers and its tasks to {@code graph} (the resident arrays are already there). */
        void define(TornadoApi api, Object graph);
    }

    private final TornadoApi api;
    private final Object device;
    private final boolean nativeArrays;
    private final Function<KernelClass, MethodHandle> kernels;
    private final DeviceMemory memory = new DeviceMemory(this);
    private final List<WeakReference<Member>> members = new ArrayList<>();
    /** Host values waiting to be sent into resident arrays, by resident array. */
    private final Map<Object, Object> pending = new IdentityHashMap<>();
    private Object plan;
    private List<Member> planMembers = List.of();
    private Set<Object> planResident = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean stale = true;
    private Object lastResult;
    private long builds;
    private long residentUploads;

    TornadoSession(TornadoApi api, Object device, ArrayFlavor flavor, Function<KernelClass, MethodHandle> kernels) {
        this.api = api;
        this.device = device;
        this.nativeArrays = flavor == ArrayFlavor.TORNADO_NATIVE;
        this.kernels = kernels;
    }

    /** The device memory whose arrays this session keeps resident. */
    DeviceMemory memory() {
        return memory;
    }

    /** Execution plans built so far (a new member or new bindings rebuild the plan). */
    synchronized long builds() {
        return builds;
    }

    /** Resident arrays sent to the device so far (each build or re-send sends all of them). */
    synchronized long residentUploads() {
        return residentUploads;
    }

    /** Adds {@code m}, or records that its resident arrays changed: the plan is rebuilt before the next run. */
    synchronized void changed(Member m) {
        boolean known = false;
        for (WeakReference<Member> r : members) {
            known |= r.get() == m;
        }
        if (!known) {
            members.add(new WeakReference<>(m));
        }
        stale = true;
    }

    /** Drops {@code m} (its graph failed on the device): later plans leave it out. */
    synchronized void remove(Member m) {
        members.removeIf(r -> r.get() == null || r.get() == m);
        stale = true;
    }

    /** Runs member {@code m}'s task graph, rebuilding the plan first when needed; returns TornadoVM's result. */
    synchronized Object run(Member m) {
        if (stale || plan == null || !planMembers.contains(m)) {
            rebuild();
        } else if (!pending.isEmpty()) {
            resend();
        }
        int index = planMembers.indexOf(m);
        if (index < 0) {
            throw new KilnException("TornadoVM task graph " + m.name() + " is not in the session's plan");
        }
        lastResult = api.execute(plan, index + (planResident.isEmpty() ? 0 : 1));
        return lastResult;
    }

    /** Copies resident array {@code device}'s current device contents into its host-side array. */
    synchronized void fetch(Object device) {
        if (lastResult != null && planResident.contains(device) && !pending.containsKey(device)) {
            api.transferToHost(lastResult, List.of(device));
        }
    }

    @Override
    public Object allocate(Object host) {
        return TornadoArrays.like(nativeArrays, host);
    }

    @Override
    public synchronized void put(Object host, Object device) {
        pending.put(device, HostArrays.copyOf(host));
    }

    @Override
    public synchronized void get(Object device, Object host) {
        Object waiting = pending.get(device);
        if (waiting != null) {
            HostArrays.copy(waiting, host, "a resident array");
            return;
        }
        fetch(device);
        TornadoArrays.get(device, host, "a resident array");
    }

    /** Brings every resident array back, writes the pending host values over theirs and sends them all again. */
    private void resend() {
        if (lastResult != null) {
            api.transferToHost(lastResult, new ArrayList<>(planResident));
        }
        applyPending();
        lastResult = api.execute(plan, 0);
        residentUploads += planResident.size();
    }

    private void applyPending() {
        pending.forEach((device, host) -> TornadoArrays.put(host, device, "a resident array"));
        pending.clear();
    }

    /**
     * A new plan for the live members: the resident arrays come back from the old plan, which is freed; the new
     * one's first graph sends them (with the pending host values) before any member runs.
     */
    private void rebuild() {
        if (plan != null) {
            if (lastResult != null) {
                api.transferToHost(lastResult, new ArrayList<>(planResident));
            }
            Object old = plan;
            plan = null;
            lastResult = null;
            api.close(old);
        }
        applyPending();
        List<Member> live = new ArrayList<>();
        members.removeIf(r -> r.get() == null);
        members.forEach(r -> live.add(r.get()));
        Set<Object> resident = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> ordered = new ArrayList<>();
        for (Member m : live) {
            for (Object a : m.resident()) {
                if (resident.add(a)) {
                    ordered.add(a);
                }
            }
        }
        List<Object> graphs = new ArrayList<>();
        if (!ordered.isEmpty()) {
            graphs.add(uploadGraph(ordered));
        }
        for (Member m : live) {
            Object g = api.newTaskGraph(m.name());
            api.consumeFromDevice(g, ordered);
            m.define(api, g);
            api.persistOnDevice(g, ordered);
            graphs.add(g);
        }
        plan = api.plan(graphs, device);
        planMembers = live;
        planResident = resident;
        stale = false;
        builds++;
        if (!ordered.isEmpty()) {
            lastResult = api.execute(plan, 0);
            residentUploads += ordered.size();
        }
    }

    /** The graph that sends every resident array and keeps it on the device for the members. */
    private Object uploadGraph(List<Object> resident) {
        Object g = api.newTaskGraph("kiln_up");
        api.transferToDevice(g, api.everyExecution, resident);
        for (int from = 0, t = 0; from < resident.size(); from += ResidentKernels.MAX_ARRAYS, t++) {
            List<Object> chunk = resident.subList(from, Math.min(resident.size(), from + ResidentKernels.MAX_ARRAYS));
            StringBuilder types = new StringBuilder();
            chunk.forEach(a -> types.append(TornadoArrays.type(a)));
            KernelClass touch = ResidentKernels.touch(nativeArrays ? ArrayFlavor.TORNADO_NATIVE : ArrayFlavor.HEAP,
                    types.toString());
            api.task(g, "t" + t, kernels.apply(touch), chunk.toArray());
        }
        api.persistOnDevice(g, resident);
        return g;
    }
}
