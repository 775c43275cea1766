package dev.kiln.soak;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * What a soak test samples between training steps: heap in use after a full collection (heap pools' collection usage), the JVM's direct and mapped
 * NIO buffers (off-heap memory Java code can hold), metaspace and loaded classes (a generated class per call would show
 * there), each read through the platform MXBeans.
 */
record MemorySamples(long step, long heapBytes, long directCount, long directBytes, long mappedCount,
                     long mappedBytes, long metaspaceBytes, long loadedClasses) {
    private static final int GC_ROUNDS = 3;

    /**
     * Takes one sample at {@code step}: the smallest heap reading over a few {@code System.gc()} rounds (a collection
     * can leave a little garbage a second one frees), then the other figures.
     */
    static MemorySamples take(long step) {
        long heap = Long.MAX_VALUE;
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
            heap = Math.min(heap, heapAfterGc());
        }
        long[] direct = buffers("direct");
        long[] mapped = buffers("mapped");
        return new MemorySamples(step, heap, direct[0], direct[1], mapped[0], mapped[1], metaspace(),
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    }

    /**
     * Heap in use as the last collection left it: the heap pools' collection usage, which the collector records as
     * it finishes. Reading current usage instead would count the allocation buffer (TLAB) a thread takes right after
     * the collection in full, several MiB after an allocation-heavy phase. Current usage where a pool has no
     * collection usage.
     */
    private static long heapAfterGc() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                MemoryUsage u = pool.getCollectionUsage();
                used += (u != null ? u : pool.getUsage()).getUsed();
            }
        }
        return used;
    }

    /** {count, bytes} of the NIO buffer pool {@code name}; zeros when the JVM has no such pool. */
    private static long[] buffers(String name) {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals(name)) {
                return new long[] {pool.getCount(), pool.getMemoryUsed()};
            }
        }
        return new long[2];
    }

    private static long metaspace() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.NON_HEAP && pool.getName().equals("Metaspace")) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

    /** One line per sample, for the test output and failure messages. */
    static String table(List<MemorySamples> samples) {
        StringBuilder sb = new StringBuilder(String.format("%8s %12s %14s %14s %14s %9s%n", "step", "heap KiB",
                "direct n/KiB", "mapped n/KiB", "metaspace KiB", "classes"));
        for (MemorySamples s : samples) {
            sb.append(String.format("%8d %12d %14s %14s %14d %9d%n", s.step(), s.heapBytes() / 1024,
                    s.directCount() + "/" + s.directBytes() / 1024, s.mappedCount() + "/" + s.mappedBytes() / 1024,
                    s.metaspaceBytes() / 1024, s.loadedClasses()));
        }
        return sb.toString();
    }
}
