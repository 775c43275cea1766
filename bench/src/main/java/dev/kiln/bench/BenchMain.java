package dev.kiln.bench;

import dev.kiln.kernel.simd.VectorSupport;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs Kiln's JMH benchmarks (all of them, or those the JMH command-line arguments select) and prints each result as
 * GFLOP/s or GB/s next to this machine's peak. Benchmarks that fail (an op not registered in this build) are
 * reported by JMH and left out of the table.
 */
public final class BenchMain {
    /** fp32 FMA peak of one core of the reference machine (AVX-512, 2 FMA pipes), GFLOP/s. */
    static final double PEAK_GFLOPS_PER_CORE = 265;
    /** Measured DRAM stream bandwidth of the reference machine with one and two cores, GB/s. */
    static final double[] PEAK_DRAM_GBS = {40, 50};

    private BenchMain() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(BenchMain.class.getPackageName() + ".*");
        }
        System.out.println("Kiln benchmarks: " + VectorSupport.describe() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, JDK " + Runtime.version());
        Collection<RunResult> results = new Runner(options.build()).run();
        printTable(results);
    }

    private static void printTable(Collection<RunResult> results) {
        List<String> lines = new ArrayList<>();
        Map<String, Double> nsPerCall = new TreeMap<>();
        lines.add(String.format(Locale.ROOT, "%-26s %-34s %16s %9s %16s %8s", "benchmark", "params", "mean", "best",
                "peak", "of peak"));
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            String name = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.', p.getBenchmark()
                    .lastIndexOf('.') - 1) + 1);
            double opsPerSecond = r.getPrimaryResult().getScore();
            // on a shared machine the best iteration is the better estimate of what the kernel can do
            double bestOpsPerSecond = r.getPrimaryResult().getStatistics().getMax();
            int threads = Integer.parseInt(p.getParam("threads"));
            String params = String.join(" ", p.getParamsKeys().stream().map(k -> k + "=" + p.getParam(k)).toList());
            double perOp;
            double peak;
            String unit;
            if (name.startsWith("HybridCallOverheadBench")) {
                // average-time mode: the score is already ns per call, lower is better, so best is the minimum
                nsPerCall.put(name.substring(name.indexOf('.') + 1), r.getPrimaryResult().getScore());
                lines.add(String.format(Locale.ROOT, "%-46s %-11s %10.1f ns/call %10.1f ns (best)", name, params,
                        r.getPrimaryResult().getScore(), r.getPrimaryResult().getStatistics().getMin()));
                continue;
            }
            if (name.startsWith("AutogradBench") || name.startsWith("SymbolBench")) {
                lines.add(String.format(Locale.ROOT, "%-26s %-34s %10.1f us/op %9.1f us (best)", name, params,
                        1e6 / opsPerSecond, 1e6 / bestOpsPerSecond));
                continue;
            }
            if (name.startsWith("Elementwise")) {
                String method = name.substring(name.indexOf('.') + 1);
                perOp = ElementwiseBench.bytes(method, Integer.parseInt(p.getParam("size"))) / 1e9;
                int cores = method.equals("copyLoop") ? 1 : threads;
                peak = PEAK_DRAM_GBS[Math.min(cores, 2) - 1];
                unit = "GB/s";
            } else {
                double flops = switch (name.substring(0, name.indexOf('.'))) {
                    case "GemmSquareBench" -> 2.0 * Math.pow(Integer.parseInt(p.getParam("size")), 3);
                    case "GemmShapeBench" -> GemmShapeBench.flops(p.getParam("shape"));
                    case "ConvBench" -> ConvBench.flops(p.getParam("layer"));
                    default -> Double.NaN;
                };
                perOp = flops / 1e9;
                peak = PEAK_GFLOPS_PER_CORE * threads;
                unit = "GFLOP/s";
            }
            double rate = opsPerSecond * perOp;
            double best = bestOpsPerSecond * perOp;
            lines.add(String.format(Locale.ROOT, "%-26s %-34s %8.1f %-7s %9.1f %8.0f %-7s %7.0f%%", name, params, rate,
                    unit, best, peak, unit, 100 * rate / peak));
        }
        System.out.println();
        System.out.println("Results against the reference machine's peaks (mean and best iteration; DRAM peak shown "
                + "for memory-bound rows, which cache-resident sizes can exceed):");
        lines.forEach(System.out::println);
        printHybridRatios(nsPerCall);
    }

    /** Hybridized / eager ns per call for each pair {@code xEager[Loop]}, {@code xHybridized[Loop]} that ran. */
    private static void printHybridRatios(Map<String, Double> nsPerCall) {
        boolean header = false;
        for (Map.Entry<String, Double> e : nsPerCall.entrySet()) {
            Double hybrid = nsPerCall.get(e.getKey().replace("Eager", "Hybridized"));
            if (!e.getKey().contains("Eager") || hybrid == null) {
                continue;
            }
            if (!header) {
                System.out.println();
                System.out.println("Hybridized / eager time per call (below 1: hybridized is faster):");
                header = true;
            }
            System.out.println(String.format(Locale.ROOT, "%-26s eager %8.1f ns, hybridized %8.1f ns, ratio %.2f",
                    e.getKey().replace("Eager", ""), e.getValue(), hybrid, hybrid / e.getValue()));
        }
    }
}
