package dev.kiln.bench;

import dev.kiln.parallel.Parallel;

/**
 * Sets Kiln's thread count for one benchmark fork. {@code kiln.threads} is read once, when Kiln's thread pool class
 * loads, so this must run in a trial setup before any Kiln kernel; JMH gives each parameter set its own JVM.
 */
public final class KilnThreads {
    private KilnThreads() {
    }

    public static void use(int threads) {
        System.setProperty("kiln.threads", Integer.toString(threads));
        if (Parallel.threads() != threads) {
            throw new IllegalStateException("Kiln already started with " + Parallel.threads() + " threads; run this "
                    + "benchmark with forks enabled (-f 1 or more)");
        }
    }
}
