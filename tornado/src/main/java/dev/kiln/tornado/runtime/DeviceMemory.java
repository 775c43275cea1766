package dev.kiln.tornado.runtime;

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
    /** Values a segment left on the device for later segments, by the host placeholder array standing for them. */
    private final Map<Object, Kept> kept = new WeakHashMap<>();
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

    /** A device buffer bound in place of a program's own buffer for one run. */
    public record OnDevice(Object array) {
        /** A zeroed host array of the same type and length: the placeholder of a value kept on the device. */
        public Object placeholder() {
            return switch (array) {
                case float[] f -> new float[f.length];
                case int[] i -> new int[i.length];
                default -> TornadoArrays.newHostArray(array);
            };
        }
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

    /** A kept device value and whether a later segment has read it. */
    private static final class Kept {
        final Object device;
        boolean read;

        Kept(Object device) {
            this.device = device;
        }
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
     * Records that {@code placeholder} (a host array whose contents were never copied back) stands for the device
     * value {@code device}, which later segments read from the device ({@link #kept}).
     */
    public synchronized void keep(NDArray placeholder, Object device) {
        kept.put(placeholder.data(), new Kept(device));
    }

    /** The device value {@code a} stands for, when a segment kept it on the device; else null. */
    public synchronized OnDevice kept(NDArray a) {
        Kept k = kept.get(a.data());
        if (k == null) {
            return null;
        }
        k.read = true;
        return new OnDevice(k.device);
    }

    /**
     * Copies a kept device value into its placeholder's host array (a host step needs it after all: a segment the
     * device failed runs on the host); true when {@code a} was such a placeholder.
     */
    public synchronized boolean materialize(NDArray a) {
        Kept k = kept.remove(a.data());
        if (k == null) {
            return false;
        }
        store.get(k.device, a.data());
        downloads.incrementAndGet();
        a.markMutated();
        return true;
    }

    /**
     * Called before a program overwrites {@code device}, a buffer whose value it kept on the device last run: a
     * placeholder no segment has read yet gets the old value copied into its host array (so a late reader sees
     * it), and the device value is no longer offered to later segments.
     */
    public synchronized void retire(Object device) {
        var it = kept.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getValue().device == device) {
                if (!e.getValue().read) {
                    store.get(device, e.getKey());
                    downloads.incrementAndGet();
                }
                it.remove();
            }
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
