package dev.kiln.tornado.runtime;

import dev.kiln.ndarray.NDArray;
import dev.kiln.tornado.kernel.KernelLaunch;

import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Device memory shared by every program of a runtime: one device copy per host array (parameters, auxiliary states,
 * optimizer states), so the forward and backward segments of every graph and the optimizer's update kernels work on
 * the same buffer, sent once and again only after the host array changed ({@link NDArray#mutationCount()}). When a
 * kernel changes a buffer in place the host copy falls behind until {@link #toHost} (or the writer) refreshes it.
 * Keys are the host backing arrays, held weakly.
 */
public final class DeviceMemory {
    private final Map<Object, Resident> arrays = new WeakHashMap<>();
    /** Values segments left on the device for later segments, by the host array standing for each. */
    private final Map<NDArray, Kept> kept = new WeakHashMap<>();
    private final KernelLoader loader;
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong();

    DeviceMemory(KernelLoader loader) {
        this.loader = loader;
    }

    /**
     * A device buffer bound in place of a program's own buffer for one run: a parameter's resident copy, or a value
     * a segment left on the device for later segments ({@link #keep}), which bind it directly and which the host
     * copies only when it needs the value too ({@link #readback}).
     */
    public record OnDevice(Object array) {
    }

    /** A value kept on the device, and the mutation count of the host array standing for it when it was kept. */
    private record Kept(Object device, long mutations) {
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
     * The device copy of {@code a}, sent first when the device has none or the host array changed since; a host
     * change wins over a device change the host has not seen. Returns whether it was sent, through {@code sent}.
     */
    public synchronized OnDevice current(NDArray a, Runnable sent) {
        Object host = a.data();
        Resident r = arrays.computeIfAbsent(host, h -> new Resident(HostArrays.copyOf(h)));
        if (r.synced != a.mutationCount()) {
            HostArrays.copy(host, r.device, "array " + a.shape());
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
            HostArrays.copy(r.device, a.data(), "array " + a.shape());
            downloads.incrementAndGet();
            a.markMutated();
            r.synced = a.mutationCount();
            r.hostBehind = false;
        }
    }

    /** Copies a device buffer into {@code a}'s host array (counted as a download) and records that they agree. */
    public synchronized void download(Object device, NDArray a) {
        HostArrays.copy(device, a.data(), "array " + a.shape());
        downloads.incrementAndGet();
        a.markMutated();
        hostWritten(a);
    }

    /**
     * Records that {@code a} (a {@link NDArray#deferred deferred} array the host may never read) stands for the
     * device value {@code device}, which later segments bind ({@link #kept}).
     */
    public synchronized void keep(NDArray a, Object device) {
        kept.put(a, new Kept(device, a.mutationCount()));
    }

    /** Copies a value kept on the device into a host array when the host reads it after all. */
    public Readback readback(OnDevice value) {
        return host -> HostArrays.copy(value.array(), host, "a value kept on the device");
    }

    /**
     * The device value {@code a} stands for, when a segment kept it on the device and the host has not written
     * {@code a} since (reading it, which copies it to the host, leaves the device value current); else null. Never
     * causes the copy.
     */
    public synchronized OnDevice kept(NDArray a) {
        Kept k = kept.get(a);
        return k == null || k.mutations != a.mutationCount() ? null : new OnDevice(k.device);
    }

    /** Host arrays sent into this memory so far. */
    public long uploads() {
        return uploads.get();
    }

    /** Arrays copied from this memory to the host so far. */
    public long downloads() {
        return downloads.get();
    }

    /** A device copy of {@code a} for one use outside the resident copies (a gradient for an update, say). */
    public Object send(NDArray a) {
        uploads.incrementAndGet();
        return HostArrays.copyOf(a.data());
    }

    /** Runs {@code launches} in order on {@code buffers} (the launches' buffer table). */
    public void launch(List<KernelLaunch> launches, Object[] buffers) {
        for (KernelLaunch l : launches) {
            JavaEmulationRuntime.call(JavaEmulationRuntime.spreader(loader.kernel(l.kernel())),
                    JavaEmulationRuntime.arguments(l, buffers), l);
        }
    }
}
