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

        /**
         * Called before the plan holding the member's graph is freed: values of its last run still on the device
         * (outputs copied back on demand) must be fetched now ({@link #fetch(Member, Object)}).
         */
        default void beforeRebuild() {
        }
    }

    /**
     * At most this many resident arrays in one plan: every task graph names them all, and TornadoVM's task graphs
     * hold at most 1024 nodes. Members that ran least recently leave the plan (and re-join when they run again).
     */
    static final int MAX_RESIDENT = 200;

    private final TornadoApi api;
    private final Object device;
    private final boolean nativeArrays;
    private final Function<KernelClass, MethodHandle> kernels;
    private final DeviceMemory memory = new DeviceMemory(this);
    private final List<WeakReference<Member>> members = new ArrayList<>();
    /** When each member last ran (a counter of runs), for choosing the members a full plan keeps. */
    private final Map<Member, Long> lastRun = new java.util.WeakHashMap<>();
    private long runs;
    /** Host values waiting to be sent into resident arrays, by resident array. */
    private final Map<Object, Object> pending = new IdentityHashMap<>();
    private Object plan;
    /** The plan's members by graph index (less {@code kiln_up}); weak, so that dropped programs can be collected. */
    private List<WeakReference<Member>> planMembers = List.of();
    private Set<Object> planResident = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean stale = true;
    private Object lastResult;
    /** The plan index of the graph that ran last and completed: the one holding the resident arrays' buffers. */
    private int lastIndex;
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
        lastRun.put(m, ++runs);
        if (stale || plan == null || indexOf(m) < 0) {
            rebuild(m);
        } else if (!pending.isEmpty()) {
            resend();
        }
        int index = indexOf(m);
        if (index < 0) {
            throw new KilnException("TornadoVM task graph " + m.name() + " is not in the session's plan");
        }
        int graph = index + (planResident.isEmpty() ? 0 : 1);
        try {
            lastResult = api.execute(plan, graph);
        } catch (RuntimeException e) {
            api.select(plan, lastIndex); // the resident arrays are still in the graph that ran before
            throw new KilnException(e.getMessage() + " (task graph " + m.name() + ", graph " + graph + " of "
                    + (planMembers.size() + 1) + " in the device's plan, " + planResident.size() + " resident arrays)",
                    e);
        }
        lastIndex = graph;
        return lastResult;
    }

    private int indexOf(Member m) {
        for (int i = 0; i < planMembers.size(); i++) {
            if (planMembers.get(i).get() == m) {
                return i;
            }
        }
        return -1;
    }

    /** Copies resident array {@code device}'s current device contents into its host-side array. */
    synchronized void fetch(Object device) {
        if (lastResult != null && planResident.contains(device) && !pending.containsKey(device)) {
            api.select(plan, lastIndex);
            api.transferToHost(lastResult, List.of(device));
        }
    }

    /**
     * Copies array {@code array} of member {@code m}'s last run (an output it left on the device, transferred on
     * demand) into its host-side array; the member must still be in the plan.
     */
    synchronized void fetch(Member m, Object array) {
        int index = indexOf(m);
        if (plan == null || lastResult == null || index < 0) {
            throw new KilnException("TornadoVM task graph " + m.name() + " is no longer in the device's plan");
        }
        api.select(plan, index + (planResident.isEmpty() ? 0 : 1));
        try {
            api.transferToHost(lastResult, List.of(array));
        } finally {
            api.select(plan, lastIndex);
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
        fetchAll();
        applyPending();
        lastResult = api.execute(plan, 0);
        lastIndex = 0;
        residentUploads += planResident.size();
    }

    private void applyPending() {
        pending.forEach((device, host) -> TornadoArrays.put(host, device, "a resident array"));
        pending.clear();
    }

    /**
     * A new plan for {@code joining} and the live members that ran most recently, as many as keep the resident
     * arrays within {@link #MAX_RESIDENT}: the resident arrays come back from the old plan, which is freed; the new
     * one's first graph sends them (with the pending host values) before any member runs.
     */
    private void rebuild(Member joining) {
        if (plan != null) {
            for (WeakReference<Member> r : planMembers) {
                Member m = r.get();
                if (m != null) {
                    m.beforeRebuild();
                }
            }
            fetchAll();
            Object old = plan;
            plan = null;
            lastResult = null;
            api.close(old);
        }
        applyPending();
        List<Member> candidates = new ArrayList<>();
        members.removeIf(r -> r.get() == null);
        members.forEach(r -> candidates.add(r.get()));
        candidates.remove(joining);
        candidates.sort((a, b) -> Long.compare(lastRun.getOrDefault(b, 0L), lastRun.getOrDefault(a, 0L)));
        candidates.addFirst(joining);
        Set<Object> resident = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> ordered = new ArrayList<>();
        List<Member> live = new ArrayList<>();
        for (Member m : candidates) {
            Set<Object> extra = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Object a : m.resident()) {
                if (!resident.contains(a)) {
                    extra.add(a);
                }
            }
            if (!live.isEmpty() && ordered.size() + extra.size() > MAX_RESIDENT) {
                continue; // left out of this plan; it re-joins when it runs again
            }
            live.add(m);
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
        planMembers = live.stream().map(WeakReference::new).toList();
        planResident = resident;
        stale = false;
        builds++;
        lastIndex = 0;
        if (!ordered.isEmpty()) {
            lastResult = api.execute(plan, 0);
            residentUploads += ordered.size();
        }
    }

    /** Copies every resident array back from the graph that ran last. */
    private void fetchAll() {
        if (lastResult != null && !planResident.isEmpty()) {
            api.select(plan, lastIndex);
            api.transferToHost(lastResult, new ArrayList<>(planResident));
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
