package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Device memory shared by every program of a runtime: one device copy per host array (parameters, auxiliary states,
 * optimizer states), so the forward and backward segments of every graph and the optimizer's update kernels work on
 * the same buffer, sent once and again only after the host array changed ({@link NDArray#mutationCount()}). When a
 * kernel changes a buffer in place the host copy falls behind until {@link #toHost} (or the writer) refreshes it.
 * Keys are the host backing arrays, held weakly. How a device copy is made, sent and read back is the runtime's
 * ({@link Store}): Java arrays for the emulation, arrays TornadoVM keeps on its device for TornadoVM.
 */
public final class DeviceMemory {
    private final Map<Object, Resident> arrays = new WeakHashMap<>();
    /** Values segments left on the device for later segments, by the (deferred) host array standing for each. */
    private final Map<NDArray, Kept> kept = new WeakHashMap<>();
    /** Per device buffer holding kept values, how many times it was overwritten ({@link #retire}). */
    private final Map<Object, Long> generations = new WeakHashMap<>();
    private final Store store;
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();

    /** How a runtime holds device copies of host arrays. */
    public interface Store {
        /** A new device array of the same type and length as {@code host} (its contents are set by {@link #put}). */
        Object allocate(Object host);

        /** Sends the host array's contents into the device array (before the device next uses it). */
        void put(Object host, Object device);

        /** Copies the device array's current contents into the host array. */
        void get(Object device, Object host);
    }

    /** Memory whose device arrays are plain Java arrays (the emulation's device). */
    DeviceMemory() {
        this(new Store() {
            @Override
            public Object allocate(Object host) {
                return HostArrays.copyOf(host);
            }

            @Override
            public void put(Object host, Object device) {
                HostArrays.copy(host, device, "a device array");
            }

            @Override
            public void get(Object device, Object host) {
                HostArrays.copy(device, host, "a device array");
            }
        });
    }

    DeviceMemory(Store store) {
        this.store = store;
    }

    /**
     * A device buffer bound in place of a program's own buffer for one run: a parameter's resident copy, or a value
     * a segment left on the device for later segments ({@link #keep}), which bind it directly and which the host
     * copies only when it needs the value too ({@link #readback}).
     */
    public record OnDevice(Object array) {
    }

    /** One host array's device copy: the host mutation count it matches, and whether the host is behind. */
    private static final class Resident {
        final Object device;
        long synced = Long.MIN_VALUE;
        boolean hostBehind;

        Resident(Object device) {
            this.device = device;
        }
    }

    /**
     * A value kept on the device, the mutation count of the host array standing for it when it was kept, and whether
     * the host may read it (else only later device segments do).
     */
    private record Kept(Object device, long mutations, boolean hostMayRead) {
    }

    /**
     * The device copy of {@code a}, sent first when the device has none or the host array changed since; a host
     * change wins over a device change the host has not seen. Returns whether it was sent, through {@code sent}.
     */
    public synchronized OnDevice current(NDArray a, Runnable sent) {
        Object host = a.data();
        Resident r = arrays.computeIfAbsent(host, h -> new Resident(store.allocate(h)));
        if (r.synced != a.mutationCount()) {
            store.put(host, r.device);
            r.synced = a.mutationCount();
            r.hostBehind = false;
            uploads.incrementAndGet();
            sent.run();
        }
        return new OnDevice(r.device);
    }

    /** True when the device holds a copy of {@code a}. */
    public synchronized boolean holds(NDArray a) {
        return arrays.containsKey(a.data());
    }

    /** Records that a kernel changed the device copy of {@code a} in place: the host copy is behind. */
    public synchronized void deviceWrote(NDArray a) {
        Resident r = arrays.get(a.data());
        if (r != null) {
            r.hostBehind = true;
        }
    }

    /** Records that the host array of {@code a} was just written with the device's contents. */
    public synchronized void hostWritten(NDArray a) {
        Resident r = arrays.get(a.data());
        if (r != null) {
            r.synced = a.mutationCount();
            r.hostBehind = false;
        }
    }

    /** Copies the device copy of {@code a} into the host array when the host is behind. */
    public synchronized void toHost(NDArray a) {
        Resident r = arrays.get(a.data());
        if (r != null && r.hostBehind) {
            download(r.device, a);
        }
    }

    /** Copies a device buffer into {@code a}'s host array (counted as a download) and records that they agree. */
    public synchronized void download(Object device, NDArray a) {
        store.get(device, a.data());
        downloads.incrementAndGet();
        a.markMutated();
        hostWritten(a);
    }

    /**
     * Records that {@code a} (a {@link NDArray#deferred deferred} array the host may never read) stands for the
     * device value {@code device}, which later segments bind ({@link #kept}); {@code hostMayRead} when the host may
     * read it too (a graph output), so that it is copied back before the buffer is overwritten ({@link #retire}).
     */
    public synchronized void keep(NDArray a, Object device, boolean hostMayRead) {
        kept.put(a, new Kept(device, a.mutationCount(), hostMayRead));
    }

    /**
     * Copies a value kept on the device into a host array when the host reads it after all; fails, rather than give
     * a later run's value, when the buffer was overwritten since ({@link #retire}).
     */
    public Readback readback(OnDevice value) {
        long generation = generation(value.array());
        return host -> {
            if (generation(value.array()) != generation) {
                throw new KilnException("a value kept on the device for later device segments was overwritten by"
                        + " a later run of its segment before the host read it");
            }
            store.get(value.array(), host);
        };
    }

    private synchronized long generation(Object device) {
        return generations.getOrDefault(device, 0L);
    }

    /**
     * The device value {@code a} stands for, when a segment kept it on the device and the host has not written
     * {@code a} since (reading it, which copies it to the host, leaves the device value current); else null. Never
     * causes the copy.
     */
    public synchronized OnDevice kept(NDArray a) {
        Kept k = kept.get(a);
        return k == null || k.mutations() != a.mutationCount() ? null : new OnDevice(k.device());
    }

    /**
     * Called before a program overwrites {@code device}, a buffer whose value it kept on the device last run: a host
     * array standing for it that the host may read and has not read yet gets the old value now (so a late read sees
     * it); the others (values only later device segments read) are not copied, and a host read of them fails. The
     * device value is no longer offered to later segments.
     */
    public void retire(Object device) {
        java.util.List<NDArray> standing = new java.util.ArrayList<>();
        synchronized (this) {
            var it = kept.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getValue().device() == device) {
                    if (e.getValue().hostMayRead()) {
                        standing.add(e.getKey());
                    }
                    it.remove();
                }
            }
        }
        for (NDArray a : standing) {
            if (a.isPending()) {
                a.data(); // runs its readback while the buffer still holds the value
            }
        }
        synchronized (this) {
            generations.merge(device, 1L, Long::sum);
        }
    }

    /** Counts a host array sent for one use (an update's gradient) rather than kept resident. */
    public void sentOnce() {
        uploads.incrementAndGet();
    }

    /** Counts an optimizer update that ran as device kernels on this memory's arrays. */
    public void updated() {
        updates.incrementAndGet();
    }

    /** Optimizer updates run on this memory's arrays so far. */
    public long updates() {
        return updates.get();
    }

    /** Host arrays sent into this memory so far. */
    public long uploads() {
        return uploads.get();
    }

    /** Arrays copied from this memory to the host so far. */
    public long downloads() {
        return downloads.get();
    }
}
