package dev.kiln.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@link EpilogueBench}'s models timed interleaved in one JVM, for a machine whose load changes under the benchmark
 * (JMH runs each variant in its own fork, minutes apart): rounds alternate fused and unfused calls, and the median
 * per-call times and the median of the per-round ratios are printed. Arguments: rounds (default 40), threads (2).
 */
public final class EpilogueTiming {
    private EpilogueTiming() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        for (String model : new String[] {"mlp8", "mlp64", "conv4"}) {
            EpilogueBench b = new EpilogueBench();
            b.model = model;
            b.threads = threads;
            b.setUp();
            report(model + " inference", rounds, b::fused, b::unfused);
            if (model.startsWith("mlp")) {
                report(model + " train", rounds, b::fusedTrain, b::unfusedTrain);
            }
        }
    }

    private static void report(String what, int rounds, Supplier<?> fused, Supplier<?> unfused) {
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < until) {
            fused.get();
            unfused.get();
        }
        int calls = Math.max(1, (int) (30_000_000L / Math.max(1, time(fused, 3))));
        double[] f = new double[rounds];
        double[] u = new double[rounds];
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean fusedFirst = r % 2 == 0;
            double a = time(fusedFirst ? fused : unfused, calls);
            double b = time(fusedFirst ? unfused : fused, calls);
            f[r] = fusedFirst ? a : b;
            u[r] = fusedFirst ? b : a;
            ratio[r] = f[r] / u[r];
        }
        System.out.println(String.format(Locale.ROOT, "%-16s fused %9.1f us, unfused %9.1f us, fused/unfused %.3f"
                + " (median of %d rounds of %d calls)", what, median(f) / 1e3, median(u) / 1e3, median(ratio),
                rounds, calls));
    }

    /** Nanoseconds per call over {@code calls} calls. */
    private static double time(Supplier<?> call, int calls) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            call.get();
        }
        return (System.nanoTime() - t0) / (double) calls;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
