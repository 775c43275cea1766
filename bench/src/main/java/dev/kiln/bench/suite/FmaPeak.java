package dev.kiln.bench.suite;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;

/**
 * Measures the machine's fp32 fused multiply-add peak: each of {@code threads} threads runs independent chains of
 * vector FMAs (twelve accumulators, enough to cover the FMA latency on two pipes) on the widest vectors the JVM
 * offers; the best of several rounds counts 2 flops per lane per FMA.
 */
final class FmaPeak {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int ITERATIONS = 10_000_000;

    private FmaPeak() {
    }

    /** GFLOP/s of {@code threads} threads each running the FMA chains at once; best of {@code rounds}. */
    static double gflops(int threads, int rounds) {
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            List<Thread> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(FmaPeak::chains);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while measuring the FMA peak", e);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double flops = 2.0 * 12 * SPECIES.length() * ITERATIONS * threads;
            best = Math.max(best, flops / seconds / 1e9);
        }
        return best;
    }

    /**
     * Twelve independent FMA chains, written out: accumulators in an array would be stored to memory each step
     * instead of staying in registers. The result is consumed so that the JIT keeps the chains.
     */
    private static void chains() {
        FloatVector m = FloatVector.broadcast(SPECIES, 0.999999f);
        FloatVector c = FloatVector.broadcast(SPECIES, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(SPECIES, 1f);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0,
                a11 = a0;
        for (int i = 0; i < ITERATIONS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        float sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        if (sum == 42.4242f) {
            System.out.print("");
        }
    }
}
