package dev.kiln.bench.suite;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes one training step allocates, counted by the JVM for all threads together (Kiln's worker threads
 * included) through {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}. It is what the step costs
 * the garbage collector, and an upper bound on how far one step can raise heap use above the live set between
 * collections; it is not the live peak (a step's short-lived garbage counts in full).
 */
final class StepAllocation {
    private static final int CALLS = 3;

    private StepAllocation() {
    }

    /**
     * The fewest bytes any of a few calls of {@code step} allocated (other threads' stray allocations only add), or
     * {@code -1} when this JVM does not count allocations.
     */
    static long leastBytes(Runnable step) {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            return -1;
        }
        long least = Long.MAX_VALUE;
        for (int i = 0; i < CALLS; i++) {
            long before = threads.getTotalThreadAllocatedBytes();
            step.run();
            long after = threads.getTotalThreadAllocatedBytes();
            if (before < 0 || after < 0) {
                return -1;
            }
            least = Math.min(least, after - before);
        }
        return least;
    }
}
